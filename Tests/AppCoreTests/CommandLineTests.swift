import Foundation
import Testing
import TerminalUI
@testable import AppCore

private func parse(_ line: String) throws(CommandLineError) -> Command {
    try CommandLineParser.parse(line)
}

/// The message `line` fails with, or nil when it parses.
private func parseError(_ line: String) -> String? {
    do throws(CommandLineError) {
        _ = try CommandLineParser.parse(line)
        return nil
    } catch {
        return error.description
    }
}

/// A folder tree for path completion: "" is the current folder.
private let folders: [String: [String]] = [
    "": ["Music/", "notes.txt", ".hidden/"],
    "/music/": ["Abba/", "AC DC/", "Air - Moon Safari.flac", "Björk/", ".cache/"],
    "/music/Abba/": ["Gold/", "Arrival.m3u"],
    "~/": ["Music/", "mix.m3u"],
]

private let context = CompletionContext(
    playlists: ["Road trip", "Running", "Chill"], themes: ["default", "dark", "solarized"],
    settings: ["volume_step", "replaygain", "resume"], filters: ["90s", "jazz"],
    listDirectory: { folders[$0] ?? [] })

private func complete(_ line: String) -> [String] {
    CommandLineParser.completions(for: line, context: context)
}

@Suite("The : command line: parsing, specs, completion and history")
struct CommandLineTests {
    // MARK: Parsing

    @Test func viewsByNameOrNumber() throws {
        #expect(try parse("view library") == .showView(.library))
        #expect(try parse("view Queue") == .showView(.queue))
        #expect(try parse("view 7") == .showView(.privacy))
        for view in ViewKind.allCases {
            #expect(try parse("view \(view.name)") == .showView(view))
            #expect(try parse("view \(view.rawValue)") == .showView(view))
        }
        #expect(parseError("view 8")?.hasPrefix("unknown view: 8") == true)
        #expect(parseError("view nowhere")?.hasPrefix("unknown view: nowhere (library, tracks,") == true)
        #expect(parseError("view")?.hasPrefix("view needs a name or a number") == true)
    }

    @Test func simpleCommands() throws {
        let expected: [(String, Command)] = [
            ("help", .toggleHelp), ("why", .toggleWhy), ("pause", .togglePause), ("stop", .stop), ("next", .next),
            ("prev", .previous), ("previous", .previous), ("enqueue", .enqueue(next: false)),
            ("enqueue-next", .enqueue(next: true)), ("queue-clear", .clearQueue), ("mark", .toggleMark),
            ("unmark", .clearMarks), ("remove", .remove), ("move-up", .moveItem(up: true)),
            ("move-down", .moveItem(up: false)), ("undo", .undo), ("repeat", .toggleRepeat), ("shuffle", .toggleShuffle),
            ("smart", .toggleSmart), ("replaygain", .cycleReplayGain), ("like", .like), ("dislike", .dislike),
            ("unlike", .unlike), ("refresh", .refresh), ("quit", .quit), ("q", .quit), ("add-to", .addToPlaylist(name: nil)),
            ("pl-delete", .playlistDelete(name: nil)), ("play", .play(path: nil)), ("down", .moveCursor(.down)),
            ("search-next", .searchNext), ("repeat-current", .toggleRepeatCurrent), ("continue", .toggleContinue), ("show-playing", .showPlaying),
            ("win-sel-cur", .showPlaying), ("repeat track", .setRepeat(.track)), ("repeat QUEUE", .setRepeat(.queue)),
            ("repeat off", .setRepeat(.off)), ("invert", .invertMarks), ("mark artist:beta year:>1990", .markMatching("artist:beta year:>1990")),
        ]
        for (line, command) in expected {
            #expect(try parse(line) == command, "\(line)")
        }
        #expect(parseError("next 3") == "next takes no arguments")
        #expect(parseError("repeat album") == "bad value for repeat: album (off, queue or track)")
        #expect(parseError("mark year:>abc") != nil, "a bad filter is refused on the line")
    }

    @Test func cmusNamesAreAliases() throws {
        #expect(try parse("player-next") == .next)
        #expect(try parse("player-prev") == .previous)
        #expect(try parse("player-pause") == .togglePause)
        #expect(try parse("player-stop") == .stop)
        #expect(try parse("player-play") == .play(path: nil))
        #expect(try parse("player-play /a.mp3") == .play(path: "/a.mp3"))
        #expect(try parse("colorscheme dark") == .theme("dark"))
        #expect(try parse("volume 40") == .volume(percent: 40, relative: false))
        #expect(try parse("win-add-q") == .enqueue(next: false))
        #expect(try parse("win-add-Q") == .enqueue(next: true))
        #expect(try parse("win-down") == .moveCursor(.down))
    }

    @Test func caseAndLeadingColonAreForgiven() throws {
        #expect(try parse("NEXT") == .next)
        #expect(try parse(":next") == .next)
        #expect(try parse("   quit  ") == .quit)
    }

    @Test func unknownAndEmptyLines() {
        #expect(parseError("foo") == "unknown command: foo")
        #expect(parseError("foo bar baz") == "unknown command: foo")
        #expect(parseError("") == "empty command")
        #expect(parseError("   ") == "empty command")
    }

    @Test func seekTakesRelativeAndAbsoluteTimes() throws {
        #expect(try parse("seek +10") == .seek(seconds: 10, relative: true))
        #expect(try parse("seek -5") == .seek(seconds: -5, relative: true))
        #expect(try parse("seek 1:30") == .seek(seconds: 90, relative: false))
        #expect(try parse("seek 90") == .seek(seconds: 90, relative: false))
        #expect(try parse("seek -1:00") == .seek(seconds: -60, relative: true))
        #expect(try parse("seek 1:02:03") == .seek(seconds: 3723, relative: false))
        #expect(parseError("seek xyz") == "bad value for seek: xyz")
        #expect(parseError("seek 1:75") == "bad value for seek: 1:75")
        #expect(parseError("seek 700000") == "bad value for seek: 700000")
        #expect(parseError("seek -1e9") == "bad value for seek: -1e9")
        #expect(parseError("seek")?.hasPrefix("seek needs a time") == true)
    }

    @Test func volumeLevelsAndSteps() throws {
        #expect(try parse("vol 50") == .volume(percent: 50, relative: false))
        #expect(try parse("vol 50%") == .volume(percent: 50, relative: false))
        #expect(try parse("vol +5") == .volume(percent: 5, relative: true))
        #expect(try parse("vol -5") == .volume(percent: -5, relative: true))
        #expect(try parse("vol -10%") == .volume(percent: -10, relative: true))
        #expect(try parse("vol 0") == .volume(percent: 0, relative: false))
        #expect(try parse("vol 100") == .volume(percent: 100, relative: false))
        #expect(parseError("vol 101") == "bad value for vol: 101 (0 to 100)")
        #expect(parseError("volume loud") == "bad value for volume: loud (0 to 100)")
        #expect(parseError("vol 5.5") == "bad value for vol: 5.5 (0 to 100)")
        #expect(parseError("vol +") == "bad value for vol: + (0 to 100)")
    }

    @Test func pathsTakeOneWordQuotedOrEscaped() throws {
        #expect(try parse("add ~/Music") == .add(path: "~/Music"))
        #expect(try parse("add \"/music/My Album\"") == .add(path: "/music/My Album"))
        #expect(try parse("add /music/My\\ Album") == .add(path: "/music/My Album"))
        #expect(try parse("add /music/\"My Album\"/01.flac") == .add(path: "/music/My Album/01.flac"))
        #expect(try parse("save queue.m3u") == .save(path: "queue.m3u"))
        #expect(try parse("load \"a b.pls\"") == .load(path: "a b.pls"))
        #expect(try parse("play /x.mp3") == .play(path: "/x.mp3"))
        #expect(parseError("add /music/My Album")?.hasPrefix("add takes one file") == true)
        #expect(parseError("add") == "add needs a file")
        #expect(parseError("add \"/music/My Album") == "missing closing quote in: add \"/music/My Album")
    }

    @Test func filterTakesTheRestVerbatimAndIsValidated() throws {
        #expect(try parse("filter artist:\"nina simone\"  year:>1960") == .filter("artist:\"nina simone\"  year:>1960"))
        #expect(try parse("filter") == .filter(""))
        #expect(try parse("filter   ") == .filter(""))
        #expect(parseError("filter year:abc") == "bad value for year: abc")
        #expect(parseError("filter foo:bar")?.hasPrefix("unknown field: foo") == true)
    }

    @Test func savedFilters() throws {
        #expect(try parse("fsave 90s") == .saveFilter(name: "90s"))
        #expect(try parse("fsave late night") == .saveFilter(name: "late night"))
        #expect(try parse("fload \"late night\"") == .loadFilter(name: "late night"))
        #expect(parseError("fsave") == "fsave needs a name for the filter")
        #expect(parseError("fload") == "fload needs the name of a saved filter")
    }

    @Test func sortColumnsAndOrder() throws {
        #expect(try parse("enqueue") == .enqueue(next: false))
        #expect(try parse("enqueue ~/Music/My\\ Album") == .enqueueFile(path: "~/Music/My Album"))
        #expect(CommandLineParser.commandLine(for: .enqueueFile(path: "/m/a b.mp3")) == "enqueue /m/a\\ b.mp3")
        #expect(try parse("sort artist") == .sort(column: .artist, descending: false))
        #expect(try parse("sort year desc") == .sort(column: .year, descending: true))
        #expect(try parse("sort -year") == .sort(column: .year, descending: true))
        #expect(try parse("sort Duration asc") == .sort(column: .duration, descending: false))
        for column in SortColumn.allCases {
            #expect(try parse("sort \(column.rawValue)") == .sort(column: column, descending: false))
        }
        #expect(parseError("sort colour")?.hasPrefix("unknown sort column: colour (artist, album,") == true)
        #expect(parseError("sort year sideways") == "sort order is asc or desc, not sideways")
        #expect(parseError("sort")?.hasPrefix("sort needs a column") == true)
    }

    @Test func playlists() throws {
        #expect(try parse("pl-create My Mix") == .playlistCreate(name: "My Mix", filter: nil))
        #expect(try parse("pl-create \"My Mix\"") == .playlistCreate(name: "My Mix", filter: nil))
        #expect(try parse("pl-smart 90s year:1990..1999 -genre:jazz")
            == .playlistCreate(name: "90s", filter: "year:1990..1999 -genre:jazz"))
        #expect(try parse("pl-smart \"Old jazz\" genre:jazz year:<1960")
            == .playlistCreate(name: "Old jazz", filter: "genre:jazz year:<1960"))
        #expect(parseError("pl-smart 90s")?.hasPrefix("pl-smart needs a name and a filter") == true)
        #expect(parseError("pl-smart 90s year:19x0") == "bad value for year: 19x0")

        #expect(try parse("pl-rename Fresh") == .playlistRename(from: nil, to: "Fresh"))
        #expect(try parse("pl-rename \"Road trip\" \"Long drive\"") == .playlistRename(from: "Road trip", to: "Long drive"))
        #expect(parseError("pl-rename") == "pl-rename needs a new name")
        #expect(parseError("pl-rename a b c") == "pl-rename takes [OLD] NEW; quote names with spaces")

        #expect(try parse("pl-duplicate Copy") == .playlistDuplicate(name: nil, as: "Copy"))
        #expect(try parse("pl-duplicate Running \"Running 2\"") == .playlistDuplicate(name: "Running", as: "Running 2"))
        #expect(parseError("pl-duplicate") == "pl-duplicate needs a name for the copy")

        #expect(try parse("pl-delete Road trip") == .playlistDelete(name: "Road trip"))
        #expect(try parse("pl-export out.m3u") == .playlistExport(name: nil, path: "out.m3u"))
        #expect(try parse("pl-export Road trip ~/trip.xspf") == .playlistExport(name: "Road trip", path: "~/trip.xspf"))
        #expect(parseError("pl-export") == "pl-export needs a file")
        #expect(try parse("pl-import ~/a.m3u") == .playlistImport(path: "~/a.m3u", name: nil))
        #expect(try parse("pl-import ~/a.m3u Old favourites") == .playlistImport(path: "~/a.m3u", name: "Old favourites"))
        #expect(parseError("pl-import") == "pl-import needs a file")
        #expect(try parse("add-to Road trip") == .addToPlaylist(name: "Road trip"))
    }

    @Test func settingsInEitherForm() throws {
        #expect(try parse("set volume_step=10") == .set(key: "volume_step", value: "10"))
        #expect(try parse("set volume_step 10") == .set(key: "volume_step", value: "10"))
        #expect(try parse("set theme_name=solarized dark") == .set(key: "theme_name", value: "solarized dark"))
        #expect(try parse("set resume=") == .set(key: "resume", value: ""))
        #expect(parseError("set") == "set needs KEY=VALUE")
        #expect(parseError("set resume") == "set needs a value for resume: set resume=VALUE")
        #expect(parseError("set =5") == "set needs a key before =: =5")
    }

    @Test func themes() throws {
        #expect(try parse("theme solarized") == .theme("solarized"))
        #expect(try parse("theme Solarized Light") == .theme("Solarized Light"))
        #expect(parseError("theme") == "theme needs a theme name")
    }

    @Test func bindValidatesTheKeyAndTheCommand() throws {
        #expect(try parse("bind ctrl-x pl-create Foo") == .bind(key: "ctrl-x", command: "pl-create Foo"))
        #expect(try parse("bind ^X  filter  year:>1990") == .bind(key: "ctrl-x", command: "filter  year:>1990"))
        #expect(try parse("bind space pause") == .bind(key: "space", command: "pause"))
        #expect(try parse("bind common b player-next") == .bind(key: "b", command: "player-next"))
        #expect(parseError("bind hyper-x next") == "unknown key: hyper-x")
        #expect(parseError("bind x frobnicate") == "unknown command: frobnicate")
        #expect(parseError("bind x seek far") == "bad value for seek: far")
        #expect(parseError("bind x")?.hasPrefix("bind needs a key and a command") == true)
    }

    @Test func promptsFromTheLine() throws {
        #expect(try parse("command-line filter ") == .prompt(.command, text: "filter"))
        #expect(try parse("search") == .prompt(.search(backward: false), text: ""))
        #expect(try parse("search-backward nina") == .prompt(.search(backward: true), text: "nina"))
        #expect(try parse("live-filter year:>1990") == .prompt(.filter, text: "year:>1990"))
    }

    // MARK: Specs

    /// A line that parses for every spec: the name with sample arguments.
    private static let samples: [String: String] = [
        "view": "view 2", "add": "add ~/Music", "seek": "seek +10", "vol": "vol 50", "fsave": "fsave x", "fload": "fload x",
        "sort": "sort year desc", "save": "save q.m3u", "load": "load q.m3u", "pl-create": "pl-create Mix",
        "pl-smart": "pl-smart Mix year:1997", "pl-rename": "pl-rename New", "pl-duplicate": "pl-duplicate Copy",
        "pl-export": "pl-export out.m3u", "pl-import": "pl-import in.m3u", "theme": "theme dark",
        "set": "set volume_step=5", "bind": "bind x next", "sync": "sync on 127.0.0.1:8080",
    ]

    @Test func everySpecParsesUnderItsNameAndAliases() throws {
        var seen: Set<String> = []
        for spec in CommandLineParser.specs {
            #expect(!spec.summary.isEmpty, "\(spec.name)")
            for name in [spec.name] + spec.aliases {
                #expect(seen.insert(name).inserted, "\(name) is used twice")
                let sample = Self.samples[spec.name].map { name + $0.dropFirst(spec.name.count) } ?? name
                #expect(throws: Never.self, "\(sample)") { try CommandLineParser.parse(sample) }
                if name != spec.name {
                    #expect(try parse(sample) == parse(Self.samples[spec.name] ?? spec.name), "\(name)")
                }
            }
        }
    }

    @Test func specsListTheBriefsCommands() {
        let names = Set(CommandLineParser.specs.map(\.name))
        for name in ["view", "help", "why", "add", "play", "pause", "stop", "next", "prev", "seek", "vol", "filter", "fsave",
                     "fload", "sort", "save", "load", "pl-create", "pl-smart", "pl-rename", "pl-duplicate", "pl-delete",
                     "pl-export", "pl-import", "add-to", "enqueue", "enqueue-next", "queue-clear", "mark", "unmark",
                     "remove", "move-up", "move-down", "undo", "repeat", "shuffle", "smart", "replaygain", "like",
                     "dislike", "unlike", "theme", "set", "bind", "refresh", "quit"] {
            #expect(names.contains(name), "\(name)")
        }
    }

    // MARK: Command to line

    @Test func everyDefaultBindingHasALineThatParsesBack() throws {
        for binding in KeyMap.defaults.bindings {
            let line = try #require(CommandLineParser.commandLine(for: binding.command), "\(binding.command)")
            #expect(try parse(line) == binding.command, "\(line)")
        }
    }

    @Test func linesForCommandsWithArgumentsRoundTrip() throws {
        let commands: [Command] = [
            .prompt(.command, text: "filter "), .prompt(.search(backward: true), text: "nina"), .prompt(.filter, text: ""),
            .play(path: "/music/My Album/01 \"Intro\".flac"), .seek(seconds: 1.5, relative: true),
            .seek(seconds: -60, relative: true), .seek(seconds: 90, relative: false), .volume(percent: -5, relative: true),
            .volume(percent: 70, relative: false), .addToPlaylist(name: "Road trip"), .add(path: "~/Music/A B"),
            .filter("artist:\"nina simone\" -genre:jazz"), .filter(""), .saveFilter(name: "late night"),
            .loadFilter(name: "90s"), .sort(column: .duration, descending: true), .save(path: "q.m3u"),
            .load(path: "a b.pls"), .playlistCreate(name: "My Mix", filter: nil),
            .playlistCreate(name: "Old jazz", filter: "genre:jazz year:<1960"), .playlistRename(from: "A b", to: "C d"),
            .playlistRename(from: nil, to: "New"), .playlistDuplicate(name: nil, as: "Copy of x"),
            .playlistDelete(name: "Road trip"), .playlistDelete(name: nil), .playlistExport(name: "Road trip", path: "/tmp/r t.m3u"),
            .playlistExport(name: nil, path: "x.xspf"), .playlistImport(path: "/tmp/a.m3u", name: "Imported list"),
            .theme("solarized light"), .set(key: "theme", value: "solarized  light"), .bind(key: "ctrl-x", command: "pl-create Foo"),
            .showView(.privacy), .moveCursor(.halfPageUp), .sync(on: true, server: "127.0.0.1:8080"), .sync(on: true, server: nil),
            .sync(on: false, server: nil), .setRepeat(.off), .setRepeat(.queue), .setRepeat(.track),
            .markMatching("genre:jazz -year:1990"), .invertMarks,
        ]
        for command in commands {
            let line = try #require(CommandLineParser.commandLine(for: command), "\(command)")
            #expect(try parse(line) == command, "\(line)")
        }
        #expect(CommandLineParser.commandLine(for: .seek(seconds: 5, relative: true)) == "seek +5")
        #expect(CommandLineParser.commandLine(for: .addToPlaylist(name: "Road trip")) == "add-to \"Road trip\"")
        #expect(CommandLineParser.commandLine(for: .add(path: "/a b")) == "add /a\\ b")
    }

    @Test func commandsNoLineSaysHaveNone() {
        #expect(CommandLineParser.commandLine(for: .moveCursor(.visibleRow(3))) == nil)
        #expect(CommandLineParser.commandLine(for: .moveCursor(.scroll(-3))) == nil)
        // A volume no line accepts is not written out as one.
        #expect(CommandLineParser.commandLine(for: .volume(percent: 150, relative: false)) == nil)
        #expect(CommandLineParser.commandLine(for: .bind(key: "x", command: "nope")) == nil)
    }

    // MARK: Completion

    @Test func completesCommandNames() {
        #expect(complete("pl-") == ["pl-create ", "pl-delete ", "pl-duplicate ", "pl-export ", "pl-import ", "pl-rename ",
                                    "pl-smart "])
        #expect(complete("ne") == ["next"])
        #expect(complete("qu") == ["queue-clear", "quit"])
        #expect(complete("player-n") == ["player-next"])
        #expect(complete("colors") == ["colorscheme "])
        #expect(complete("xyz").isEmpty)
        #expect(complete("").count == CommandLineParser.specs.count)
    }

    @Test func completesViewsThemesSettingsFiltersAndColumns() {
        #expect(complete("view p") == ["view playlists", "view privacy"])
        #expect(complete("theme d") == ["theme dark", "theme default"])
        #expect(complete("colorscheme s") == ["colorscheme solarized"])
        #expect(complete("set re") == ["set replaygain=", "set resume="])
        #expect(complete("set ").count == 3)
        #expect(complete("set resume=").isEmpty)
        #expect(complete("fload ") == ["fload 90s", "fload jazz"])
        #expect(complete("sort du") == ["sort duration"])
        #expect(complete("sort year d") == ["sort year desc"])
    }

    @Test func completesPlaylistNamesQuotedWhenNeeded() {
        #expect(complete("add-to R") == ["add-to \"Road trip\"", "add-to Running"])
        #expect(complete("add-to road t") == ["add-to \"Road trip\""])
        #expect(complete("pl-delete ch") == ["pl-delete Chill"])
        #expect(complete("pl-rename Ru") == ["pl-rename Running"])
        #expect(complete("pl-rename Running x").isEmpty)
        #expect(complete("pl-export Ch") == ["pl-export Chill "])
    }

    @Test func completesPaths() {
        #expect(complete("add /music/A") == ["add /music/AC\\ DC/", "add /music/Abba/", "add /music/Air\\ -\\ Moon\\ Safari.flac"])
        #expect(complete("add /music/Ab") == ["add /music/Abba/"])
        #expect(complete("add /music/Abba/") == ["add /music/Abba/Arrival.m3u", "add /music/Abba/Gold/"])
        #expect(complete("add /music/.") == ["add /music/.cache/"])
        #expect(complete("load ~/m") == ["load ~/mix.m3u"])
        #expect(complete("play ") == ["play Music/", "play notes.txt"])
        #expect(complete("pl-import /music/B") == ["pl-import /music/Björk/"])
        #expect(complete("pl-export Chill /music/Ab") == ["pl-export Chill /music/Abba/"])
        #expect(complete("save /nowhere/x").isEmpty)
        // What was typed with quotes comes back escaped, ready for more typing.
        #expect(complete("add \"/music/AC") == ["add /music/AC\\ DC/"])
    }

    @Test func completesTheCommandOfABinding() {
        #expect(complete("bind x pl-c") == ["bind x pl-create "])
        #expect(complete("bind x theme da") == ["bind x theme dark"])
        #expect(complete("bind ").isEmpty)
    }

    @Test func completesFilterFields() {
        #expect(complete("filter ar") == ["filter artist:"])
        #expect(complete("filter bjork -ye") == ["filter bjork -year:"])
        #expect(complete("pl-smart 90s al") == ["pl-smart 90s album:", "pl-smart 90s albumartist:"])
        #expect(complete("filter artist:b").isEmpty)
    }

    @Test func completionsRoundTripThroughTheParser() throws {
        #expect(try parse(complete("add-to Ro")[0]) == .addToPlaylist(name: "Road trip"))
        #expect(try parse(complete("add /music/AC")[0]) == .add(path: "/music/AC DC/"))
    }

    // MARK: History

    @Test func historyRecordsWithoutEmptiesOrRepeats() {
        var history = CommandHistory()
        history.record("next")
        history.record("next")
        history.record("  ")
        history.record("")
        history.record(" vol 50 ")
        history.record("next")
        #expect(history.entries == ["next", "vol 50", "next"])
    }

    @Test func historyKeepsTheLastTwoHundred() {
        var history = CommandHistory()
        for index in 0..<250 { history.record("seek \(index)") }
        #expect(history.entries.count == 200)
        #expect(history.entries.first == "seek 50")
        #expect(history.entries.last == "seek 249")
        #expect(CommandHistory(entries: (0..<300).map { "\($0)" }).entries.count == 200)
    }

    @Test func historyWalksOlderAndNewerByPrefix() throws {
        let history = CommandHistory(entries: ["vol 50", "next", "view 2", "vol 20", "seek +10", "view 3"])
        // Up from the fresh line with "v" typed: the newest "v…" first.
        let first = try #require(history.older(than: nil, prefix: "v"))
        #expect(first.index == 5 && first.line == "view 3")
        let second = try #require(history.older(than: first.index, prefix: "v"))
        #expect(second.index == 3 && second.line == "vol 20")
        let third = try #require(history.older(than: second.index, prefix: "vol"))
        #expect(third.index == 0 && third.line == "vol 50")
        #expect(history.older(than: 0, prefix: "v") == nil)

        // Down again, then past the newest back to what was typed.
        let down = try #require(history.newer(than: 0, prefix: "v"))
        #expect(down.index == 2 && down.line == "view 2")
        let back = try #require(history.newer(than: 5, prefix: "v"))
        #expect(back.index == nil && back.line == "v")
        #expect(history.newer(than: 99, prefix: "") == nil)

        // No prefix: every line.
        #expect(history.older(than: nil, prefix: "")?.line == "view 3")
        #expect(history.older(than: nil, prefix: "zz") == nil)
    }

    @Test func historySkipsTheLineAlreadyShown() throws {
        let history = CommandHistory(entries: ["next", "vol 5", "next"])
        let first = try #require(history.older(than: nil, prefix: ""))
        #expect(first.line == "next")
        let second = try #require(history.older(than: first.index, prefix: ""))
        #expect(second.line == "vol 5")
        // Typing a whole line that is in the history: Up shows an older, different one.
        #expect(history.older(than: nil, prefix: "next") == nil)
    }

    @Test func historyIsCodable() throws {
        let history = CommandHistory(entries: ["a", "filter artist:\"nina simone\""])
        let data = try JSONEncoder().encode(history)
        #expect(try JSONDecoder().decode(CommandHistory.self, from: data) == history)
        #expect(history != CommandHistory(entries: ["a"]))
    }
}
