import Foundation
import HumTestSupport
import Testing

/// MPRIS end to end: the real interface in tmux on a private session bus and a private PulseAudio
/// daemon, driven and read by `playerctl` (what media-key bindings run) and watched by `dbus-monitor`.
@Suite("Media keys and desktop widgets: MPRIS on a private session bus, end to end")
struct MediaKeysTests {
    @Test("playerctl sees the track, plays, pauses, seeks, skips, opens a file URI and sets the volume; listeners hear each change; quit frees the name")
    func playerctlControlsHum() async throws {
        let folder = try await Fixtures.longTracks()
        let (home, library) = try await HumInterface.prepare(label: "ui-mpris", folders: [folder])
        let bus = try BusTestDaemon()
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon, environment: bus.environment)
        defer { hum.close() }
        @Sendable func playerctl(_ words: String...) throws -> String {
            let result = try bus.run("playerctl", ["--player=hum"] + words)
            #expect(result.succeeded, "playerctl \(words.joined(separator: " ")): \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        @Sendable func waitFor(_ words: [String], toSay expected: String) throws {
            let deadline = Date().addingTimeInterval(10)
            var said = ""
            while Date() < deadline {
                said = (try? bus.run("playerctl", ["--player=hum"] + words).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? ""
                if said == expected { return }
                usleep(50_000)
            }
            Issue.record("playerctl \(words.joined(separator: " ")) said \(said), not \(expected)")
        }
        let monitor = try Spawned("dbus-monitor", ["--session", "type='signal',path='/org/mpris/MediaPlayer2'"],
                                  environment: bus.environment)
        defer { monitor.kill() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            let players = try bus.run("playerctl", ["--list-all"])
            #expect(players.stdoutLines == ["hum"], "\(players.stdout) \(players.stderr)")
            #expect(try playerctl("status") == "Stopped")

            try hum.keys("Enter")
            try hum.waitFor("▶ Long One")
            try waitFor(["status"], toSay: "Playing")
            #expect(try playerctl("metadata", "title") == "Long One")
            #expect(try playerctl("metadata", "artist") == "Zyx Testband")
            #expect(try playerctl("metadata", "album") == "Long Player")
            #expect(try playerctl("metadata", "mpris:length") == "60000000")
            #expect(try playerctl("metadata", "xesam:url").hasSuffix("/1%20Long%20One.flac"))

            // The media keys: play-pause, play, seek, next, volume — each seen on the screen.
            _ = try playerctl("play-pause")
            // Asked at once, not after the screen: the reply to PlayPause comes after the state it changed.
            #expect(try playerctl("status") == "Paused", "the answer came before the state it changed")
            try hum.waitFor("⏸ Long One")
            _ = try playerctl("play")
            try hum.waitFor("▶ Long One")
            _ = try playerctl("position", "30")
            try hum.waitFor { hum.clock($0)?.hasPrefix("0:3") == true }
            let position = try #require(Double(try playerctl("position")))
            #expect(position >= 29.5 && position < 40, "position \(position) after seeking to 30 s")
            _ = try playerctl("next")
            try hum.waitFor("▶ Long Two")
            try waitFor(["metadata", "title"], toSay: "Long Two")
            _ = try playerctl("volume", "0.4")
            #expect(try playerctl("volume") == "0.400000")
            try hum.waitFor("vol 40%")
            _ = try playerctl("shuffle", "On")
            try hum.waitFor("shuffle")
            _ = try playerctl("loop", "Playlist")
            try hum.waitFor("repeat")
            #expect(try playerctl("loop") == "Playlist")
            _ = try playerctl("loop", "Track")
            try hum.waitFor("repeat track")
            #expect(try playerctl("loop") == "Track")
            _ = try playerctl("loop", "Playlist")
            try hum.waitFor { $0.contains("repeat") && !$0.contains("repeat track") }
            // OpenUri: a file:// URL plays that file; anything else is refused with the reason.
            let third = URL(fileURLWithPath: folder + "/3 Long Three.flac").absoluteString  // spaces as %20
            _ = try playerctl("open", third)
            try hum.waitFor("▶ Long Three")
            let web = try bus.run("dbus-send", ["--session", "--print-reply", "--dest=org.mpris.MediaPlayer2.hum", "/org/mpris/MediaPlayer2",
                                                "org.mpris.MediaPlayer2.Player.OpenUri", "string:https://example.com/a.mp3"])
            #expect(!web.succeeded && web.stderr.contains("file://"), "an https URI was not refused: \(web.stdout) \(web.stderr)")

            // Listeners were told: each state, the new track, the seek.
            let heard = monitor.stdoutLines.joined(separator: "\n")
            for text in ["member=PropertiesChanged", "string \"Paused\"", "string \"Playing\"", "member=Seeked", "string \"Long Two\"",
                         "double 0.4"] {
                #expect(heard.contains(text), "dbus-monitor never saw \(text)")
            }

            // Quit from the bus: the interface ends, and the name with it.
            _ = try playerctl("stop")
            try hum.waitFor("■ Long Three")
            let quit = try bus.run("dbus-send", ["--session", "--print-reply", "--dest=org.mpris.MediaPlayer2.hum",
                                                 "/org/mpris/MediaPlayer2", "org.mpris.MediaPlayer2.Quit"])
            #expect(quit.succeeded, "\(quit.stderr)")
            let deadline = Date().addingTimeInterval(10)
            while !hum.terminal.isDead && Date() < deadline { usleep(20_000) }
            #expect(hum.terminal.isDead, "hum did not quit on MPRIS Quit")
            let left = try bus.run("playerctl", ["--list-all"])
            #expect(!left.stdoutLines.contains("hum"), "the name outlived hum: \(left.stdout)")
        }
        hum.close(daemon: false)

        // A private session names no track on the bus; the keys still work.
        let privately = try HumInterface(home: home, libraryPath: library, daemon: daemon, environment: bus.environment,
                                         arguments: ["--private"])
        defer { privately.close(daemon: false) }
        try await offPool {
            try privately.waitFor("Artist / Album")
            _ = try playerctl("play")
            try privately.waitFor("▶ Long Three")
            try waitFor(["status"], toSay: "Playing")
            let metadata = try bus.run("playerctl", ["--player=hum", "metadata"]).stdout
            #expect(!metadata.contains("Long Three") && !metadata.contains("Zyx") && !metadata.contains(".flac"),
                    "a private session named the track: \(metadata)")
            #expect(metadata.contains("mpris:trackid"), "\(metadata)")
            try privately.quit()
        }

        // mpris = off: hum stays off the bus.
        try FileManager.default.createDirectory(atPath: home + "/config/hum", withIntermediateDirectories: true)
        try "mpris = \"off\"\n".write(toFile: home + "/config/hum/config.toml", atomically: true, encoding: .utf8)
        let off = try HumInterface(home: home, libraryPath: library, daemon: daemon, environment: bus.environment)
        defer { off.close() }
        try await offPool {
            try off.waitFor("Artist / Album")
            try off.terminal.waitUntilStable(for: 0.5)
            let players = try bus.run("playerctl", ["--list-all"])
            #expect(!players.stdoutLines.contains("hum"), "mpris = off, yet hum is on the bus: \(players.stdout)")
            try off.quit()
        }
    }
}
