import MusicCore
import TerminalUI

/// Why a `:` line did not parse: one line for the status bar ("unknown command: foo").
public struct CommandLineError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// What the command line can complete, gathered from the state when Tab is pressed.
public struct CompletionContext: Sendable {
    public var playlists: [String]
    public var themes: [String]
    public var settings: [String]
    public var filters: [String]
    /// The entries of a folder as typed (`""` for the current folder, `"~/"` left unexpanded, `"/"`), folders
    /// with a trailing "/". The app reads the disk; this target stays pure.
    public var listDirectory: @Sendable (String) -> [String]

    public init(playlists: [String] = [], themes: [String] = [], settings: [String] = [], filters: [String] = [],
                listDirectory: @escaping @Sendable (String) -> [String] = { _ in [] }) {
        self.playlists = playlists
        self.themes = themes
        self.settings = settings
        self.filters = filters
        self.listDirectory = listDirectory
    }
}

/// The `:` line: text → `Command`, the list of commands for Help, and Tab completion.
///
/// Words split at spaces; double quotes group (`pl-create "My Mix"`), a backslash takes the next character
/// literally (`add ~/Music/My\ Album`). cmus's command names work as aliases, so its users' fingers (and
/// their `bind` lines) carry over. Commands whose one argument is a name take the rest of the line as it
/// (`pl-create My Mix` needs no quotes); commands with two take one word each.
public enum CommandLineParser {
    public struct Spec: Sendable {
        public var name: String
        public var aliases: [String]
        /// The synopsis after the name, as Help shows it: "NAME|N", "[OLD] NEW"; empty when none.
        public var arguments: String
        public var summary: String

        public init(name: String, aliases: [String] = [], arguments: String = "", summary: String) {
            self.name = name
            self.aliases = aliases
            self.arguments = arguments
            self.summary = summary
        }
    }

    /// Every command, in Help's order.
    public static let specs: [Spec] = entries.map(\.spec)

    /// Reads one `:` line (also a key binding's command in the config file) into its Command; the error
    /// names what is wrong ("unknown command: foo", "pl-rename needs a new name", "bad value for seek: xyz").
    public static func parse(_ line: String) throws(CommandLineError) -> Command {
        var text = Substring(line)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        // A `:` typed out of habit (or written in a config file's `bind x :next`) is the prompt, not the command.
        if text.first == ":" { text = text.dropFirst() }
        let body = String(text)
        let split = LineWords.split(body)
        if split.openQuote { throw CommandLineError("missing closing quote in: \(body)") }
        guard let first = split.words.first else { throw CommandLineError("empty command") }
        // Exact first: cmus's `win-add-q` and `win-add-Q` differ by case alone.
        let name = byName[first.text] == nil ? first.text.lowercased() : first.text
        guard let entry = entry(named: name) else { throw CommandLineError("unknown command: \(first.text)") }
        return try entry.parse(CommandInvocation(name: name, line: body, words: Array(split.words.dropFirst())))
    }

    /// Whole candidate lines for `line`, sorted: the command name, or the argument being typed (view names,
    /// playlists, themes, setting keys, saved filters, sort columns, file paths, filter fields). Tab cycles
    /// through them; one candidate means the line is complete as far as it can be.
    public static func completions(for line: String, context: CompletionContext) -> [String] {
        Array(Set(candidates(for: line, context: context))).sorted()
    }

    /// The command whose name or alias is `name`, exactly as written.
    static func entry(named name: String) -> CommandEntry? {
        byName[name]
    }

    private static let byName: [String: CommandEntry] = {
        var map: [String: CommandEntry] = [:]
        for entry in entries {
            for name in [entry.spec.name] + entry.spec.aliases { map[name] = entry }
        }
        return map
    }()
}

// MARK: - Words

/// A word of the line and where it lies, so the verbatim rest of a line (`filter`, `bind`) and the word
/// under completion can be cut out of the text as typed.
struct LineWord: Sendable, Equatable {
    var text: String
    var start: String.Index
    var end: String.Index
}

enum LineWords {
    /// The words; whether a quote was left open (an error for `parse`, normal while completing); and whether
    /// the line ends between words, so that the word being completed is a new, empty one.
    static func split(_ line: String) -> (words: [LineWord], openQuote: Bool, endsInSpace: Bool) {
        var words: [LineWord] = []
        var current = ""
        var start: String.Index?
        var inQuotes = false
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if character == "\\" {
                if start == nil { start = index }
                let next = line.index(after: index)
                if next < line.endIndex {
                    current.append(line[next])
                    index = line.index(after: next)
                } else {
                    current.append("\\")
                    index = next
                }
                continue
            }
            if character == "\"" {
                if start == nil { start = index }
                inQuotes.toggle()
            } else if character.isWhitespace && !inQuotes {
                if let wordStart = start { words.append(LineWord(text: current, start: wordStart, end: index)) }
                current = ""
                start = nil
            } else {
                if start == nil { start = index }
                current.append(character)
            }
            index = line.index(after: index)
        }
        if let wordStart = start { words.append(LineWord(text: current, start: wordStart, end: line.endIndex)) }
        return (words, inQuotes, start == nil && !line.isEmpty)
    }

    /// A path as a word: spaces, quotes and backslashes escaped, as a shell would, so the listener can
    /// keep typing after it.
    static func escapedPath(_ text: String) -> String {
        var out = ""
        for character in text {
            if character == " " || character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// A name as a word: quoted when it needs to be ("My Mix").
    static func quotedName(_ text: String) -> String {
        guard text.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "\\" }) || text.isEmpty else { return text }
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out + "\""
    }
}

/// The arguments of one command line.
struct CommandInvocation {
    /// The command as typed (lowercased): error messages name it as the listener wrote it.
    var name: String
    var line: String
    var words: [LineWord]

    var args: [String] { words.map(\.text) }

    /// The line from argument `index` on, as typed (quotes and all): for `filter`, `pl-smart` and `bind`,
    /// whose rest is another language.
    func rest(from index: Int) -> String {
        guard index < words.count else { return "" }
        var text = line[words[index].start...]
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }

    /// The text a prompt opens with: the rest of the line as typed, or one quoted word without its quotes
    /// (`command-line "filter "` keeps the space a key binding wants before the cursor).
    var promptText: String {
        let rest = rest(from: 0)
        return words.count == 1 && rest.hasPrefix("\"") ? words[0].text : rest
    }

    /// Every argument from `index` on joined with one space: a name that was not quoted.
    func joined(from index: Int = 0) -> String {
        args.dropFirst(index).joined(separator: " ")
    }

    func none(_ command: Command) throws(CommandLineError) -> Command {
        guard words.isEmpty else { throw CommandLineError("\(name) takes no arguments") }
        return command
    }

    func oneName(_ what: String, _ make: (String) -> Command) throws(CommandLineError) -> Command {
        let value = joined()
        guard !value.isEmpty else { throw CommandLineError("\(name) needs \(what)") }
        return make(value)
    }

    func path(_ make: (String) -> Command) throws(CommandLineError) -> Command {
        guard let path = args.first, !path.isEmpty else { throw CommandLineError("\(name) needs a file") }
        guard args.count == 1 else {
            throw CommandLineError("\(name) takes one file; quote a path with spaces or escape them (My\\ Album)")
        }
        return make(path)
    }

    func validFilter(_ text: String) throws(CommandLineError) -> String {
        do {
            _ = try FilterExpression.parse(text)
        } catch {
            throw CommandLineError(error.message)
        }
        return text
    }
}

// MARK: - The commands

/// What an argument position completes to.
enum ArgumentKind: Sendable, Equatable {
    case nothing, views, playlists, themes, settings, filters, columns, sortOrder, repeatModes, path, playlistOrPath
    case filterExpression, keyName, command
}

struct CommandEntry: Sendable {
    var spec: CommandLineParser.Spec
    /// What each argument completes to; the last one goes on for any further words.
    var kinds: [ArgumentKind]
    /// The arguments are one name, spaces and all: completion matches the whole rest of the line.
    var joinsName: Bool
    var parse: @Sendable (CommandInvocation) throws(CommandLineError) -> Command

    func kind(at index: Int) -> ArgumentKind {
        kinds.isEmpty ? .nothing : kinds[min(index, kinds.count - 1)]
    }
}

extension CommandLineParser {
    static let sevenDays = 7.0 * 24 * 3600

    private static func entry(_ name: String, _ aliases: [String] = [], _ arguments: String = "", _ summary: String,
                              kinds: [ArgumentKind] = [], joinsName: Bool = false,
                              _ parse: @escaping @Sendable (CommandInvocation) throws(CommandLineError) -> Command) -> CommandEntry {
        CommandEntry(spec: Spec(name: name, aliases: aliases, arguments: arguments, summary: summary), kinds: kinds,
              joinsName: joinsName, parse: parse)
    }

    /// A command without arguments.
    private static func simple(_ name: String, _ aliases: [String] = [], _ summary: String, _ command: Command) -> CommandEntry {
        entry(name, aliases, "", summary) { (i: CommandInvocation) throws(CommandLineError) in try i.none(command) }
    }

    static let entries: [CommandEntry] = [
        // Moving around
        entry("view", [], "NAME|N", "Show a view: library, tracks, playlists, queue, browser, settings, privacy or 1–7",
              kinds: [.views]) { (i: CommandInvocation) throws(CommandLineError) in
            guard i.args.count == 1, let word = i.args.first else {
                throw CommandLineError("view needs a name or a number: "
                    + ViewKind.allCases.map(\.name).joined(separator: ", ") + " or 1–7")
            }
            if let number = Int(word), let view = ViewKind(rawValue: number) { return .showView(view) }
            guard let view = ViewKind.allCases.first(where: { $0.name == word.lowercased() }) else {
                throw CommandLineError("unknown view: \(word) (" + ViewKind.allCases.map(\.name).joined(separator: ", ")
                    + " or 1–7)")
            }
            return .showView(view)
        },
        simple("help", [], "Show or hide the help", .toggleHelp),
        simple("why", [], "Show or hide why the playing track was picked", .toggleWhy),
        simple("lyrics", [], "Show or hide the playing track's lyrics (a .lrc file beside it, or its tags)", .toggleLyrics),
        simple("focus-next", ["win-next"], "Move the focus to the next pane", .focusNext),
        simple("show-playing", ["win-sel-cur"], "Cursor to the track playing (in this view, or the Library view)", .showPlaying),
        simple("up", ["win-up"], "Cursor up", .moveCursor(.up)),
        simple("down", ["win-down"], "Cursor down", .moveCursor(.down)),
        simple("top", ["win-top"], "Cursor to the first row", .moveCursor(.top)),
        simple("bottom", ["win-bottom"], "Cursor to the last row", .moveCursor(.bottom)),
        simple("half-page-up", ["win-half-page-up"], "Cursor up half a page", .moveCursor(.halfPageUp)),
        simple("half-page-down", ["win-half-page-down"], "Cursor down half a page", .moveCursor(.halfPageDown)),
        simple("page-up", ["win-page-up"], "Cursor up a page", .moveCursor(.pageUp)),
        simple("page-down", ["win-page-down"], "Cursor down a page", .moveCursor(.pageDown)),
        entry("command-line", [], "[TEXT]", "Open the : line with TEXT typed") { (i: CommandInvocation) throws(CommandLineError) in
            .prompt(.command, text: i.promptText)
        },
        entry("search", [], "[TEXT]", "Search this view forward") { (i: CommandInvocation) throws(CommandLineError) in
            .prompt(.search(backward: false), text: i.promptText)
        },
        entry("search-backward", [], "[TEXT]", "Search this view backward") { (i: CommandInvocation) throws(CommandLineError) in
            .prompt(.search(backward: true), text: i.promptText)
        },
        simple("search-next", [], "Next match of the search", .searchNext),
        simple("search-prev", ["search-previous"], "Previous match of the search", .searchPrevious),
        entry("live-filter", [], "[EXPR]", "Open the live filter prompt") { (i: CommandInvocation) throws(CommandLineError) in
            .prompt(.filter, text: i.promptText)
        },
        simple("activate", ["win-activate"], "Play the row under the cursor (or open it)", .activate),
        simple("expand", ["win-toggle"], "Open or close the artist or folder under the cursor", .toggleExpand),
        simple("escape", [], "Close a panel, clear the marks or the message", .escape),

        // Playback
        entry("play", ["player-play"], "[PATH]", "Play the selection, or a file", kinds: [.path]) {
            (i: CommandInvocation) throws(CommandLineError) in
            try i.words.isEmpty ? .play(path: nil) : i.path { .play(path: $0) }
        },
        simple("pause", ["player-pause"], "Pause or resume", .togglePause),
        simple("stop", ["player-stop"], "Stop", .stop),
        simple("next", ["player-next"], "Next track", .next),
        simple("prev", ["previous", "player-prev"], "Previous track", .previous),
        entry("seek", [], "[+|-]TIME", "Seek to a time (1:30) or by one (+10, -5)") { (i: CommandInvocation) throws(CommandLineError) in
            guard i.args.count == 1, let word = i.args.first else {
                throw CommandLineError("seek needs a time, like +10, -5 or 1:30")
            }
            guard let seconds = TimeFormat.parseSeconds(word), abs(seconds) <= sevenDays else {
                throw CommandLineError("bad value for \(i.name): \(word)")
            }
            let relative = word.hasPrefix("+") || word.hasPrefix("-")
            return .seek(seconds: seconds, relative: relative)
        },
        entry("vol", ["volume"], "[+|-]N[%]", "Set the volume (50) or change it (+5, -5)") {
            (i: CommandInvocation) throws(CommandLineError) in
            guard i.args.count == 1, let word = i.args.first else {
                throw CommandLineError("\(i.name) needs a level, like 50, +5 or -5")
            }
            var digits = Substring(word)
            if digits.last == "%" { digits = digits.dropLast() }
            let relative = digits.hasPrefix("+") || digits.hasPrefix("-")
            let sign = digits.hasPrefix("-") ? -1 : 1
            if relative { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits),
                  value <= 100 else {
                throw CommandLineError("bad value for \(i.name): \(word) (0 to 100)")
            }
            return .volume(percent: sign * value, relative: relative)
        },
        entry("repeat", [], "[off|queue|track]", "Repeat the queue on or off; or say what repeats", kinds: [.repeatModes]) {
            (i: CommandInvocation) throws(CommandLineError) in
            guard let word = i.args.first else { return .toggleRepeat }
            guard i.args.count == 1, let mode = RepeatMode(rawValue: word.lowercased()) else {
                throw CommandLineError("bad value for repeat: \(i.args.joined(separator: " ")) (off, queue or track)")
            }
            return .setRepeat(mode)
        },
        simple("repeat-current", [], "Repeat the current track on or off (next and prev still move)", .toggleRepeatCurrent),
        simple("continue", [], "Continue on or off (off: playback stops after each track)", .toggleContinue),
        simple("shuffle", [], "Shuffle on or off", .toggleShuffle),
        simple("smart", [], "Smart shuffle on or off (picks from what you like)", .toggleSmart),
        simple("replaygain", [], "ReplayGain: off, track, album, smart", .cycleReplayGain),
        simple("like", [], "Like the playing track", .like),
        simple("dislike", [], "Never play the playing track again (smart picks leave it out)", .dislike),
        simple("unlike", [], "Forget a like or dislike", .unlike),
        simple("more", [], TasteFeedback.moreLikeThis.summary, .feedback(.moreLikeThis)),
        simple("less", [], TasteFeedback.lessLikeThis.summary, .feedback(.lessLikeThis)),
        simple("not-now", [], TasteFeedback.notAtThisHour.summary, .feedback(.notAtThisHour)),
        simple("radio", [], Command.radio(.track).summary, .radio(.track)),
        simple("radio-album", [], Command.radio(.album).summary, .radio(.album)),
        simple("radio-artist", [], Command.radio(.artist).summary, .radio(.artist)),
        simple("suggested", [], Command.enqueueSuggestions.summary, .enqueueSuggestions),

        // Curation
        entry("add", [], "PATH", "Add a file or folder to the library", kinds: [.path]) {
            (i: CommandInvocation) throws(CommandLineError) in
            try i.path { .add(path: $0) }
        },
        entry("filter", [], "[EXPR]", "Filter the library (artist:x year:>1995 -genre:jazz…); empty clears",
              kinds: [.filterExpression]) { (i: CommandInvocation) throws(CommandLineError) in
            .filter(try i.validFilter(i.rest(from: 0)))
        },
        entry("fsave", [], "NAME", "Save the current filter under a name", kinds: [.filters], joinsName: true) {
            (i: CommandInvocation) throws(CommandLineError) in
            try i.oneName("a name for the filter") { .saveFilter(name: $0) }
        },
        entry("fload", [], "NAME", "Apply a saved filter", kinds: [.filters], joinsName: true) {
            (i: CommandInvocation) throws(CommandLineError) in
            try i.oneName("the name of a saved filter") { .loadFilter(name: $0) }
        },
        entry("sort", [], "[-]COLUMN [desc]", "Sort the Tracks view (" + SortColumn.allCases.map(\.rawValue)
                .joined(separator: " ") + "); -COLUMN or desc for descending",
              kinds: [.columns, .sortOrder]) { (i: CommandInvocation) throws(CommandLineError) in
            let columns = SortColumn.allCases.map(\.rawValue).joined(separator: ", ")
            guard let word = i.args.first, i.args.count <= 2 else {
                throw CommandLineError("sort needs a column: \(columns)")
            }
            var descending = word.hasPrefix("-")
            let name = descending ? String(word.dropFirst()) : word
            guard let column = SortColumn(rawValue: name.lowercased()) else {
                throw CommandLineError("unknown sort column: \(name) (\(columns))")
            }
            if i.args.count == 2 {
                switch i.args[1].lowercased() {
                case "desc", "descending": descending = true
                case "asc", "ascending": descending = false
                default: throw CommandLineError("sort order is asc or desc, not \(i.args[1])")
                }
            }
            return .sort(column: column, descending: descending)
        },
        entry("save", [], "FILE", "Save the queue to a playlist file (.m3u, .pls, .xspf)", kinds: [.path]) {
            (i: CommandInvocation) throws(CommandLineError) in
            try i.path { .save(path: $0) }
        },
        entry("load", [], "FILE", "Add a playlist file's tracks to the queue", kinds: [.path]) {
            (i: CommandInvocation) throws(CommandLineError) in
            try i.path { .load(path: $0) }
        },
        entry("pl-create", [], "NAME", "Create a playlist", joinsName: true) { (i: CommandInvocation) throws(CommandLineError) in
            try i.oneName("a name") { .playlistCreate(name: $0, filter: nil) }
        },
        entry("pl-smart", [], "NAME EXPR…", "Create a smart playlist: whatever the filter matches",
              kinds: [.nothing, .filterExpression]) { (i: CommandInvocation) throws(CommandLineError) in
            guard i.words.count >= 2, !i.args[0].isEmpty else {
                throw CommandLineError("pl-smart needs a name and a filter, like pl-smart \"90s\" year:1990..1999")
            }
            return .playlistCreate(name: i.args[0], filter: try i.validFilter(i.rest(from: 1)))
        },
        entry("pl-rename", [], "[OLD] NEW", "Rename a playlist (the selected one, or OLD)", kinds: [.playlists, .nothing]) {
            (i: CommandInvocation) throws(CommandLineError) in
            switch i.args.count {
            case 1 where !i.args[0].isEmpty: return .playlistRename(from: nil, to: i.args[0])
            case 2 where !i.args[1].isEmpty: return .playlistRename(from: i.args[0], to: i.args[1])
            case 0, 1, 2: throw CommandLineError("pl-rename needs a new name")
            default: throw CommandLineError("pl-rename takes [OLD] NEW; quote names with spaces")
            }
        },
        entry("pl-duplicate", [], "[NAME] NEW", "Copy a playlist (the selected one, or NAME) as NEW",
              kinds: [.playlists, .nothing]) { (i: CommandInvocation) throws(CommandLineError) in
            switch i.args.count {
            case 1 where !i.args[0].isEmpty: return .playlistDuplicate(name: nil, as: i.args[0])
            case 2 where !i.args[1].isEmpty: return .playlistDuplicate(name: i.args[0], as: i.args[1])
            case 0, 1, 2: throw CommandLineError("pl-duplicate needs a name for the copy")
            default: throw CommandLineError("pl-duplicate takes [NAME] NEW; quote names with spaces")
            }
        },
        entry("pl-delete", [], "[NAME]", "Delete a playlist (the selected one, or NAME)", kinds: [.playlists],
              joinsName: true) { (i: CommandInvocation) throws(CommandLineError) in
            .playlistDelete(name: i.words.isEmpty ? nil : i.joined())
        },
        entry("pl-export", [], "[NAME] FILE", "Write a playlist (the selected one, or NAME) to a file",
              kinds: [.playlistOrPath, .path]) { (i: CommandInvocation) throws(CommandLineError) in
            guard let file = i.args.last, !file.isEmpty else { throw CommandLineError("pl-export needs a file") }
            let name = i.args.dropLast().joined(separator: " ")
            return .playlistExport(name: name.isEmpty ? nil : name, path: file)
        },
        entry("pl-import", [], "FILE [NAME]", "Read a playlist file as a new playlist (named after the file, or NAME)",
              kinds: [.path, .nothing]) { (i: CommandInvocation) throws(CommandLineError) in
            guard let file = i.args.first, !file.isEmpty else { throw CommandLineError("pl-import needs a file") }
            let name = i.joined(from: 1)
            return .playlistImport(path: file, name: name.isEmpty ? nil : name)
        },
        entry("add-to", ["win-add-p"], "[NAME]", "Add the marks (or the selection) to a playlist", kinds: [.playlists],
              joinsName: true) { (i: CommandInvocation) throws(CommandLineError) in
            .addToPlaylist(name: i.words.isEmpty ? nil : i.joined())
        },
        entry("enqueue", ["win-add-q"], "[PATH]", "Add the marks (or the selection), or a file or folder, to the queue",
              kinds: [.path]) { (i: CommandInvocation) throws(CommandLineError) in
            try i.words.isEmpty ? .enqueue(next: false) : i.path { .enqueueFile(path: $0) }
        },
        simple("enqueue-next", ["win-add-Q"], "Play the marks (or the selection) next", .enqueue(next: true)),
        simple("queue-clear", ["clear"], "Empty the queue", .clearQueue),
        entry("mark", [], "[FILTER]", "Mark or unmark the row under the cursor; with a filter, mark this list's tracks it matches",
              kinds: [.filterExpression]) { (i: CommandInvocation) throws(CommandLineError) in
            i.args.isEmpty ? .toggleMark : .markMatching(try i.validFilter(i.rest(from: 0)))
        },
        simple("invert", [], "Mark this list's unmarked tracks and unmark its marked ones", .invertMarks),
        simple("unmark", [], "Clear every mark", .clearMarks),
        simple("remove", ["win-remove"], "Remove the row under the cursor (or the marks) from its list", .remove),
        simple("move-up", ["win-mv-before"], "Move the queue or playlist item up", .moveItem(up: true)),
        simple("move-down", ["win-mv-after"], "Move the queue or playlist item down", .moveItem(up: false)),
        simple("undo", [], "Undo the last change to a playlist or the queue", .undo),

        // The app
        entry("theme", ["colorscheme"], "NAME", "Use a theme, or a cmus colorscheme", kinds: [.themes], joinsName: true) {
            (i: CommandInvocation) throws(CommandLineError) in
            try i.oneName("a theme name") { .theme($0) }
        },
        entry("set", [], "KEY=VALUE", "Change a setting (also: set KEY VALUE)", kinds: [.settings]) {
            (i: CommandInvocation) throws(CommandLineError) in
            guard let first = i.args.first, !first.isEmpty else {
                throw CommandLineError("set needs KEY=VALUE")
            }
            if let equals = first.firstIndex(of: "=") {
                let key = String(first[..<equals])
                guard !key.isEmpty else { throw CommandLineError("set needs a key before =: \(first)") }
                let value = ([String(first[first.index(after: equals)...])] + i.args.dropFirst()).joined(separator: " ")
                return .set(key: key, value: value)
            }
            guard i.args.count >= 2 else { throw CommandLineError("set needs a value for \(first): set \(first)=VALUE") }
            return .set(key: first, value: i.joined(from: 1))
        },
        entry("bind", [], "KEY COMMAND…", "Bind a key to a command (bind ctrl-x pl-create Foo)",
              kinds: [.keyName, .command]) { (i: CommandInvocation) throws(CommandLineError) in
            // cmus writes a context first (`bind common x player-next`); hum's keys are global.
            var words = i.words
            var from = 0
            if words.count >= 3, Self.cmusContexts.contains(words[0].text) {
                words.removeFirst()
                from = 1
            }
            guard words.count >= 2 else { throw CommandLineError("bind needs a key and a command, like bind x next") }
            guard let key = Key(name: words[0].text) else { throw CommandLineError("unknown key: \(words[0].text)") }
            let command = i.rest(from: from + 1)
            _ = try CommandLineParser.parse(command)
            return .bind(key: key.name, command: command)
        },
        entry("sync", [], "on [HOST:PORT]|off", "Opt-in sync of noised reports on (asks first) or off (unsent ones deleted)") {
            (i: CommandInvocation) throws(CommandLineError) in
            switch (i.args.first?.lowercased(), i.args.count) {
            case ("off", 1): return .sync(on: false, server: nil)
            case ("on", 1): return .sync(on: true, server: nil)
            case ("on", 2):
                let server = i.args[1], parts = server.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65_535).contains(port) else {
                    throw CommandLineError("sync on needs HOST:PORT, not \(server)")
                }
                return .sync(on: true, server: server)
            default: throw CommandLineError("sync needs on [HOST:PORT] or off")
            }
        },
        simple("refresh", [], "Redraw the screen", .refresh),
        simple("quit", ["q"], "Quit hum", .quit),
    ]

    /// The views of cmus's `bind` lines; hum's bindings are global, so these are skipped.
    static let cmusContexts: Set<String> = ["common", "library", "playlist", "queue", "browser", "filters"]
}

// MARK: - Command to line

extension CommandLineParser {
    /// The `:` line that parses back to `command`, for writing key bindings out (`hum config --defaults`,
    /// the config file); nil for what no line says (mouse rows and scrolls).
    public static func commandLine(for command: Command) -> String? {
        guard let line = draft(for: command), (try? parse(line)) == command else { return nil }
        return line
    }

    /// A number as `seek` and `vol` read it: "90", "1.5".
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// Prompt text, quoted when spaces at its ends would otherwise be trimmed away.
    private static func promptText(_ text: String) -> String {
        text.first?.isWhitespace == true || text.last?.isWhitespace == true || text.hasPrefix("\"")
            ? LineWords.quotedName(text) : text
    }

    private static func draft(for command: Command) -> String? {
        let name = LineWords.quotedName, path = LineWords.escapedPath
        func with(_ head: String, _ argument: String) -> String { argument.isEmpty ? head : head + " " + argument }
        switch command {
        case .showView(let view): return "view \(view.name)"
        case .toggleHelp: return "help"
        case .toggleWhy: return "why"
        case .toggleLyrics: return "lyrics"
        case .focusNext: return "focus-next"
        case .moveCursor(let move):
            switch move {
            case .up: return "up"
            case .down: return "down"
            case .top: return "top"
            case .bottom: return "bottom"
            case .halfPageUp: return "half-page-up"
            case .halfPageDown: return "half-page-down"
            case .pageUp: return "page-up"
            case .pageDown: return "page-down"
            case .visibleRow, .scroll: return nil
            }
        case .prompt(let kind, let text):
            switch kind {
            case .command: return with("command-line", promptText(text))
            case .search(let backward): return with(backward ? "search-backward" : "search", promptText(text))
            case .filter: return with("live-filter", promptText(text))
            }
        case .searchNext: return "search-next"
        case .searchPrevious: return "search-prev"
        case .activate: return "activate"
        case .toggleExpand: return "expand"
        case .escape: return "escape"
        case .play(let file): return file.map { "play " + path($0) } ?? "play"
        case .togglePause: return "pause"
        case .stop: return "stop"
        case .next: return "next"
        case .previous: return "prev"
        case .seek(let seconds, let relative):
            return "seek " + (relative ? (seconds < 0 ? "-" : "+") + number(abs(seconds)) : number(seconds))
        case .volume(let percent, let relative):
            return "vol " + (relative ? (percent < 0 ? "-" : "+") + String(abs(percent)) : String(percent))
        case .toggleRepeat: return "repeat"
        case .toggleRepeatCurrent: return "repeat-current"
        case .toggleContinue: return "continue"
        case .setRepeat(let mode): return "repeat " + mode.rawValue
        case .showPlaying: return "show-playing"
        case .toggleShuffle: return "shuffle"
        case .toggleSmart: return "smart"
        case .cycleReplayGain: return "replaygain"
        case .like: return "like"
        case .dislike: return "dislike"
        case .unlike: return "unlike"
        case .feedback(let feedback): return feedback.rawValue
        case .radio(let kind): return kind == .track ? "radio" : "radio-" + kind.rawValue
        case .enqueueSuggestions: return "suggested"
        case .toggleMark: return "mark"
        case .clearMarks: return "unmark"
        case .markMatching(let text): return "mark " + text
        case .invertMarks: return "invert"
        case .enqueue(let next): return next ? "enqueue-next" : "enqueue"
        case .enqueueFile(let file): return "enqueue " + path(file)
        case .addToPlaylist(let list): return list.map { "add-to " + name($0) } ?? "add-to"
        case .remove: return "remove"
        case .moveItem(let up): return up ? "move-up" : "move-down"
        case .undo: return "undo"
        case .add(let file): return "add " + path(file)
        case .filter(let text): return with("filter", text)
        case .saveFilter(let filter): return "fsave " + name(filter)
        case .loadFilter(let filter): return "fload " + name(filter)
        case .sort(let column, let descending): return "sort \(column.rawValue)" + (descending ? " desc" : "")
        case .save(let file): return "save " + path(file)
        case .load(let file): return "load " + path(file)
        case .playlistCreate(let list, let filter):
            return filter.map { "pl-smart \(name(list)) \($0)" } ?? "pl-create " + name(list)
        case .playlistRename(let from, let to): return "pl-rename " + (from.map { name($0) + " " } ?? "") + name(to)
        case .playlistDuplicate(let from, let copy):
            return "pl-duplicate " + (from.map { name($0) + " " } ?? "") + name(copy)
        case .playlistDelete(let list): return list.map { "pl-delete " + name($0) } ?? "pl-delete"
        case .playlistExport(let list, let file): return "pl-export " + (list.map { name($0) + " " } ?? "") + path(file)
        case .playlistImport(let file, let list): return "pl-import " + path(file) + (list.map { " " + name($0) } ?? "")
        case .clearQueue: return "queue-clear"
        case .theme(let theme): return "theme " + name(theme)
        case .set(let key, let value): return "set " + name(key + "=" + value)
        case .bind(let key, let line): return "bind \(key) \(line)"
        case .sync(let on, let server): return on ? with("sync on", server ?? "") : "sync off"
        case .refresh: return "refresh"
        case .quit: return "quit"
        }
    }
}

// MARK: - Completion

extension CommandLineParser {
    fileprivate static func candidates(for line: String, context: CompletionContext) -> [String] {
        let split = LineWords.split(line)
        var words = split.words
        // The word being typed: a fresh one after a trailing space.
        if split.endsInSpace || words.isEmpty {
            words.append(LineWord(text: "", start: line.endIndex, end: line.endIndex))
        }
        let current = words[words.count - 1]
        let before = String(line[..<current.start])
        if words.count == 1 {
            let typed = current.text.lowercased()
            var names = entries.map(\.spec).filter { $0.name.hasPrefix(typed) }
            var lines = names.map { before + $0.name + ($0.arguments.isEmpty ? "" : " ") }
            if lines.isEmpty {
                names = entries.map(\.spec).filter { $0.aliases.contains { $0.hasPrefix(typed) } }
                lines = names.flatMap { spec in
                    spec.aliases.filter { $0.hasPrefix(typed) }.map { before + $0 + (spec.arguments.isEmpty ? "" : " ") }
                }
            }
            return lines
        }
        guard let entry = entry(named: words[0].text) ?? entry(named: words[0].text.lowercased()) else { return [] }
        let argument = words.count - 2

        if entry.joinsName {
            // The whole rest is one name: "add-to My M" completes to add-to "My Mix".
            let typed = TextFolding.fold(words.dropFirst().map(\.text).joined(separator: " "))
            let head = String(line[..<words[1].start])
            return names(for: entry.kind(at: 0), context: context)
                .filter { TextFolding.fold($0).hasPrefix(typed) }
                .map { head + LineWords.quotedName($0) }
        }

        switch entry.kind(at: argument) {
        case .nothing, .keyName:
            return []
        case .command:
            // `bind KEY COMMAND…`: the command is completed as a line of its own.
            let first = (0...argument).first { entry.kind(at: $0) == .command } ?? argument
            let restStart = words[first + 1].start
            let head = String(line[..<restStart])
            return candidates(for: String(line[restStart...]), context: context).map { head + $0 }
        case .path:
            return paths(current.text, context: context).map { before + LineWords.escapedPath($0) }
        case .playlistOrPath:
            let typed = TextFolding.fold(current.text)
            return names(for: .playlists, context: context)
                .filter { TextFolding.fold($0).hasPrefix(typed) }
                .map { before + LineWords.quotedName($0) + " " }
                + paths(current.text, context: context).map { before + LineWords.escapedPath($0) }
        case .settings:
            guard !current.text.contains("=") else { return [] }
            return context.settings.filter { $0.hasPrefix(current.text) }.map { before + $0 + "=" }
        case .filterExpression:
            var typed = Substring(current.text)
            var sign = ""
            if let first = typed.first, first == "-" || first == "!" { sign = String(first); typed = typed.dropFirst() }
            guard typed.allSatisfy(\.isLetter) else { return [] }
            return FilterTerm.fieldList.split(separator: ", ").filter { $0.hasPrefix(typed.lowercased()) }
                .map { before + sign + $0 + ":" }
        case let kind:
            let typed = TextFolding.fold(current.text)
            return names(for: kind, context: context)
                .filter { TextFolding.fold($0).hasPrefix(typed) }
                .map { before + LineWords.quotedName($0) }
        }
    }

    private static func names(for kind: ArgumentKind, context: CompletionContext) -> [String] {
        switch kind {
        case .views: ViewKind.allCases.map(\.name)
        case .playlists, .playlistOrPath: context.playlists
        case .themes: context.themes
        case .settings: context.settings
        case .filters: context.filters
        case .columns: SortColumn.allCases.map(\.rawValue)
        case .sortOrder: ["asc", "desc"]
        case .repeatModes: RepeatMode.allCases.map(\.rawValue)
        case .nothing, .path, .filterExpression, .keyName, .command: []
        }
    }

    /// `typed` completed in its folder: "/music/Al" → "/music/Album/", "/music/Alpha.mp3". Hidden entries
    /// only when a "." has been typed, as shells do.
    private static func paths(_ typed: String, context: CompletionContext) -> [String] {
        let folder: String
        let partial: String
        if let slash = typed.lastIndex(of: "/") {
            folder = String(typed[...slash])
            partial = String(typed[typed.index(after: slash)...])
        } else {
            folder = ""
            partial = typed
        }
        return context.listDirectory(folder)
            .filter { $0.hasPrefix(partial) && (partial.hasPrefix(".") || !$0.hasPrefix(".")) }
            .map { folder + $0 }
    }
}

// MARK: - History

/// The `:` lines typed before, oldest first, kept in the session: Up and Down walk through the ones that
/// start with what is typed, as in a shell with history search on the prefix.
public struct CommandHistory: Sendable, Equatable, Codable {
    public static let limit = 200

    public var entries: [String]

    public init(entries: [String] = []) {
        self.entries = Array(entries.suffix(Self.limit))
    }

    /// Keeps `line` (trimmed): never an empty one, never the last one again, at most `limit` lines.
    public mutating func record(_ line: String) {
        var text = Substring(line)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        guard !text.isEmpty, entries.last != String(text) else { return }
        entries.append(String(text))
        if entries.count > Self.limit { entries.removeFirst(entries.count - Self.limit) }
    }

    /// The newest line older than `index` (nil: the line being typed) that starts with `prefix`; a line the
    /// same as the one shown now is skipped, so Up always changes something. Nil when there is none.
    public func older(than index: Int?, prefix: String) -> (index: Int, line: String)? {
        let shown = index.flatMap { entries.indices.contains($0) ? entries[$0] : nil } ?? prefix
        var candidate = min(index ?? entries.count, entries.count) - 1
        while candidate >= 0 {
            let line = entries[candidate]
            if line.hasPrefix(prefix) && line != shown { return (candidate, line) }
            candidate -= 1
        }
        return nil
    }

    /// The oldest line newer than `index` that starts with `prefix`; past the newest, `(nil, prefix)`: back to
    /// the line as it was typed. Nil when `index` is not in the history.
    public func newer(than index: Int, prefix: String) -> (index: Int?, line: String)? {
        guard entries.indices.contains(index) else { return nil }
        let shown = entries[index]
        var candidate = index + 1
        while candidate < entries.count {
            let line = entries[candidate]
            if line.hasPrefix(prefix) && line != shown { return (candidate, line) }
            candidate += 1
        }
        return (nil, prefix)
    }
}
