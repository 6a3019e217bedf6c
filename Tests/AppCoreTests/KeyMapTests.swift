import Testing
import TerminalUI
@testable import AppCore

/// The rows of Help's section `title`, as "keys: summary".
private func helpRows(_ map: KeyMap, _ title: String) -> [String] {
    map.helpSections().first { $0.title == title }?.rows.map { "\($0.keys): \($0.summary)" } ?? []
}

private func key(_ name: String) throws -> Key {
    try #require(Key(name: name))
}

@Suite("The key map: defaults, rebinding and Help generated from it")
struct KeyMapTests {
    // MARK: Defaults

    @Test func defaultsAreCmusAndVimLike() throws {
        let expected: [(String, Command)] = [
            ("1", .showView(.library)), ("2", .showView(.tracks)), ("3", .showView(.playlists)), ("4", .showView(.queue)),
            ("5", .showView(.browser)), ("6", .showView(.settings)), ("7", .showView(.privacy)),
            ("?", .toggleHelp), ("w", .toggleWhy), ("t", .toggleLyrics), ("tab", .focusNext),
            ("j", .moveCursor(.down)), ("down", .moveCursor(.down)), ("k", .moveCursor(.up)), ("up", .moveCursor(.up)),
            ("g", .moveCursor(.top)), ("home", .moveCursor(.top)), ("G", .moveCursor(.bottom)), ("end", .moveCursor(.bottom)),
            ("ctrl-d", .moveCursor(.halfPageDown)), ("ctrl-u", .moveCursor(.halfPageUp)),
            ("pgdn", .moveCursor(.pageDown)), ("ctrl-f", .moveCursor(.pageDown)),
            ("pgup", .moveCursor(.pageUp)), ("ctrl-b", .moveCursor(.pageUp)),
            (":", .prompt(.command, text: "")), ("/", .prompt(.search(backward: false), text: "")),
            ("n", .searchNext), ("N", .searchPrevious), ("F", .prompt(.filter, text: "")),
            ("enter", .activate), ("o", .toggleExpand), ("i", .showPlaying), ("escape", .escape),
            ("space", .togglePause), ("c", .togglePause), ("x", .play(path: nil)), ("v", .stop), ("b", .next),
            ("z", .previous),
            ("right", .seek(seconds: 5, relative: true)), ("l", .seek(seconds: 5, relative: true)),
            ("left", .seek(seconds: -5, relative: true)), ("h", .seek(seconds: -5, relative: true)),
            (".", .seek(seconds: 60, relative: true)), (",", .seek(seconds: -60, relative: true)),
            ("+", .volume(percent: 5, relative: true)), ("=", .volume(percent: 5, relative: true)),
            ("-", .volume(percent: -5, relative: true)),
            ("r", .toggleRepeat), ("ctrl-r", .toggleRepeatCurrent), ("C", .toggleContinue), ("s", .toggleShuffle), ("S", .toggleSmart), ("R", .cycleReplayGain),
            ("L", .like), ("D", .dislike), ("U", .unlike), ("]", .feedback(.moreLikeThis)), ("[", .feedback(.lessLikeThis)),
            ("H", .feedback(.notAtThisHour)),
            ("m", .toggleMark), ("M", .clearMarks), ("e", .enqueue(next: false)), ("E", .enqueue(next: true)),
            ("y", .addToPlaylist(name: nil)), ("a", .addToPlaylist(name: nil)), ("d", .remove), ("delete", .remove),
            ("K", .moveItem(up: true)), ("J", .moveItem(up: false)), ("u", .undo),
            ("ctrl-l", .refresh), ("q", .quit),
        ]
        let map = KeyMap.defaults
        for (name, command) in expected {
            #expect(map.command(for: try key(name)) == command, "\(name)")
        }
        #expect(map.bindings.count == expected.count)
    }

    @Test func unboundKeysAndMouseHaveNoCommand() {
        let map = KeyMap.defaults
        #expect(map.command(for: .character("Z")) == nil)
        #expect(map.command(for: .function(5)) == nil)
        #expect(map.command(for: .click(row: 3, column: 4)) == nil)
        #expect(map.command(for: .wheelUp(row: 0, column: 0)) == nil)
    }

    // MARK: Rebinding

    @Test func rebindingReplacesOnlyThatKey() {
        var map = KeyMap.defaults
        map.bind(.character("j"), to: .next)
        #expect(map.command(for: .character("j")) == .next)
        #expect(map.command(for: .down) == .moveCursor(.down))
        #expect(map != KeyMap.defaults)
        map.bind(.character("j"), to: .moveCursor(.down))
        #expect(map == KeyMap.defaults)
    }

    @Test func bindingFromTextParsesTheKeyAndTheLine() throws {
        var map = KeyMap.defaults
        try map.bind(keyName: "ctrl-x", commandLine: "pl-create Foo")
        #expect(map.command(for: .control("x")) == .playlistCreate(name: "Foo", filter: nil))
        try map.bind(keyName: "f5", commandLine: "view queue")
        #expect(map.command(for: .function(5)) == .showView(.queue))
        try map.bind(keyName: "^P", commandLine: "player-prev")
        #expect(map.command(for: .control("p")) == .previous)
    }

    @Test func bindingFromTextReportsBadKeysAndCommands() {
        var map = KeyMap.defaults
        #expect(throws: CommandLineError("unknown key: hyper")) { try map.bind(keyName: "hyper", commandLine: "next") }
        #expect(throws: CommandLineError("unknown command: nope")) { try map.bind(keyName: "x", commandLine: "nope") }
        #expect(throws: CommandLineError("bad value for vol: loud (0 to 100)")) {
            try map.bind(keyName: "x", commandLine: "vol loud")
        }
        #expect(map == KeyMap.defaults)
    }

    @Test func unbindRemovesTheKey() {
        var map = KeyMap.defaults
        map.unbind(.character("q"))
        #expect(map.command(for: .character("q")) == nil)
        #expect(!helpRows(map, "App").contains { $0.hasSuffix(": Quit") })
    }

    // MARK: Bindings and Help

    @Test func bindingsAreSortedByCommandThenDefaultKeyOrder() {
        let bindings = KeyMap.defaults.bindings
        #expect(bindings.prefix(7).map(\.key.name) == ["1", "2", "3", "4", "5", "6", "7"])
        let names = bindings.map(\.key.name)
        let j = names.firstIndex(of: "j"), down = names.firstIndex(of: "down"), k = names.firstIndex(of: "k")
        #expect(j != nil && down == j.map { $0 + 1 })
        #expect(k.map { $0 > down! } == true)
        #expect(bindings.last?.command == .quit)
        // Deterministic: the same map lists the same way each time.
        #expect(bindings.map(\.key) == KeyMap.defaults.bindings.map(\.key))
    }

    @Test func helpSectionsGroupKeysByCommand() {
        let sections = KeyMap.defaults.helpSections()
        #expect(sections.map(\.title) == ["Moving", "Playback", "Curation", "App"])
        let moving = helpRows(.defaults, "Moving")
        #expect(moving.first == "1: Library view")
        #expect(moving.contains("j, down: Down"))
        #expect(moving.contains("k, up: Up"))
        #expect(moving.contains("G, end: Last row"))
        #expect(moving.contains("pgdn, ctrl-f: Page down"))
        #expect(moving.contains(":: Command line"))
        let playback = helpRows(.defaults, "Playback")
        #expect(playback.first == "space, c: Pause or resume")
        #expect(playback.contains("right, l: Forward 5 seconds"))
        #expect(playback.contains("left, h: Back 5 seconds"))
        #expect(playback.contains(".: Forward 1 minute"))
        #expect(playback.contains("+, =: Volume up 5%"))
        #expect(playback.contains("-: Volume down 5%"))
        let forward = playback.firstIndex(of: "right, l: Forward 5 seconds")!
        let back = playback.firstIndex(of: "left, h: Back 5 seconds")!
        #expect(forward < back)
        #expect(helpRows(.defaults, "Curation").contains("y, a: Add to a playlist"))
        #expect(helpRows(.defaults, "Curation").contains("d, delete: Remove from the list"))
        #expect(helpRows(.defaults, "App") == ["ctrl-l: Redraw the screen", "q: Quit"])
    }

    @Test func helpListsReboundKeys() throws {
        var map = KeyMap.defaults
        map.bind(.character("j"), to: .next)
        try map.bind(keyName: "ctrl-x", commandLine: "pl-create Foo")
        try map.bind(keyName: "f2", commandLine: "theme dark")
        map.unbind(.character("c"))
        #expect(helpRows(map, "Moving").contains("down: Down"))
        #expect(!helpRows(map, "Moving").contains("j, down: Down"))
        #expect(helpRows(map, "Playback").contains("b, j: Next track"))
        #expect(helpRows(map, "Playback").first == "space: Pause or resume")
        #expect(helpRows(map, "Curation").contains("ctrl-x: New playlist Foo"))
        #expect(helpRows(map, "App").first == "f2: Theme dark")
    }

    @Test func sectionsAppearOnlyWhenSomethingIsBound() {
        var map = KeyMap()
        #expect(map.helpSections().isEmpty)
        map.bind(.character("q"), to: .quit)
        let sections = map.helpSections()
        #expect(sections.count == 1)
        #expect(sections.first?.title == "App")
        #expect(sections.first?.rows.first?.keys == "q")
    }

    // MARK: Summaries and sections of every command

    @Test func everyCommandHasASummaryAndAKnownSection() {
        let commands: [Command] = [
            .showView(.queue), .toggleHelp, .toggleWhy, .focusNext, .moveCursor(.visibleRow(2)), .moveCursor(.scroll(-3)),
            .prompt(.command, text: "pl-"), .prompt(.search(backward: true), text: ""), .prompt(.filter, text: "x"),
            .searchNext, .searchPrevious, .activate, .toggleExpand, .escape, .play(path: "/a.mp3"), .togglePause, .stop,
            .next, .previous, .seek(seconds: 90, relative: false), .seek(seconds: -10, relative: true),
            .volume(percent: 40, relative: false), .toggleRepeat, .toggleRepeatCurrent, .toggleContinue, .setRepeat(.off), .setRepeat(.track),
            .showPlaying, .toggleShuffle, .toggleSmart, .cycleReplayGain, .like,
            .dislike, .unlike, .toggleMark, .clearMarks, .markMatching("x"), .invertMarks, .enqueue(next: true), .addToPlaylist(name: "Road trip"), .remove,
            .moveItem(up: true), .undo, .add(path: "~/Music"), .filter(""), .filter("year:1997"), .saveFilter(name: "a"),
            .loadFilter(name: "a"), .sort(column: .year, descending: true), .save(path: "q.m3u"), .load(path: "q.m3u"),
            .playlistCreate(name: "a", filter: "year:1997"), .playlistRename(from: nil, to: "b"),
            .playlistDuplicate(name: nil, as: "c"), .playlistDelete(name: nil), .playlistExport(name: nil, path: "x.m3u"),
            .playlistImport(path: "x.m3u", name: nil), .clearQueue, .theme("dark"), .set(key: "k", value: "v"),
            .bind(key: "x", command: "next"), .refresh, .quit,
        ]
        for command in commands {
            #expect(!command.summary.isEmpty)
            #expect(!command.summary.contains("\n"))
            #expect(Command.sections.contains(command.section), "\(command)")
        }
        #expect(Command.seek(seconds: 90, relative: false).summary == "Seek to 1:30")
        #expect(Command.seek(seconds: -10, relative: true).summary == "Back 10 seconds")
        #expect(Command.sort(column: .year, descending: true).summary == "Sort by year, descending")
        #expect(Command.addToPlaylist(name: "Road trip").summary == "Add to Road trip")
        #expect(Command.quit.section == "App")
        #expect(Command.filter("").section == "Curation")
        #expect(Command.like.section == "Playback")
        #expect(Command.moveCursor(.up).section == "Moving")
    }
}
