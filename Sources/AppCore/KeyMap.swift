import MusicCore
import TerminalUI

/// Which key runs which command. One map for every view (as cmus's `common` context): the defaults are
/// cmus's and vim's, and `:bind` or the config file change them. Help is generated from the live map, so
/// a rebound key shows where it now is. Mouse events are not keys here: the app handles them itself.
public struct KeyMap: Sendable, Equatable {
    private var map: [Key: Command]

    public init() {
        map = [:]
    }

    /// The keys hum starts with.
    public static let defaults: KeyMap = {
        var keyMap = KeyMap()
        for (key, command) in defaultBindings { keyMap.bind(key, to: command) }
        return keyMap
    }()

    public func command(for key: Key) -> Command? {
        map[key]
    }

    /// Binds `key` to `command`, replacing what it did before (other keys keep their commands).
    public mutating func bind(_ key: Key, to command: Command) {
        map[key] = command
    }

    /// For `:bind` and the config file: `bind(keyName: "ctrl-x", commandLine: "pl-create Foo")`.
    public mutating func bind(keyName: String, commandLine: String) throws(CommandLineError) {
        guard let key = Key(name: keyName) else { throw CommandLineError("unknown key: \(keyName)") }
        bind(key, to: try CommandLineParser.parse(commandLine))
    }

    public mutating func unbind(_ key: Key) {
        map[key] = nil
    }

    /// Every binding, in Help's order: by section, then by command (as the Command vocabulary lists them),
    /// each command's keys in the order of the defaults ("j, down"), then the keys bound to it since, by name.
    public var bindings: [(key: Key, command: Command)] {
        map.map { (key: $0.key, command: $0.value) }.sorted { a, b in
            let ca = a.command.helpOrder, cb = b.command.helpOrder
            if ca != cb { return ca < cb }
            let sa = a.command.summary, sb = b.command.summary
            if sa != sb { return sa < sb }
            return Self.keyOrder(a.key, a.command) < Self.keyOrder(b.key, b.command)
        }
    }

    /// The first key bound to `command` (by Help's order), by name; nil when none is.
    public func keyName(for command: Command) -> String? {
        bindings.first { $0.command == command }?.key.name
    }

    /// Help's sections, generated from the live map: for each command bound, its keys joined ("j, down")
    /// and its summary. Sections with no key bound are left out.
    public func helpSections() -> [(title: String, rows: [(keys: String, summary: String)])] {
        var groups: [(command: Command, keys: [Key])] = []
        for binding in bindings {
            if let index = groups.lastIndex(where: { $0.command == binding.command }) {
                groups[index].keys.append(binding.key)
            } else {
                groups.append((binding.command, [binding.key]))
            }
        }
        return Command.sections.compactMap { title in
            let rows = groups.filter { $0.command.section == title }
                .map { (keys: $0.keys.map(\.name).joined(separator: ", "), summary: $0.command.summary) }
            return rows.isEmpty ? nil : (title: title, rows: rows)
        }
    }

    /// A key's place among a command's keys: where the defaults put it for that command, else after them.
    private static func keyOrder(_ key: Key, _ command: Command) -> (Int, String) {
        guard let rank = defaultKeyRank[key], defaultBindings[rank].command == command else {
            return (defaultBindings.count, key.name)
        }
        return (rank, key.name)
    }

    private static let defaultKeyRank: [Key: Int] = {
        var rank: [Key: Int] = [:]
        for (index, binding) in defaultBindings.enumerated() { rank[binding.key] = index }
        return rank
    }()

    /// cmus-like, with vim's movement keys.
    private static let defaultBindings: [(key: Key, command: Command)] = [
        (.character("1"), .showView(.library)),
        (.character("2"), .showView(.tracks)),
        (.character("3"), .showView(.playlists)),
        (.character("4"), .showView(.queue)),
        (.character("5"), .showView(.browser)),
        (.character("6"), .showView(.settings)),
        (.character("7"), .showView(.privacy)),
        (.character("?"), .toggleHelp),
        (.character("w"), .toggleWhy),
        (.character("t"), .toggleLyrics),
        (.tab, .focusNext),
        (.character("j"), .moveCursor(.down)),
        (.down, .moveCursor(.down)),
        (.character("k"), .moveCursor(.up)),
        (.up, .moveCursor(.up)),
        (.character("g"), .moveCursor(.top)),
        (.home, .moveCursor(.top)),
        (.character("G"), .moveCursor(.bottom)),
        (.end, .moveCursor(.bottom)),
        (.control("d"), .moveCursor(.halfPageDown)),
        (.control("u"), .moveCursor(.halfPageUp)),
        (.pageDown, .moveCursor(.pageDown)),
        (.control("f"), .moveCursor(.pageDown)),
        (.pageUp, .moveCursor(.pageUp)),
        (.control("b"), .moveCursor(.pageUp)),
        (.character(":"), .prompt(.command, text: "")),
        (.character("/"), .prompt(.search(backward: false), text: "")),
        (.character("n"), .searchNext),
        (.character("N"), .searchPrevious),
        (.character("F"), .prompt(.filter, text: "")),
        (.enter, .activate),
        (.character("o"), .toggleExpand),
        (.character("i"), .showPlaying),
        (.escape, .escape),

        (.character(" "), .togglePause),
        (.character("c"), .togglePause),
        (.character("x"), .play(path: nil)),
        (.character("v"), .stop),
        (.character("b"), .next),
        (.character("z"), .previous),
        (.right, .seek(seconds: 5, relative: true)),
        (.character("l"), .seek(seconds: 5, relative: true)),
        (.left, .seek(seconds: -5, relative: true)),
        (.character("h"), .seek(seconds: -5, relative: true)),
        (.character("."), .seek(seconds: 60, relative: true)),
        (.character(","), .seek(seconds: -60, relative: true)),
        (.character("+"), .volume(percent: 5, relative: true)),
        (.character("="), .volume(percent: 5, relative: true)),
        (.character("-"), .volume(percent: -5, relative: true)),
        (.character("r"), .toggleRepeat),
        (.control("r"), .toggleRepeatCurrent),
        (.character("C"), .toggleContinue),
        (.character("s"), .toggleShuffle),
        (.character("S"), .toggleSmart),
        (.character("R"), .cycleReplayGain),
        (.character("L"), .like),
        (.character("D"), .dislike),
        (.character("U"), .unlike),
        (.character("]"), .feedback(.moreLikeThis)),
        (.character("["), .feedback(.lessLikeThis)),
        (.character("H"), .feedback(.notAtThisHour)),

        (.character("m"), .toggleMark),
        (.character("M"), .clearMarks),
        (.character("e"), .enqueue(next: false)),
        (.character("E"), .enqueue(next: true)),
        (.character("y"), .addToPlaylist(name: nil)),
        (.character("a"), .addToPlaylist(name: nil)),
        (.character("d"), .remove),
        (.delete, .remove),
        (.character("K"), .moveItem(up: true)),
        (.character("J"), .moveItem(up: false)),
        (.character("u"), .undo),

        (.control("l"), .refresh),
        (.character("q"), .quit),
    ]
}

extension Command {
    /// Help's sections, in order: the groups the Command vocabulary declares.
    public static let sections = ["Moving", "Playback", "Curation", "App"]

    /// Which of `sections` Help lists this command under.
    public var section: String {
        switch self {
        case .showView, .toggleHelp, .toggleWhy, .toggleLyrics, .focusNext, .moveCursor, .showPlaying, .prompt, .searchNext,
             .searchPrevious, .activate, .toggleExpand, .escape:
            "Moving"
        case .play, .togglePause, .stop, .next, .previous, .seek, .volume, .toggleRepeat, .toggleRepeatCurrent, .toggleContinue, .setRepeat,
             .toggleShuffle, .toggleSmart, .cycleReplayGain, .like, .dislike, .unlike, .feedback, .radio:
            "Playback"
        case .toggleMark, .clearMarks, .markMatching, .invertMarks, .enqueue, .enqueueFile, .addToPlaylist, .remove, .moveItem, .undo, .add, .filter, .saveFilter,
             .loadFilter, .sort, .save, .load, .playlistCreate, .playlistRename, .playlistDuplicate, .playlistDelete,
             .playlistExport, .playlistImport, .clearQueue, .enqueueSuggestions:
            "Curation"
        case .theme, .set, .bind, .sync, .refresh, .quit:
            "App"
        }
    }

    /// One line for Help, naming the command's arguments: "Forward 5 seconds", "Add to Road trip".
    public var summary: String {
        switch self {
        case .showView(let view): "\(view.title) view"
        case .toggleHelp: "Show or hide this help"
        case .toggleWhy: "Show or hide why this track was picked"
        case .toggleLyrics: "Show or hide the lyrics"
        case .focusNext: "Switch pane"
        case .moveCursor(let move):
            switch move {
            case .up: "Up"
            case .down: "Down"
            case .top: "First row"
            case .bottom: "Last row"
            case .halfPageUp: "Half a page up"
            case .halfPageDown: "Half a page down"
            case .pageUp: "Page up"
            case .pageDown: "Page down"
            case .visibleRow(let row): "Row \(row + 1) of the list"
            case .scroll(let rows): rows < 0 ? "Scroll up \(-rows) rows" : "Scroll down \(rows) rows"
            }
        case .prompt(let kind, let text):
            switch kind {
            case .command: text.isEmpty ? "Command line" : "Command line: \(text)"
            case .search(let backward): backward ? "Search this view backward" : "Search this view"
            case .filter: text.isEmpty ? "Filter the library as you type" : "Filter the library: \(text)"
            }
        case .searchNext: "Next match"
        case .searchPrevious: "Previous match"
        case .activate: "Play, or open"
        case .toggleExpand: "Open or close an artist or folder"
        case .escape: "Close, or clear the marks"

        case .play(let path): path.map { "Play \($0)" } ?? "Play"
        case .togglePause: "Pause or resume"
        case .stop: "Stop"
        case .next: "Next track"
        case .previous: "Previous track"
        case .seek(let seconds, let relative):
            relative ? (seconds < 0 ? "Back " : "Forward ") + Self.span(abs(seconds)) : "Seek to " + TimeFormat.clock(seconds)
        case .volume(let percent, let relative):
            relative ? (percent < 0 ? "Volume down \(-percent)%" : "Volume up \(percent)%") : "Volume \(percent)%"
        case .toggleRepeat: "Repeat on or off"
        case .toggleRepeatCurrent: "Repeat the current track on or off"
        case .toggleContinue: "Continue on or off (off: stop after this track)"
        case .setRepeat(let mode): mode == .off ? "Repeat nothing" : mode == .queue ? "Repeat the queue" : "Repeat the current track"
        case .showPlaying: "Cursor to the track playing"
        case .toggleShuffle: "Shuffle on or off"
        case .toggleSmart: "Smart shuffle on or off"
        case .cycleReplayGain: "ReplayGain: off, track, album, smart"
        case .feedback(let feedback): feedback.summary
        case .radio(let kind): "Radio: a queue of tracks like this \(kind.rawValue), chosen by your taste"
        case .enqueueSuggestions: "Queue the suggestions shown under the queue, to play next"
        case .like: "Like this track"
        case .dislike: "Less like this"
        case .unlike: "Forget like or dislike"

        case .toggleMark: "Mark or unmark"
        case .markMatching(let text): "Mark the tracks here that \(text) matches"
        case .invertMarks: "Invert the marks of this list"
        case .clearMarks: "Clear the marks"
        case .enqueue(let next): next ? "Play next" : "Add to the queue"
        case .enqueueFile(let path): "Add \(path) to the queue"
        case .addToPlaylist(let name): name.map { "Add to \($0)" } ?? "Add to a playlist"
        case .remove: "Remove from the list"
        case .moveItem(let up): up ? "Move up" : "Move down"
        case .undo: "Undo"
        case .add(let path): "Add \(path) to the library"
        case .filter(let text): text.isEmpty ? "Clear the filter" : "Filter: \(text)"
        case .saveFilter(let name): "Save the filter as \(name)"
        case .loadFilter(let name): "Filter \(name)"
        case .sort(let column, let descending): "Sort by \(column.rawValue)" + (descending ? ", descending" : "")
        case .save(let path): "Save the queue to \(path)"
        case .load(let path): "Queue \(path)"
        case .playlistCreate(let name, let filter): filter == nil ? "New playlist \(name)" : "New smart playlist \(name)"
        case .playlistRename(_, let to): "Rename the playlist to \(to)"
        case .playlistDuplicate(_, let copy): "Copy the playlist as \(copy)"
        case .playlistDelete(let name): name.map { "Delete playlist \($0)" } ?? "Delete the playlist"
        case .playlistExport(_, let path): "Export the playlist to \(path)"
        case .playlistImport(let path, _): "Import \(path)"
        case .clearQueue: "Empty the queue"

        case .theme(let name): "Theme \(name)"
        case .set(let key, let value): "Set \(key) to \(value)"
        case .bind(let key, let command): "Bind \(key) to \(command)"
        case .sync(let on, let server): on ? "Sync on" + (server.map { ", to \($0)" } ?? "") : "Sync off"
        case .refresh: "Redraw the screen"
        case .quit: "Quit"
        }
    }

    /// "5 seconds", "1 minute", "1:30".
    private static func span(_ seconds: Double) -> String {
        if seconds == 60 { return "1 minute" }
        if seconds.truncatingRemainder(dividingBy: 60) == 0, seconds < 3600 { return "\(Int(seconds / 60)) minutes" }
        if seconds < 60, seconds == seconds.rounded() { return seconds == 1 ? "1 second" : "\(Int(seconds)) seconds" }
        return TimeFormat.clock(seconds)
    }

    /// Where Help puts the command: its section, its place in the vocabulary, and its argument (the views in
    /// number order, short seeks before long ones, forward before back).
    var helpOrder: HelpOrder {
        let sectionIndex = Command.sections.firstIndex(of: section) ?? Command.sections.count
        let (rank, detail): (Int, Double) = switch self {
        case .showView(let view): (0, Double(view.rawValue))
        case .toggleHelp: (1, 0)
        case .toggleWhy: (2, 0)
        case .toggleLyrics: (2, 1)
        case .focusNext: (3, 0)
        case .moveCursor(let move):
            switch move {
            case .down: (4, 0)
            case .up: (4, 1)
            case .top: (4, 2)
            case .bottom: (4, 3)
            case .halfPageDown: (4, 4)
            case .halfPageUp: (4, 5)
            case .pageDown: (4, 6)
            case .pageUp: (4, 7)
            case .visibleRow(let row): (4, 8 + Double(row))
            case .scroll(let rows): (4, 1e6 + Double(rows))
            }
        case .prompt(let kind, _):
            switch kind {
            case .command: (5, 0)
            case .search(let backward): (5, backward ? 2 : 1)
            case .filter: (8, 0)
            }
        case .searchNext: (6, 0)
        case .searchPrevious: (7, 0)
        case .activate: (9, 0)
        case .toggleExpand: (10, 0)
        case .escape: (11, 0)
        case .togglePause: (20, 0)
        case .play: (21, 0)
        case .stop: (22, 0)
        case .next: (23, 0)
        case .previous: (24, 0)
        case .seek(let seconds, let relative): (25, relative ? abs(seconds) * 2 + (seconds < 0 ? 1 : 0) : 1e9 + seconds)
        case .volume(let percent, let relative):
            (26, relative ? Double(abs(percent) * 2 + (percent < 0 ? 1 : 0)) : 1e9 + Double(percent))
        case .toggleRepeat: (27, 0)
        case .toggleRepeatCurrent: (27, 1)
        case .toggleContinue: (27, 1.5)
        case .setRepeat(let mode): (27, 2 + Double(RepeatMode.allCases.firstIndex(of: mode) ?? 0))
        case .showPlaying: (10, 1)
        case .toggleShuffle: (28, 0)
        case .toggleSmart: (29, 0)
        case .cycleReplayGain: (30, 0)
        case .like: (31, 0)
        case .dislike: (32, 0)
        case .unlike: (33, 0)
        case .feedback(let feedback): (34, Double(TasteFeedback.allCases.firstIndex(of: feedback) ?? 0))
        case .radio(let kind): (35, Double(RadioScope.allCases.firstIndex(of: kind) ?? 0))
        case .enqueueSuggestions: (59, 0)
        case .toggleMark: (40, 0)
        case .markMatching: (40, 1)
        case .invertMarks: (40, 2)
        case .clearMarks: (41, 0)
        case .enqueue(let next): (42, next ? 1 : 0)
        case .enqueueFile: (42, 2)
        case .addToPlaylist: (43, 0)
        case .remove: (44, 0)
        case .moveItem(let up): (45, up ? 0 : 1)
        case .undo: (46, 0)
        case .add: (47, 0)
        case .filter: (48, 0)
        case .saveFilter: (49, 0)
        case .loadFilter: (50, 0)
        case .sort: (51, 0)
        case .save: (52, 0)
        case .load: (53, 0)
        case .playlistCreate: (54, 0)
        case .playlistRename: (55, 0)
        case .playlistDuplicate: (56, 0)
        case .playlistDelete: (57, 0)
        case .playlistExport: (58, 0)
        case .playlistImport: (59, 0)
        case .clearQueue: (60, 0)
        case .theme: (70, 0)
        case .set: (71, 0)
        case .bind: (72, 0)
        case .sync: (72, 1)
        case .refresh: (73, 0)
        case .quit: (74, 0)
        }
        return HelpOrder(section: sectionIndex, rank: rank, detail: detail)
    }
}

/// The sort key of a command in Help.
struct HelpOrder: Comparable {
    var section: Int
    var rank: Int
    var detail: Double

    static func < (a: HelpOrder, b: HelpOrder) -> Bool {
        (a.section, a.rank, a.detail) < (b.section, b.rank, b.detail)
    }
}
