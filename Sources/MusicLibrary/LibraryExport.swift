import Foundation

/// The layout of the tables `LibraryExport` writes besides listens.jsonl: JSON lines, or CSV with a header row.
public enum ExportFormat: String, Sendable, CaseIterable {
    case jsonl, csv
}

/// Writes everything hum holds about the listener to a folder: what `hum export` writes and what the
/// UI's Privacy screen offers, in one place so the two can never drift apart.
///
/// Files (the fields are listed in `hum export --help`):
/// - `listens.jsonl`: every listen in ListenBrainz's export layout, with hum's context under
///   `additional_info`; always JSON lines, because that is what ListenBrainz and `hum import-listens` read.
/// - `opinions`, `track_stats`, `events`, `playlists`, `smart_playlists` (a name and its filter), `settings`,
///   `picks` (each smart or radio pick with its reasons): JSON lines with sorted keys, or CSV
///   (RFC 4180, with a header row) with `--format csv`.
/// - `sync_outbox`: every report opt-in sync made, with its exact bytes, sent or waiting.
/// - `taste_model.json`: the taste model's state, as stored, when there is one.
/// - `sync_state.json`: sync's state (on or off, server, privacy ledger, delete secret), once sync was turned on.
public enum LibraryExport {
    /// What an export wrote.
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        /// The folder written to, as given.
        public var directory: String
        /// Every file written, in the order written.
        public var files: [String] = []
        public var listens = 0
        /// Likes and dislikes.
        public var opinions = 0
        public var trackStats = 0
        public var events = 0
        /// Rows of `playlists`: one per track of each playlist.
        public var playlistEntries = 0
        public var settings = 0
        public var picks = 0
        /// Rows of `sync_outbox`.
        public var reports = 0

        /// One line, as `hum export` prints it.
        public var description: String {
            "exported \(listens) listens, \(opinions) likes and dislikes, \(trackStats) track stats, "
                + "\(events) events, \(picks) picks, \(playlistEntries) playlist entries, \(settings) settings, "
                + "\(reports) sync reports to \(directory)"
        }
    }

    /// The columns of each table, in CSV order: the header row, and every key a JSON line can have.
    static let tableColumns: [(name: String, columns: [String])] = [
        ("opinions", ["opinion", "at_ms", "path", "title", "artist"]),
        ("track_stats", ["path", "title", "artist", "listens", "plays", "skips", "early_skips", "completion_ratio", "last_played_at"]),
        ("events", ["at_ms", "kind", "position", "detail", "session_id", "path"]),
        ("playlists", ["playlist", "position", "path"]),
        ("smart_playlists", ["playlist", "filter"]),
        ("settings", ["key", "value"]),
        ("picks", ["at_ms", "mode", "score", "reasons", "path", "title", "artist"]),
        ("sync_outbox", ["made_at", "channel", "day", "due_at", "attempts", "sent_at", "status", "body"]),
    ]

    /// Writes the export into `directory` (created if needed), replacing files of the same names.
    ///
    /// Listens are streamed from the store to the file, so a long history never sits in memory.
    /// - Returns: What was written (files and counts).
    /// - Throws: The first failure (the folder or a file cannot be written, the library cannot be read);
    ///   files finished before it stay.
    @discardableResult
    public static func write(store: LibraryStore, format: ExportFormat, to directory: String) throws -> Summary {
        var summary = Summary(directory: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]

        let listensPath = directory + "/listens.jsonl"
        let listens = try LineFile(path: listensPath)
        try store.exportListens { listen in
            try listens.write(String(decoding: try encoder.encode(listen), as: UTF8.self))
            summary.listens += 1
        }
        try listens.close()
        summary.files.append(listensPath)

        let records = try store.exportRecords()
        let playlists = try store.exportPlaylists().flatMap { list in
            list.paths.enumerated().map { ["playlist": list.name, "position": String($0.offset + 1), "path": $0.element] }
        }
        summary.opinions = records.opinions.count
        summary.trackStats = records.trackStats.count
        summary.events = records.events.count
        summary.playlistEntries = playlists.count
        summary.settings = records.settings.count
        summary.picks = records.picks.count
        let outbox = try store.outbox().map { entry in
            ["made_at": String(Int64(entry.madeAt)), "channel": entry.channel, "day": entry.day, "due_at": String(Int64(entry.dueAt)),
             "attempts": String(entry.attempts), "sent_at": entry.sentAt.map { String(Int64($0)) } ?? "",
             "status": entry.status.map(String.init) ?? "", "body": String(decoding: entry.body, as: UTF8.self)]
        }
        summary.reports = outbox.count
        let rows = ["opinions": records.opinions, "track_stats": records.trackStats, "events": records.events,
                    "playlists": playlists, "settings": records.settings, "picks": records.picks, "sync_outbox": outbox,
                    "smart_playlists": try store.playlists().compactMap { list in
                        list.filter.map { ["playlist": list.name, "filter": $0] }
                    }]
        for (name, columns) in tableColumns {
            let path = directory + "/\(name).\(format.rawValue)"
            let file = try LineFile(path: path)
            if format == .csv { try file.write(columns.joined(separator: ",")) }
            for row in rows[name] ?? [] {
                switch format {
                case .jsonl:
                    try file.write(String(decoding: try encoder.encode(row), as: UTF8.self))
                case .csv:
                    try file.write(columns.map { CSV.field(row[$0] ?? "") }.joined(separator: ","))
                }
            }
            try file.close()
            summary.files.append(path)
        }
        if let model = records.tasteModel {
            let path = directory + "/taste_model.json"
            try Data(model.utf8).write(to: URL(fileURLWithPath: path))
            summary.files.append(path)
        }
        if let state = try store.syncState() {
            let path = directory + "/sync_state.json"
            try state.write(to: URL(fileURLWithPath: path))
            summary.files.append(path)
        }
        return summary
    }
}

/// A text file written one line at a time.
final class LineFile {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw LibraryError.invalidValue("cannot create \(path)")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw LibraryError.invalidValue("cannot write \(path)") }
        self.handle = handle
    }

    func write(_ line: String) throws { try handle.write(contentsOf: Data((line + "\n").utf8)) }

    func close() throws { try handle.close() }
}

/// RFC 4180 fields: quoted when they hold a comma, a quote or a line break.
enum CSV {
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
