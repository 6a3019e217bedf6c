import Foundation
import HumTestSupport
import Testing

/// `hum remote` against the real interface in tmux, playing through a private PulseAudio daemon.
@Suite("hum remote, end to end")
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
}
