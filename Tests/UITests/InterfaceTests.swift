import Foundation
import HumTestSupport
import Testing

/// The real binary driven in tmux, as a listener would: keys in, the screen read back.
@Suite("The interface, end to end in tmux")
struct InterfaceTests {
    /// A generated 1,000-track library plus three one-minute tracks by "Zyx Testband".
    static func libraryFolders() async throws -> [String] {
        [try await GeneratedLibrary.make(count: 1000, seed: 4), try await Fixtures.longTracks()]
    }

    @Test("Search an artist, play, build a playlist, reorder, export M3U8, quit, and find it all again")
    func roundTrip() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-roundtrip", folders: try await Self.libraryFolders())
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album", timeout: 30)
            // Search the tree for the artist, and play the album from its first track.
            try hum.keys("/")
            try hum.terminal.type("zyx test")
            try hum.keys("Enter")
            try hum.waitFor { screen in screen.contains("Long One") && screen.contains("Long Three") }
            try hum.keys("Enter")
            try hum.waitFor { $0.contains("▶ Long One — Zyx Testband — Long Player") }

            try hum.command("pl-create Trip")
            try hum.waitFor("playlist Trip created")
            // The three tracks of the right pane, marked, then added.
            try hum.keys("Tab", "m", "m", "m")
            try hum.command("add-to Trip")
            try hum.waitFor("3 tracks added to Trip")
            // Reorder in the Playlists view: the first track moves down one.
            try hum.keys("3")
            try hum.waitFor("Playlists (1)")
            try hum.keys("Tab", "J")
            // The list is drawn above the now-playing bar (which names Long One too).
            try hum.waitFor { screen in
                guard let one = screen.range(of: "Long One"), let two = screen.range(of: "Long Two") else { return false }
                return two.lowerBound < one.lowerBound
            }
            let export = home + "/trip.m3u8"
            try hum.command("pl-export Trip \(export)")
            try hum.waitFor("written to")

            // Pause, so that the position is a fixed point to find again.
            try hum.keys("Space")
            let paused = try hum.waitFor("⏸ Long One")
            let clock = try #require(hum.clock(paused))
            try hum.keys("4")
            try hum.waitFor("Queue: 3 tracks")
            try hum.quit()

            // The M3U8 file: extended, in the new order, paths relative to the file that resolve.
            let text = try String(contentsOfFile: export, encoding: .utf8)
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.first == "#EXTM3U")
            let infos = lines.filter { $0.hasPrefix("#EXTINF:") }
            #expect(infos.count == 3)
            #expect(infos.map { $0.hasPrefix("#EXTINF:60,") } == [true, true, true], "\(infos)")
            let entries = lines.filter { !$0.hasPrefix("#") && !$0.isEmpty }
            #expect(entries.map { ($0 as NSString).lastPathComponent } == ["2 Long Two.flac", "1 Long One.flac", "3 Long Three.flac"])
            for entry in entries {
                #expect(!entry.hasPrefix("/"), "\(entry) should be relative")
                #expect(FileManager.default.fileExists(atPath: home + "/" + entry), "\(entry) does not resolve")
            }

            // Restart: the view, the queue, the track and its position, and the playlist are back.
            let again = try hum.restarted()
            defer { again.close(daemon: false) }
            // The view and both rows of the bar (the clock is on the second): a capture can fall between the
            // rows of one frame being drawn, and one CI run caught the title row without the clock row.
            let restored = try again.terminal.waitFor(timeout: 30) {
                $0.contains("Queue: 3 tracks") && $0.contains("⏸ Long One — Zyx Testband") && again.clock($0) != nil
            }.screen
            #expect(again.clock(restored) == clock, "position: \(again.clock(restored) ?? "none") after restart, \(clock) before")
            try again.keys("3")
            // The view's header can be drawn before the playlist's rows are read back: wait for the rows in
            // the saved order (a wait that times out fails with the last screen).
            func order(_ screen: String) -> [String.Index] {
                ["Long Two", "Long One", "Long Three"].compactMap { screen.range(of: $0)?.lowerBound }
            }
            let lists = try again.terminal.waitFor(timeout: 10) {
                $0.contains("Playlists (1)") && order($0).count == 3 && order($0) == order($0).sorted()
            }.screen
            #expect(lists.contains("Trip"))
            // And space plays on from there.
            try again.keys("Space")
            try again.waitFor("▶ Long One")
            try again.quit()
        }
    }

    @Test("Resizing during playback redraws at every size; below 40×8 it says so; the sound goes on")
    func resizeDuringPlayback() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-resize", folders: [try await Fixtures.longTracks()])
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            try hum.keys("Enter")
            try hum.waitFor("▶ Long One")
            for (rows, columns) in [(12, 50), (40, 160), (6, 30), (8, 40), (24, 80)] {
                try hum.terminal.resize(rows: rows, columns: columns)
                let screen = try hum.waitFor { screen in
                    let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
                    if rows < 8 || columns < 40 { return screen.contains("hum needs at least") }
                    return lines.first?.hasPrefix(" hum ") == true && screen.contains("▶ Long One")
                }
                for line in screen.split(separator: "\n") {
                    #expect(line.count <= columns, "a line wider than \(columns) columns: \(line)")
                }
            }
            // Still playing: the clock moves.
            let before = hum.clock(try hum.screen())
            try hum.waitFor(timeout: 5) { hum.clock($0) != before }
            try hum.quit()
        }
    }

    @Test("A file with a good header and no audio in the middle of the queue is named, and the next track plays")
    func noAudioInTheMiddle() async throws {
        let tone = try await Fixtures.toneFLAC()
        let folder = Fixtures.scratchDirectory("ui-no-audio-music")
        try FileManager.default.copyItem(atPath: tone, toPath: folder + "/1 First.flac")
        // The header (STREAMINFO says 3 s) and not one whole frame.
        let head = try Data(contentsOf: URL(fileURLWithPath: tone)).prefix(3000)
        try head.write(to: URL(fileURLWithPath: folder + "/2 Broken.flac"))
        try FileManager.default.copyItem(atPath: tone, toPath: folder + "/3 Last.flac")
        let (home, library) = try await HumInterface.prepare(label: "ui-no-audio", folders: [folder])
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            try hum.keys("2")
            try hum.waitFor("3 Last.flac")
            try hum.keys("g", "Enter")
            try hum.waitFor("▶ 1 First.flac")
            let screen = try hum.waitFor(timeout: 20) { $0.contains("▶ 3 Last.flac") }
            #expect(screen.contains("cannot play \(folder)/2 Broken.flac"), "\(screen)")
            try hum.quit()
        }
    }

    /// Seeks to 0:56 of the track playing and waits until the clock shows 0:58: 2 s before its end, when
    /// the engine has already opened and decoded the next entry for the gapless hand-off (it reads 3 s
    /// ahead), so what is changed then tests that an edit in a track's last seconds still decides what
    /// follows (`PlaybackEngine.retractStaleLookAhead`).
    static func nearTheEnd(_ hum: HumInterface) throws {
        try hum.command("seek 0:56")
        try hum.waitFor { screen in ["0:58", "0:59"].contains { hum.clock(screen)?.hasPrefix($0) == true } }
    }

    /// From the start screen: plays Long One from the Tracks view (the three long tracks follow in order),
    /// then goes near its end (`nearTheEnd`).
    static func playLongOneToNearItsEnd(_ hum: HumInterface) throws {
        try hum.waitFor("Artist / Album")
        try hum.keys("2")
        try hum.waitFor("Long Three")
        try hum.keys("g", "Enter")
        try hum.waitFor("▶ Long One")
        try nearTheEnd(hum)
    }

    @Test("Repeat current (ctrl-r) plays the track again, b still moves on; continue off (C) stops after the track, space goes on; i finds the track playing; both switched in the track's last seconds")
    func repeatContinueAndShowPlaying() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-repeat", folders: [try await Fixtures.longTracks()])
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        try await offPool {
            try Self.playLongOneToNearItsEnd(hum)
            try hum.keys("C-r")
            try hum.waitFor("repeat track")
            // Past its end the clock starts again on the same track, never on the next.
            let again = try hum.waitFor(timeout: 15) { $0.contains("▶ Long Two") || hum.clock($0)?.hasPrefix("0:01") == true }
            #expect(again.contains("▶ Long One"), "\(again)")
            // b is the listener's: it moves on.
            try hum.keys("b")
            try hum.waitFor("▶ Long Two")
            try hum.keys("C-r")
            try hum.waitFor("repeat current track off")
            try Self.nearTheEnd(hum)
            try hum.keys("C")
            try hum.waitFor("stop after")
            // Stopped after the track, on the next one, which does not play by itself.
            try hum.waitFor(timeout: 15) { $0.contains("■ Long Three") }
            Thread.sleep(forTimeInterval: 1.5)
            let stopped = try hum.screen()
            #expect(stopped.contains("■ Long Three") && hum.clock(stopped) == "0:00 / 1:00", "\(stopped)")
            try hum.keys("Space")
            try hum.waitFor("▶ Long Three")
            // i, from the top of the Tracks view: the cursor on the row playing.
            try hum.keys("g", "i")
            try hum.waitFor { _ in (try? hum.selectedRows())?.contains { $0.contains("Long Three") } == true }
            #expect(try hum.selectedRows().filter { $0.contains("Long One") }.isEmpty)
            try hum.quit()
        }
    }

    @Test("A track queued to play next in the last seconds of the one playing is the one that follows")
    func playNextInTheLastSeconds() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-play-next", folders: [try await Fixtures.longTracks()])
        let daemon = try await offPool { try PulseTestDaemon() }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: daemon)
        defer { hum.close() }
        try await offPool {
            try Self.playLongOneToNearItsEnd(hum)
            // Long Two was decoded ahead; E on the last row puts Long Three after the track playing. (That the
            // hand-off stays gapless is heard in SoundTests, which run alone.)
            try hum.keys("G", "E")
            try hum.waitFor("queued to play next")
            let next = try hum.waitFor(timeout: 15) { $0.contains("▶ Long Two") || $0.contains("▶ Long Three") }
            #expect(next.contains("▶ Long Three"), "\(next)")
            try hum.quit()
        }
    }

    @Test("NO_COLOR: attributes only, not one color; without it, colors")
    func noColor() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-nocolor", folders: [try await Fixtures.longTracks()])
        func colorCodes(_ environment: [String: String]) async throws -> (colors: Int, attributes: Int) {
            let hum = try HumInterface(home: home, libraryPath: library, daemon: nil, environment: environment)
            defer { hum.close() }
            return try await offPool {
                try hum.waitFor("Artist / Album")
                let screen = try hum.terminal.capture(colors: true)
                let sequences = screen.components(separatedBy: "\u{1B}[").dropFirst().map { $0.prefix { $0 != "m" } }
                let parameters = sequences.flatMap { $0.split(separator: ";") }.compactMap { Int($0) }
                // 39 and 49 are the terminal's own colors ("default"), which NO_COLOR keeps.
                let colors = parameters.filter { ((30...49).contains($0) && $0 != 39 && $0 != 49) || (90...107).contains($0) }.count
                let attributes = parameters.filter { [1, 2, 4, 7].contains($0) }.count
                try hum.quit()
                return (colors, attributes)
            }
        }
        let plain = try await colorCodes(["NO_COLOR": "1"])
        #expect(plain.colors == 0)
        #expect(plain.attributes > 0, "the selection must still stand out")
        let colored = try await colorCodes([:])
        #expect(colored.colors > 0)
    }

    /// The color codes on screen (SGR parameters, `capture-pane -e`) with the gruvbox theme (24-bit colors)
    /// under a terminal type: what reaches the terminal must be what it can show.
    static func colorParameters(term: String, colorTerm: String?) async throws -> [[Int]] {
        let (home, library) = try await HumInterface.prepare(label: "ui-depth", folders: [try await Fixtures.longTracks()])
        try FileManager.default.createDirectory(atPath: home + "/config/hum", withIntermediateDirectories: true)
        try "theme = \"gruvbox\"\n".write(toFile: home + "/config/hum/config.toml", atomically: true, encoding: .utf8)
        var environment = ["TERM": term]
        if let colorTerm { environment["COLORTERM"] = colorTerm }
        let hum = try HumInterface(home: home, libraryPath: library, daemon: nil, environment: environment)
        defer { hum.close() }
        return try await offPool {
            try hum.waitFor("Artist / Album")
            let screen = try hum.terminal.capture(colors: true)
            try hum.quit()
            return screen.components(separatedBy: "\u{1B}[").dropFirst()
                .map { $0.prefix { $0 != "m" }.split(separator: ";").compactMap { Int($0) } }
        }
    }

    @Test("8 colors (TERM=screen): only the 8 ANSI colors; 256 (tmux-256color): the palette; truecolor: 24-bit")
    func colorDepths() async throws {
        let eight = try await Self.colorParameters(term: "screen", colorTerm: nil)
        #expect(!eight.isEmpty)
        #expect(eight.allSatisfy { !$0.contains(38) && !$0.contains(48) && !$0.contains { (90...107).contains($0) } }, "\(eight)")
        #expect(eight.contains { $0.contains { (30...37).contains($0) } })
        let palette = try await Self.colorParameters(term: "tmux-256color", colorTerm: nil)
        #expect(palette.contains { $0.starts(with: [38, 5]) || $0.starts(with: [48, 5]) }, "\(palette)")
        #expect(!palette.contains { $0.starts(with: [38, 2]) })
        let direct = try await Self.colorParameters(term: "xterm-direct", colorTerm: "truecolor")
        #expect(direct.contains { $0.starts(with: [38, 2]) || $0.starts(with: [48, 2]) }, "\(direct)")
    }

    @Test("Partial redraws leave nothing behind, with tags terminals size differently (ZWJ emoji, skin tones, VS16, flags, CJK, marks)")
    func partialRedrawsMatchFullOnes() async throws {
        let titles = [("Coder 👩‍💻 Blues 🇯🇵", "Zoë Keating", "Flags 🇫🇷"), ("❤️ Heart 1️⃣ key", "Zoë Keating", "Flags 🇫🇷"),
                      ("誰かの願い 🧑🏽‍🚀 e\u{301}", "宇多田ヒカル", "Blue 👍🏿"), ("نسم علينا الهوى", "فيروز", "معرفتي فيك")]
        let folder = Fixtures.scratchDirectory("emoji-library")
        for (index, tags) in titles.enumerated() {
            let file = try await Fixtures.tagged("flac", name: "emoji-\(index)",
                                                 tags: [("TITLE", tags.0), ("ARTIST", tags.1), ("ALBUM", tags.2)])
            try FileManager.default.copyItem(atPath: file, toPath: folder + "/\(index).flac")
        }
        let (home, library) = try await HumInterface.prepare(label: "ui-emoji", folders: [folder])
        let hum = try HumInterface(home: home, libraryPath: library, daemon: nil, rows: 14, columns: 90)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            // Every artist to every other, so each row of the right pane is redrawn over each other one.
            // Each key but two changes the screen (its colours at least, where the cursor is): that change
            // is awaited before the screen is taken, since hum can take longer than the stability window to
            // answer when the whole suite loads the machine (this test, 8 s alone, took 214 s there). The
            // text is compared: colours of blank cells differ between the two ways and show nowhere.
            let keys = ["j", "j", "k", "k", "j", "j", "g", "G", "2", "j", "1", "o", "Tab", "j", "3", "1", "k", "2", "1"]
            let still: Set<Int> = [13, 16]  // j and k on the artist's only track
            for (index, key) in keys.enumerated() {
                let before = try hum.terminal.capture(colors: true)
                try hum.keys(key)
                if !still.contains(index) { try hum.terminal.waitFor(timeout: 30, colors: true) { $0 != before } }
                let partial = try hum.terminal.waitUntilStable(for: 0.2).screen
                try hum.keys("C-l")
                let full = try hum.terminal.waitUntilStable(for: 0.2).screen
                #expect(partial == full, "after \(key), the screen drawn in part differs from a full redraw:\n\(partial)\n---\n\(full)")
            }
            try hum.quit()
        }
    }

    @Test("On an empty library hum says how to add music, and :add adds it")
    func emptyLibrary() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-empty", folders: [])
        let folder = try await Fixtures.longTracks()
        let hum = try HumInterface(home: home, libraryPath: library, daemon: nil)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Your library is empty")
            #expect(try hum.screen().contains(":add ~/Music"))
            try hum.command("add \(folder)")
            try hum.waitFor("Zyx Testband", timeout: 30)
            try hum.quit()
        }
    }

    @Test("? lists keys from the live map, including a key bound in config.toml; Tab completes commands")
    func helpAndCompletion() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-help", folders: [try await Fixtures.longTracks()])
        try FileManager.default.createDirectory(atPath: home + "/config/hum", withIntermediateDirectories: true)
        try "[keys]\n\"ctrl-t\" = \"theme light\"\n".write(toFile: home + "/config/hum/config.toml", atomically: true, encoding: .utf8)
        let hum = try HumInterface(home: home, libraryPath: library, daemon: nil, rows: 40, columns: 120)
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            try hum.keys("?")
            var help = try hum.waitFor("Help")
            // The binding is listed somewhere in Help's pages.
            for _ in 0..<12 where !help.contains("ctrl-t") {
                try hum.keys("C-d")
                help = try hum.waitFor { $0 != help }
            }
            #expect(help.contains("ctrl-t") && help.contains("Theme light"), "\(help)")
            try hum.keys("Escape")
            try hum.waitFor("Artist / Album")
            try hum.keys("C-t")
            try hum.waitFor("theme light")
            try hum.keys(":")
            try hum.terminal.type("pl-ren")
            try hum.keys("Tab")
            try hum.waitFor(":pl-rename")
            try hum.keys("Escape")
            try hum.quit()
        }
    }

    @Test(":colorscheme NAME takes cmus's colorscheme as cmus would: its colors on screen, completion, a clear refusal")
    func cmusColorscheme() async throws {
        let (home, library) = try await HumInterface.prepare(label: "ui-cmus-theme", folders: [try await Fixtures.longTracks()])
        let hum = try HumInterface(home: home, libraryPath: library, daemon: nil, environment: ["TERM": "tmux-256color"])
        defer { hum.close() }
        try await offPool {
            try hum.waitFor("Artist / Album")
            func colors() throws -> [[Int]] {
                try hum.terminal.capture(colors: true).components(separatedBy: "\u{1B}[").dropFirst()
                    .map { $0.prefix { $0 != "m" }.split(separator: ";").compactMap { Int($0) } }
            }
            #expect(try !colors().contains { $0.starts(with: [48, 5, 237]) })
            try hum.keys(":")
            try hum.terminal.type("colorscheme zenb")
            try hum.keys("Tab")
            try hum.waitFor(":colorscheme zenburn")
            try hum.keys("Enter")
            try hum.waitFor("theme zenburn")
            // zenburn (/usr/share/cmus/zenburn.theme): text 188 on 237, the status line 142 on 237.
            let zenburn = try colors()
            for parameters in [[48, 5, 237], [38, 5, 188], [38, 5, 142]] {
                #expect(zenburn.contains { $0.starts(with: parameters) }, "no \(parameters) on screen: \(zenburn)")
            }
            try hum.keys(":")
            try hum.terminal.type("theme cmus:nope")
            try hum.keys("Enter")
            try hum.waitFor("no cmus colorscheme named nope")
            #expect(try colors().contains { $0.starts(with: [48, 5, 237]) }, "a refused theme changed the screen")
            try hum.quit()
        }
    }
}

/// However hum ends — q, a signal, a crash — the terminal is left as it was found: the alternate screen
/// left, the cursor shown. Checked through tmux's own view of the pane, which no capture can fake.
@Suite("The terminal is restored")
struct TerminalRestoreTests {
    /// Starts hum under `sh` (so that the pane outlives it), ends it with `end`, and reads the pane.
    func endWith(_ label: String, environment: [String: String] = [:], _ end: @escaping @Sendable (HumInterface, pid_t) throws -> Void) async throws -> (alternate: String, cursor: String, screen: String) {
        let (home, library) = try await HumInterface.prepare(label: "ui-restore-\(label)", folders: [try await Fixtures.longTracks()])
        let script = "\(Repository.humBinary) --library \(library) --output null; echo \"hum ended with $?\"; exec sleep 600"
        let terminal = try TmuxSession(["sh", "-c", script], rows: 24, columns: 80,
                                       environment: ["HOME": home, "XDG_CONFIG_HOME": home + "/config"].merging(environment) { $1 })
        defer { terminal.kill() }
        return try await offPool {
            try terminal.waitFor { $0.contains("Artist / Album") }
            #expect(try terminal.paneFormat("#{alternate_on}") == "1")
            let hum = try HumInterface.attached(to: terminal, home: home, library: library)
            let pid = try #require(Self.humPID(under: terminal))
            try end(hum, pid)
            let screen = try terminal.waitFor(timeout: 15) { $0.contains("hum ended with") }.screen
            return (try terminal.paneFormat("#{alternate_on}"), try terminal.paneFormat("#{cursor_flag}"), screen)
        }
    }

    /// hum's process id: the child of the pane's shell.
    static func humPID(under terminal: TmuxSession) -> pid_t? {
        guard let shell = terminal.panePID(),
              let children = try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8) else { return nil }
        return children.split(separator: " ").first.flatMap { pid_t($0) }
    }

    @Test("After q", arguments: ["q"])
    func quit(_ key: String) async throws {
        let ended = try await endWith("quit") { hum, _ in try hum.keys(key) }
        #expect(ended.alternate == "0" && ended.cursor == "1", "\(ended)")
        #expect(ended.screen.contains("hum ended with 0"))
    }

    @Test("After SIGTERM, SIGHUP and SIGINT", arguments: [SIGTERM, SIGHUP, SIGINT])
    func signal(_ number: Int32) async throws {
        let ended = try await endWith("signal-\(number)") { _, pid in kill(pid, number) }
        #expect(ended.alternate == "0" && ended.cursor == "1", "\(ended)")
        #expect(ended.screen.contains("hum ended with \(128 + number)"), "\(ended.screen)")
    }

    @Test("After a crash (SIGSEGV, SIGABRT)", arguments: [SIGSEGV, SIGABRT])
    func crash(_ number: Int32) async throws {
        // The Swift runtime's backtracer would otherwise wait at an interactive prompt.
        let ended = try await endWith("crash-\(number)", environment: ["SWIFT_BACKTRACE": "enable=no"]) { _, pid in kill(pid, number) }
        #expect(ended.alternate == "0" && ended.cursor == "1", "\(ended)")
        #expect(!ended.screen.contains("hum ended with 0"), "a crash must not look like a clean exit")
    }
}
