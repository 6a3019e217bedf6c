import ArgumentParser
import Foundation
import LibraryScanning
import MusicLibrary

/// `--format jsonl|csv`: the export's formats live in MusicLibrary (the UI's Privacy screen writes the same files).
extension ExportFormat: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write everything hum holds about you to a folder.",
        discussion: """
            Files written (docs/export-format.md describes every field):
              listens.jsonl     every listen, in ListenBrainz's export layout (listened_at, track_metadata…), with hum's context under additional_info (hum_end_reason, hum_seconds_heard, hum_source, hum_session_id…). `hum import-listens` and ListenBrainz read it back.
              opinions          likes and dislikes
              track_stats       plays, skips, early skips, completion, last played, per track
              events            seeks, pauses, likes, edits, feedback from the "why" panel
              playlists         each playlist and its files, in order
              smart_playlists   each smart playlist and its filter
              settings          your settings
              picks             each track smart shuffle (or radio, or shuffle) chose, with its reasons
              sync_outbox       every report opt-in sync made, with the exact bytes, sent or waiting
              taste_model.json  the taste model learned from your listens, when there is one
              sync_state.json   opt-in sync's state: on or off, server, privacy ledger, delete secret (once sync was on)
            With --format csv every file but listens.jsonl is CSV instead of JSON lines.
            """)

    @OptionGroup var library: LibraryOptions

    @Option(help: "jsonl or csv.")
    var format: ExportFormat = .jsonl

    @Option(help: ArgumentHelp("The folder to write (created if needed).", valueName: "PATH"))
    var out: String = "hum-export"

    func run() throws {
        let store = try library.open()
        do {
            let summary = try LibraryExport.write(store: store, format: format, to: out)
            writeOut("\(summary)\n")
        } catch {
            printError("cannot export to \(out): \(error)")
            throw ExitCode.failure
        }
    }
}

struct ImportListens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-listens",
        abstract: "Add listens from a ListenBrainz export (JSON lines, a JSON array, or its ZIP) or a hum export.",
        discussion: "Listens attach to local tracks by MusicBrainz recording id, then by artist and title (case, accents and punctuation ignored). Listens already present are not added twice. Unmatched listens are counted and a few are named; they are not stored.")

    @OptionGroup var library: LibraryOptions

    @Argument(help: "listens.jsonl, a JSON file, or a ListenBrainz ZIP.")
    var file: String

    func run() throws {
        let store = try library.open()
        let listens: [ListenBrainzListen]
        do {
            listens = try ListenFile.read(path: file)
        } catch {
            printError("\(file): \(error)")
            throw ExitCode.failure
        }
        let report = try store.importListens(listens)
        let matched = report.matchedByMusicBrainzID + report.matchedByArtistAndTitle
        writeOut("read \(report.read) listens: \(matched - report.alreadyPresent) added (\(report.matchedByMusicBrainzID) matched by MusicBrainz id, "
                 + "\(report.matchedByArtistAndTitle) by artist and title), \(report.alreadyPresent) already present, \(report.unmatched) not in the library\n")
        for example in report.unmatchedExamples { writeOut("  not in the library: \(example)\n") }
    }
}

/// Reads listens from the files ListenBrainz and hum write.
enum ListenFile {
    static func read(path: String) throws -> [ListenBrainzListen] {
        if path.lowercased().hasSuffix(".zip") {
            let names = try run("/usr/bin/unzip", ["-Z1", path]).split(separator: "\n").map(String.init)
                .filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".json") }
            guard !names.isEmpty else { throw LibraryError.invalidValue("no listens (.jsonl or .json) in the archive") }
            return try names.flatMap { name in try parse(Data(try run("/usr/bin/unzip", ["-p", path, name]).utf8)) }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LibraryError.invalidValue("cannot read the file")
        }
        return try parse(data)
    }

    /// A JSON array of listens, or one listen per line (blank lines and lines that are not listens are skipped).
    static func parse(_ data: Data) throws -> [ListenBrainzListen] {
        let decoder = JSONDecoder()
        if data.first(where: { !($0 == 32 || $0 == 10 || $0 == 13 || $0 == 9) }) == UInt8(ascii: "[") {
            return try decoder.decode([ListenBrainzListen].self, from: data)
        }
        return data.split(separator: 10).compactMap { line in try? decoder.decode(ListenBrainzListen.self, from: Data(line)) }
    }

    private static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw LibraryError.invalidValue("cannot run \(tool) to open the ZIP (apt install unzip)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LibraryError.invalidValue("not a readable ZIP archive") }
        return String(decoding: output, as: UTF8.self)
    }
}

struct Forget: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erase listening history: all of it, or a track's, an artist's, or a period's.",
        discussion: """
            Erased rows are overwritten in the file (SQLite secure_delete), the search index is rebuilt and the file vacuumed, so nothing forgotten can be read back from hum.sqlite or its -wal. Tracks whose files are gone and that have no history left are deleted too. The library itself (your files and their tags), playlists and settings stay.
            Examples:
              hum forget --all
              hum forget --track ~/Music/a.flac
              hum forget --artist "Björk"
              hum forget --since 2026-01-01 --before 2026-02-01
            """)

    @OptionGroup var library: LibraryOptions

    @Flag(help: "Erase all listening history, likes and dislikes.")
    var all = false

    @Option(help: ArgumentHelp("Erase the history of this file.", valueName: "PATH"))
    var track: String?

    @Option(help: ArgumentHelp("Erase the history of every track by this artist.", valueName: "NAME"))
    var artist: String?

    @Option(help: ArgumentHelp("Erase listens and events from this date on (YYYY-MM-DD, local time, or unix seconds).", valueName: "DATE"))
    var since: String?

    @Option(help: ArgumentHelp("Erase listens and events before this date.", valueName: "DATE"))
    var before: String?

    func validate() throws {
        let chosen = [all, track != nil, artist != nil, since != nil || before != nil].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("say what to forget: one of --all, --track, --artist, or --since/--before") }
        for value in [since, before].compactMap({ $0 }) where DateArgument.parse(value) == nil {
            throw ValidationError("not a date: \(value) (use YYYY-MM-DD, YYYY-MM-DDTHH:MM, or unix seconds)")
        }
    }

    func run() throws {
        let store = try library.open()
        let scope: ForgetScope
        if all {
            scope = .all
        } else if let track {
            guard let found = try store.track(path: LibraryScanner.absolute(track)) else {
                printError("not in the library: \(track)")
                throw ExitCode.failure
            }
            scope = .track(found.id)
        } else if let artist {
            scope = .artist(artist)
        } else {
            scope = .period(since: since.flatMap(DateArgument.parse), before: before.flatMap(DateArgument.parse))
        }
        do {
            let erased = try store.forget(scope)
            writeOut("forgot \(erased) listens\n")
        } catch {
            printError("\(error)")
            throw ExitCode.failure
        }
    }
}

/// Dates on the command line: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS] in local time, or unix seconds.
enum DateArgument {
    static func parse(_ text: String) -> Double? {
        if let seconds = Double(text), !text.contains("-") { return seconds }
        let parts = text.split(whereSeparator: { "-T: ".contains($0) }).compactMap { Int32($0) }
        guard parts.count >= 3, parts.count <= 6, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        var time = tm()
        time.tm_year = parts[0] - 1900
        time.tm_mon = parts[1] - 1
        time.tm_mday = parts[2]
        time.tm_hour = parts.count > 3 ? parts[3] : 0
        time.tm_min = parts.count > 4 ? parts[4] : 0
        time.tm_sec = parts.count > 5 ? parts[5] : 0
        time.tm_isdst = -1
        let result = mktime(&time)
        return result == -1 ? nil : Double(result)
    }
}

struct Settings: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or change hum's settings.",
        discussion: "With no arguments, lists every setting with its value. `hum settings collect_history off` stops recording listens (nothing at all is written); `on` starts again.")

    @OptionGroup var library: LibraryOptions

    @Argument(help: "The setting to show or change.")
    var key: String?

    @Argument(help: "Its new value.")
    var value: String?

    func run() throws {
        let store = try library.open()
        guard let key else {
            for (setting, value) in try store.allSettings() {
                writeOut("\(setting.rawValue) = \(value)    # \(setting.help)\n")
            }
            return
        }
        guard let setting = LibrarySetting(rawValue: key) else {
            printError("no setting called \(key); there are: \(LibrarySetting.allCases.map(\.rawValue).joined(separator: ", "))")
            throw ExitCode.failure
        }
        if let value {
            do { try store.changeSetting(setting, to: value) } catch {
                printError("\(error)")
                throw ExitCode.failure
            }
        }
        writeOut("\(setting.rawValue) = \(try store.setting(setting))\n")
    }
}
