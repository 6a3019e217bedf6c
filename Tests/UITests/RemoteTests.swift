import Foundation
import HumTestSupport
import Testing

/// `hum remote` against the real interface in tmux, playing through a private PulseAudio daemon.
@Suite("Scripting the interface: hum remote and status_program, end to end")
struct RemoteTests {
    @Test("hum remote plays, pauses, sets the volume, skips, reports status, refuses a bad command, and quits the interface")
    func remoteControl() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-remote", folders: [try await Fixtures.longTracks()])
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        let socket = (library as NSString).deletingPathExtension + "-remote.sock"
        @Sendable func remote(_ words: String...) throws -> ChildProcess.Result {
            try ChildProcess.run(Repository.humBinary, ["remote", "--library", library] + words,
                                 environment: ["HOME": home], timeout: 20)
        }
        try await offPool {
            try hum.waitFor("Artist / Album")
            let mode = try #require(FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int)
            #expect(mode & 0o077 == 0, "the socket is open to others: \(String(mode, radix: 8))")

            let stopped = try remote("status")
            #expect(stopped.succeeded, "\(stopped.stderr)")
            #expect(stopped.stdoutLines.first == "status stopped")
            #expect(stopped.stdoutLines.contains("view library"))

            // `play` plays the row under the cursor: the artist, from the first track.
            #expect(try remote("play").succeeded)
            try hum.waitFor("▶ Long One")
            #expect(try remote("vol", "40").succeeded)
            try hum.waitFor("vol 40%")
            // Words with a leading dash are the command's, not options of `hum remote`.
            #expect(try remote("vol", "-5").succeeded)
            try hum.waitFor("vol 35%")
            #expect(try remote("vol", "+5").succeeded)
            try hum.waitFor("vol 40%")
            let playing = try remote("-Q").stdoutLines
            #expect(playing.first == "status playing")
            #expect(playing.contains("tag title Long One"))
            #expect(playing.contains("tag artist Zyx Testband"))
            #expect(playing.contains("duration 60"))
            #expect(playing.contains("set volume 40"))
            #expect(playing.contains { $0.hasPrefix("file /") && $0.hasSuffix("/1 Long One.flac") }, "\(playing)")
            #expect(playing.contains("tag date 2001"))
            #expect(playing.contains("queue 1/3"))

            #expect(try remote("pause").succeeded)
            try hum.waitFor("⏸ Long One")
            let paused = try remote("status").stdoutLines
            #expect(paused.first == "status paused")
            let position = paused.first { $0.hasPrefix("position ") }
            try hum.terminal.waitUntilStable(for: 1.2)
            #expect(try remote("status").stdoutLines.first { $0.hasPrefix("position ") } == position,
                    "the position moved while paused")

            // A command the interface refuses: named on standard error, exit status 1, the interface goes on.
            let refused = try remote("bogus")
            #expect(refused.status == 1)
            #expect(refused.stderrLines == ["hum: unknown command: bogus"])
            let badSeek = try remote("seek", "soon")
            #expect(badSeek.stderrLines == ["hum: bad value for seek: soon"])

            #expect(try remote("pause").succeeded)
            #expect(try remote("next").succeeded)
            try hum.waitFor("▶ Long Two")
            // A folder to the end of the queue, as cmus-remote -q does.
            let folder = try #require(playing.first { $0.hasPrefix("file /") }.map { (String($0.dropFirst(5)) as NSString).deletingLastPathComponent })
            #expect(try remote("enqueue", folder.replacingOccurrences(of: " ", with: "\\ ")).succeeded)
            let queued = Date().addingTimeInterval(10)
            while !(try remote("status").stdoutLines.contains("queue 2/6")) && Date() < queued { usleep(50_000) }
            #expect(try remote("status").stdoutLines.contains("queue 2/6"), "the folder's 3 tracks were not queued")
            let created = try remote("pl-create", "Late Night")
            #expect(created.stdoutLines == ["playlist Late Night created"])

            #expect(try remote("quit").succeeded)
            let deadline = Date().addingTimeInterval(10)
            while !hum.terminal.isDead && Date() < deadline { usleep(20_000) }
            #expect(hum.terminal.isDead, "hum did not quit on remote quit")
            #expect(!FileManager.default.fileExists(atPath: socket), "the socket was left behind")
            let gone = try remote("status")
            #expect(gone.status == 1)
            #expect(gone.stderr.contains("no hum interface is running on this library"), "\(gone.stderr)")
        }
    }

    @Test("A second interface on the same library leaves the socket to the first and says so")
    func secondInterface() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-remote-two", folders: [try await Fixtures.longTracks()])
        let first = try HumInterface(home: home, libraryPath: library, daemon: nil)
        defer { first.close() }
        try await offPool {
            try first.waitFor("Artist / Album")
            let second = try first.restarted()
            defer { second.close() }
            try second.waitFor("hum remote is off: another hum is running on this library")
            let status = try ChildProcess.run(Repository.humBinary, ["remote", "--library", library, "view", "queue"],
                                              environment: ["HOME": home], timeout: 20)
            #expect(status.succeeded, "\(status.stderr)")
            try first.waitFor("Queue: 0 tracks")
            try second.quit()
            // The first still answers: the second did not remove its socket on the way out.
            try first.keys("1")
            try first.waitFor("Artist / Album")
            #expect(try ChildProcess.run(Repository.humBinary, ["remote", "--library", library, "status"],
                                         environment: ["HOME": home], timeout: 20).stdoutLines.contains("view library"))
            try first.quit()
        }
    }

    @Test("status_program is run with the state when a track starts, pauses and at quit; never in a private session; one that cannot run is named")
    func statusProgram() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-status-program", folders: [try await Fixtures.longTracks()])
        let log = home + "/status.log"
        let script = home + "/status.sh"
        // Prints to its standard output too: none of that may reach the interface's screen.
        try "#!/bin/sh\nprintf '%s|' \"$@\" >> '\(log)'\necho >> '\(log)'\necho NOISE-FROM-SCRIPT\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        try FileManager.default.createDirectory(atPath: home + "/config/hum", withIntermediateDirectories: true)
        try "status_program = \"\(script)\"\n".write(toFile: home + "/config/hum/config.toml", atomically: true, encoding: .utf8)
        @Sendable func calls() -> [String] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        @Sendable func waitForCall(_ prefix: String) throws {
            let deadline = Date().addingTimeInterval(10)
            while !calls().contains(where: { $0.hasPrefix(prefix) }) && Date() < deadline { usleep(20_000) }
            #expect(calls().contains { $0.hasPrefix(prefix) }, "no call starting \(prefix): \(calls())")
        }
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            try hum.terminal.waitUntilStable(for: 0.5)
            #expect(calls().isEmpty, "called before anything played: \(calls())")
            try hum.keys("Enter")
            try hum.waitFor("▶ Long One")
            try waitForCall("status|playing|file|")
            let started = try #require(calls().first)
            #expect(started.contains("/1 Long One.flac|duration|60|title|Long One|artist|Zyx Testband|"), "\(started)")
            try hum.keys("Space")
            try hum.waitFor("⏸ Long One")
            try waitForCall("status|paused|")
            try hum.keys("b")
            try hum.waitFor("▶ Long Two")
            try hum.waitFor(timeout: 10) { _ in calls().last?.hasPrefix("status|playing|") == true && calls().last?.contains("title|Long Two|") == true }
            #expect(!(try hum.screen()).contains("NOISE"), "the program's output reached the screen")
            // A program that cannot be run is named on the status bar (once), and playing goes on.
            try hum.command("set status_program=/nonexistent/hum-status")
            try hum.keys("Space")
            try hum.waitFor("status_program: cannot run /nonexistent/hum-status: No such file or directory")
            try hum.command("set status_program=\(script)")
            try hum.quit()
            #expect(calls().last == "status|stopped|")
            // Played, paused, played the next, stopped at quit: nothing for the clock's ticks.
            #expect(calls().count == 4, "\(calls())")
        }
        hum.close(daemon: false)

        // A private session: the same playing, not one call.
        let before = calls()
        let privately = try HumInterface(home: home, libraryPath: library, daemon: daemon, arguments: ["--private"])
        defer { privately.close() }
        try await offPool {
            try privately.waitFor("Artist / Album")
            try privately.keys("Space")
            try privately.waitFor("▶ Long Two")
            try privately.keys("Space")
            try privately.waitFor("⏸ Long Two")
            try privately.terminal.waitUntilStable(for: 0.5)
            try privately.quit()
            #expect(calls() == before, "a private session called status_program: \(calls().dropFirst(before.count))")
        }
    }
}
