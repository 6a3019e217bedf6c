import AppCore
import Foundation
import Screens
import Testing
import TerminalUI

/// A small library with the text that breaks naive terminal layouts: CJK, emoji (ZWJ sequences, flags),
/// combining marks, right-to-left scripts, and a control character in a tag.
enum SampleLibrary {
    static let tracks: [TrackRow] = [
        TrackRow(id: 1, path: "/music/bjork/homogenic/01.flac", title: "Hunter", artist: "Björk", album: "Homogenic",
                 year: 1997, genre: "Electronic", trackNumber: 1, duration: 255),
        TrackRow(id: 2, path: "/music/bjork/homogenic/02.flac", title: "Jóga", artist: "Björk", album: "Homogenic",
                 year: 1997, genre: "Electronic", trackNumber: 2, duration: 305),
        TrackRow(id: 3, path: "/music/bjork/post/01.flac", title: "Army of Me", artist: "Björk", album: "Post",
                 year: 1995, genre: "Electronic", trackNumber: 1, duration: 234),
        TrackRow(id: 4, path: "/music/fairuz/01.mp3", title: "نسم علينا الهوى", artist: "فيروز", album: "معرفتي فيك",
                 year: 1973, genre: "Arabic", trackNumber: 1, duration: 211),
        TrackRow(id: 5, path: "/music/miles/kind/01.flac", title: "So What", artist: "Miles Davis", album: "Kind of Blue",
                 year: 1959, genre: "Jazz", trackNumber: 1, duration: 562),
        TrackRow(id: 6, path: "/music/miles/kind/02.flac", title: "Blue in Green", artist: "Miles Davis", album: "Kind of Blue",
                 year: 1959, genre: "Jazz", trackNumber: 3, duration: 337),
        TrackRow(id: 7, path: "/music/sigur/01.ogg", title: "Hoppípolla", artist: "Sigur Rós", album: "Takk…",
                 year: 2005, genre: "Post-rock", trackNumber: 1, duration: 268),
        TrackRow(id: 8, path: "/music/utada/01.mp3", title: "誰かの願いが叶うころ", artist: "宇多田ヒカル", album: "ULTRA BLUE",
                 year: 2006, genre: "J-Pop", trackNumber: 1, duration: 290),
        TrackRow(id: 9, path: "/music/zz/01.mp3", title: "Coder 👩‍💻 Blues 🇯🇵", artist: "Zoë\u{1B}[31m Keating", album: "Cafe\u{301} Sessions",
                 year: 2010, genre: "Cello", trackNumber: 1, duration: 187),
    ]

    /// A state at `rows` × `columns` with the library loaded, two playlists and a queue playing.
    static func state(rows: Int, columns: Int) -> AppState {
        var state = AppState(rows: rows, columns: columns)
        _ = state.handle(.libraryLoaded(tracks))
        _ = state.handle(.playlistsLoaded([
            PlaylistEntry(name: "Late night", trackIDs: [6, 4, 8]),
            PlaylistEntry(name: "Nordic", trackIDs: [], filter: "artist:bjork"),
        ]))
        _ = state.handle(.settingsLoaded([
            SettingEntry(key: "theme", value: "default", summary: "colors", choices: ["default", "light"]),
            SettingEntry(key: "replaygain", value: "auto", summary: "loudness", choices: ["off", "track", "album", "auto"]),
            SettingEntry(key: "volume_step", value: "5", summary: "percent per + or -"),
        ]))
        _ = state.handle(.key(.character("j")))
        _ = state.handle(.key(.enter))
        _ = state.handle(.player(.started(entryID: 1, duration: nil)))
        _ = state.handle(.player(.progressed(entryID: 1, position: 83, duration: nil)))
        return state
    }
}

/// Every screen drawn into the cell grid and compared with a plain-text snapshot in Snapshots/. Run with
/// HUM_RECORD_SNAPSHOTS=1 to write them anew (then read the diff: the snapshot is the expectation).
@Suite("Screens: text snapshots")
struct ScreenSnapshotTests {
    static let sizes = [(8, 40), (24, 80), (60, 200)]

    /// How each snapshot's state is reached from `SampleLibrary.state`: the keys a listener presses.
    static let scenes: [(name: String, keys: [Key])] = [
        ("library", []),
        ("library-expanded", [.character("1"), .character("k"), .character("o"), .character("j"), .tab]),
        ("tracks", [.character("2"), .character("j"), .character("j"), .character("m")]),
        ("queue", [.character("4")]),
        ("playlist-editing", [.character("3"), .tab, .character("J")]),
        ("search", [.character("2"), .character("/"), .character("s"), .character("i"), .character("g")]),
        ("filter", [.character("F")] + "genre:jazz".map { .character($0) }),
        ("settings", [.character("6"), .character("j")]),
        ("privacy", [.character("7")]),
        ("privacy-sync-on", [.character("7"), .character("j"), .character("j")]),
        ("help", [.character("?")]),
        ("why", [.character("w")]),
        ("lyrics", [.character("t")]),
        ("command-line", [.character(":"), .character("p"), .character("l"), .character("-"), .character("c")]),
    ]

    /// What the run loop told the state before a scene's keys, where it matters.
    static let sceneMessages: [String: [Message]] = [
        // Timed lyrics, 83 s into the track: the line of 1:20 is the one sung.
        "lyrics": [.lyricsLoaded(entryID: 1, Lyrics.parse((0..<30).map { "[\(($0 * 8) / 60):\(String(format: "%02d", ($0 * 8) % 60)).00]Line \($0) of the song" }
            .joined(separator: "\n"), source: "from song.lrc"))],
        "privacy-sync-on": [.syncLoaded(SyncSummary(enabled: true, server: "sync.example.org:8443", waiting: 1, sent: 12,
                                                    daySpent: 1, dayCap: 2, monthSpent: 7, monthCap: 10))],
    ]

    static var snapshotFolder: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Snapshots" }

    @Test("Each scene at 40×8, 80×24 and 200×60 matches its snapshot", arguments: scenes.map(\.name))
    func scene(_ name: String) throws {
        let keys = Self.scenes.first { $0.name == name }!.keys
        for (rows, columns) in Self.sizes {
            var state = SampleLibrary.state(rows: rows, columns: columns)
            for message in Self.sceneMessages[name] ?? [] { _ = state.handle(message) }
            for key in keys {
                let effects = state.handle(.key(key))
                // A filter's answer, as the run loop would bring it (the FTS part done in memory here).
                for case .runFilter(let generation, let expression) in effects {
                    let positions = state.library.tracks.indices.filter { expression.matches(state.library.tracks[$0]) }
                    _ = state.handle(.filterResults(generation: generation, positions: positions))
                }
            }
            let grid = Screen.render(state, theme: .builtInDefault)
            try Self.compare(grid.text, name: "\(name)-\(columns)x\(rows)")
            // Every row fills exactly the screen's width: nothing drawn runs past the edge.
            for row in 0..<grid.rows {
                let width = (0..<grid.columns).reduce(0) { $0 + (grid[row, $1].isContinuation ? 0 : DisplayWidth.of(Character(grid[row, $1].text.isEmpty ? " " : grid[row, $1].text))) }
                #expect(width == grid.columns, "row \(row) of \(name) at \(columns)×\(rows) is \(width) columns")
            }
        }
    }

    static func compare(_ text: String, name: String) throws {
        let path = snapshotFolder + "/\(name).txt"
        if ProcessInfo.processInfo.environment["HUM_RECORD_SNAPSHOTS"] == "1" {
            try (text + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text + "\n" == expected, "snapshot \(name) differs:\n\(text)")
    }

    @Test("The now-playing bar drawn alone (each tick of the clock) is exactly the whole screen's bar rows",
          arguments: sizes.map { "\($0.1)×\($0.0)" })
    func nowPlayingAlone(size: String) throws {
        let (rows, columns) = try #require(Self.sizes.first { "\($0.1)×\($0.0)" == size })
        var state = SampleLibrary.state(rows: rows, columns: columns)
        for tick in [84.0, 85, 3599] {
            _ = state.handle(.player(.progressed(entryID: 1, position: tick, duration: nil)))
            let whole = Screen.render(state, theme: .builtInDefault)
            let bar = try #require(Screen.renderNowPlaying(state, theme: .builtInDefault))
            #expect(bar == whole.rows(Screen.nowPlayingRows(rows: rows)))
            #expect(bar.text.contains(tick == 3599 ? "59:59" : "1:2\(Int(tick) - 80)"), "\(bar.text)")
        }
        #expect(Screen.renderNowPlaying(SampleLibrary.state(rows: 6, columns: 30), theme: .builtInDefault) == nil)
    }

    @Test("Below 40×8 the screen says how much room it needs")
    func tooSmall() {
        let state = SampleLibrary.state(rows: 6, columns: 30)
        let text = Screen.render(state, theme: .builtInDefault).text
        #expect(text.contains("hum needs at least"))
        #expect(text.contains("40×8"))
        #expect(text.contains("(now 30×6)"))
    }

    @Test("Tags with control characters never reach the terminal as controls")
    func controlsEscaped() {
        var state = SampleLibrary.state(rows: 24, columns: 80)
        _ = state.handle(.key(.character("2")))
        let grid = Screen.render(state, theme: .builtInDefault)
        for cell in grid.cells {
            #expect(!cell.text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        }
        // Right-to-left text is kept in logical order (bidi controls would reorder the screen).
        #expect(!grid.cells.contains { $0.text.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value) } })
    }
}
