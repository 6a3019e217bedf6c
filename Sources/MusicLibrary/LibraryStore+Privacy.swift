import Foundation
import GRDB
import MusicCore

/// What `hum forget` erases.
public enum ForgetScope: Sendable, Equatable {
    /// Every listen, event, opinion and derived number.
    case all
    case track(Int64)
    /// Every track crediting this artist (as artist or album artist).
    case artist(String)
    /// Listens and events in a time range (unix seconds; either end open).
    case period(since: Double?, before: Double?)
}

/// How an import went.
public struct ImportReport: Sendable, Equatable {
    public var read = 0
    public var matchedByMusicBrainzID = 0
    public var matchedByArtistAndTitle = 0
    public var alreadyPresent = 0
    public var unmatched = 0
    /// A few unmatched listens, "artist — title", to show the listener.
    public var unmatchedExamples: [String] = []
}

extension LibraryStore {
    // MARK: - Forget

    /// Erases history for real: rows deleted with `secure_delete` on (their bytes zeroed), the search index
    /// optimised, tracks whose files are gone and which no longer carry any history deleted too, the file
    /// vacuumed and the WAL emptied. Returns how many listens were erased.
    @discardableResult
    public func forget(_ scope: ForgetScope) throws -> Int {
        let erased: Int = try pool.write { db in
            let (listenFilter, eventFilter, arguments, opinions) = try Self.filters(for: scope, db: db)
            let tracks = try Int64.fetchAll(db, sql: "SELECT DISTINCT track_id FROM listens WHERE \(listenFilter)", arguments: arguments)
            try db.execute(sql: "DELETE FROM listens WHERE \(listenFilter)", arguments: arguments)
            let count = db.changesCount
            try db.execute(sql: "DELETE FROM listening_events WHERE \(eventFilter)", arguments: arguments)
            if let opinions { try db.execute(sql: "DELETE FROM track_opinions WHERE \(opinions)", arguments: arguments) }
            // Picks say what was played and when, as events do; the taste model was learned from what is
            // being erased, so it goes too, and is relearned from what remains.
            try db.execute(sql: "DELETE FROM picks WHERE \(eventFilter)", arguments: arguments)
            try db.execute(sql: "DELETE FROM taste_model")
            // The sync outbox's reports were made from the listens (noised, but still theirs): forgetting
            // everything drops them here (`hum privacy delete-remote` asks the server for its copies).
            if scope == .all { try db.execute(sql: "DELETE FROM sync_outbox") }
            // previous_track_id points at a track's history too.
            try db.execute(sql: "UPDATE listens SET previous_track_id = NULL WHERE previous_track_id NOT IN (SELECT track_id FROM listens)")
            try Self.refreshStats(db, trackIDs: Set(tracks))
            // Tracks whose files are gone were kept only for their history: with none left, they go too.
            let orphans = try Int64.fetchAll(db, sql: """
                SELECT id FROM tracks WHERE removed_at IS NOT NULL
                    AND id NOT IN (SELECT track_id FROM listens) AND id NOT IN (SELECT track_id FROM track_opinions)
                    AND id NOT IN (SELECT track_id FROM playlist_items)
                    AND id NOT IN (SELECT track_id FROM listening_events WHERE track_id IS NOT NULL)
                """)
            for table in ["track_artists", "track_features", "track_stats", "picks"] {
                let delete = try db.makeStatement(sql: "DELETE FROM \(table) WHERE track_id = ?")
                for id in orphans { try delete.execute(arguments: [id]) }
            }
            let deleteTrack = try db.makeStatement(sql: "DELETE FROM tracks WHERE id = ?")
            for id in orphans { try deleteTrack.execute(arguments: [id]) }
            try db.execute(sql: "INSERT INTO track_search(track_search) VALUES ('optimize')")
            return count
        }
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM")
            _ = try db.checkpoint(.truncate)
        }
        return erased
    }

    private static func filters(for scope: ForgetScope, db: Database) throws
        -> (listens: String, events: String, arguments: StatementArguments, opinions: String?) {
        switch scope {
        case .all:
            return ("1", "1", [], "1")
        case .track(let id):
            return ("track_id = ?", "track_id = ?", [id], "track_id = ?")
        case .artist(let name):
            let tracks = "(SELECT t.id FROM tracks t WHERE t.album_artist = :name OR t.id IN (SELECT track_id FROM track_artists WHERE name = :name))"
            return ("track_id IN \(tracks)", "track_id IN \(tracks)", ["name": name], "track_id IN \(tracks)")
        case .period(let since, let before):
            let from = since.map { Int64($0 * 1000) } ?? Int64.min
            let to = before.map { Int64($0 * 1000) } ?? Int64.max
            return ("started_at >= :from AND started_at < :to", "at >= :from AND at < :to", ["from": from, "to": to], nil)
        }
    }

    // MARK: - Export

    /// Calls `body` with every listen in ListenBrainz's layout, oldest first (streamed: a million listens
    /// never sit in memory at once).
    public func exportListens(_ body: (ListenBrainzListen) throws -> Void) throws {
        try pool.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT l.*, t.title, t.artist, t.album, t.path, t.mb_recording_id, t.mb_release_id, t.mb_artist_ids,
                       t.track_number
                FROM listens l JOIN tracks t ON t.id = l.track_id ORDER BY l.started_at, l.id
                """)
            while let row = try rows.next() {
                let listen = StoredListen(row: row)
                var info = ListenBrainzListen.AdditionalInfo()
                info.recordingMBID = row["mb_recording_id"]
                info.releaseMBID = row["mb_release_id"]
                let artistIDs = Self.decodeList(row["mb_artist_ids"])
                info.artistMBIDs = artistIDs.isEmpty ? nil : artistIDs
                info.trackNumber = row["track_number"]
                info.durationMs = listen.duration.map { Int(($0 * 1000).rounded()) }
                info.mediaPlayer = "hum"
                info.submissionClient = "hum"
                info.humStartedAtMs = Self.milliseconds(listen.startedAt)
                info.humEndReason = listen.endReason?.rawValue
                info.humOutcome = listen.outcome?.rawValue
                info.humSecondsHeard = listen.secondsHeard
                info.humPositionReached = listen.positionReached
                info.humSource = listen.source.rawValue
                info.humSourceName = listen.sourceName
                info.humSessionID = listen.sessionID
                info.humPath = row["path"]
                let path: String = row["path"]
                try body(ListenBrainzListen(
                    listenedAt: Int(listen.startedAt.rounded(.down)),
                    trackMetadata: .init(artistName: row["artist"] ?? "", trackName: row["title"] ?? (path as NSString).lastPathComponent,
                                         releaseName: row["album"], additionalInfo: info, mbidMapping: nil)))
            }
        }
    }

    /// Everything else hum holds about the listener, as plain values for `hum export`.
    public func exportRecords() throws -> ExportRecords {
        try pool.read { db in
            var records = ExportRecords()
            records.opinions = try Row.fetchAll(db, sql: """
                SELECT o.opinion, o.at, t.path, t.title, t.artist FROM track_opinions o JOIN tracks t ON t.id = o.track_id ORDER BY o.at
                """).map { row in
                let opinion: Int = row["opinion"]
                let at: Int64 = row["at"]
                return ["opinion": opinion == 1 ? "like" : "dislike", "at_ms": String(at), "path": row["path"] ?? "",
                        "title": row["title"] ?? "", "artist": row["artist"] ?? ""]
            }
            records.trackStats = try Row.fetchAll(db, sql: """
                SELECT s.*, t.path, t.title, t.artist FROM track_stats s JOIN tracks t ON t.id = s.track_id ORDER BY t.path
                """).map { row in
                var values: [String: String] = [:]
                for column in ["path", "title", "artist", "listens", "plays", "skips", "early_skips", "completion_ratio", "last_played_at"] {
                    values[column] = (row[column] as DatabaseValue).storage.text
                }
                return values
            }
            records.events = try Row.fetchAll(db, sql: """
                SELECT e.at, e.kind, e.position, e.detail, e.session_id, t.path FROM listening_events e
                LEFT JOIN tracks t ON t.id = e.track_id ORDER BY e.at, e.id
                """).map { row in
                var values: [String: String] = [:]
                for column in ["at", "kind", "position", "detail", "session_id", "path"] {
                    values[column == "at" ? "at_ms" : column] = (row[column] as DatabaseValue).storage.text
                }
                return values
            }
            records.picks = try Row.fetchAll(db, sql: """
                SELECT p.at, p.mode, p.score, p.reasons, t.path, t.title, t.artist FROM picks p
                JOIN tracks t ON t.id = p.track_id ORDER BY p.at, p.id
                """).map { row in
                var values: [String: String] = [:]
                for column in ["at", "mode", "score", "reasons", "path", "title", "artist"] {
                    values[column == "at" ? "at_ms" : column] = (row[column] as DatabaseValue).storage.text
                }
                return values
            }
            records.tasteModel = try String.fetchOne(db, sql: "SELECT CAST(state AS TEXT) FROM taste_model WHERE id = 1")
            records.settings = try Row.fetchAll(db, sql: "SELECT key, value FROM settings ORDER BY key").map {
                ["key": $0["key"], "value": $0["value"]]
            }
            return records
        }
    }

    /// Playlists with their tracks' paths, for export.
    public func exportPlaylists() throws -> [(name: String, paths: [String])] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM playlists ORDER BY name").map { row in
                let id: Int64 = row["id"]
                let paths = try String.fetchAll(db, sql: """
                    SELECT t.path FROM playlist_items i JOIN tracks t ON t.id = i.track_id WHERE i.playlist_id = ? ORDER BY i.position
                    """, arguments: [id])
                return (row["name"], paths)
            }
        }
    }

    // MARK: - Import

    /// Attaches listens from a ListenBrainz export to local tracks: by MusicBrainz recording id first,
    /// then by artist and title with case, accents and punctuation ignored. A listen already present (same
    /// track, same start) is not added twice, so importing again changes nothing.
    public func importListens(_ listens: [ListenBrainzListen]) throws -> ImportReport {
        var report = ImportReport()
        try pool.write { db in
            var byRecording: [String: Int64] = [:]
            var byName: [String: Int64] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, mb_recording_id, artist, title, removed_at FROM tracks ORDER BY removed_at IS NOT NULL, id DESC")
            while let row = try rows.next() {
                let id: Int64 = row["id"]
                if let recording: String = row["mb_recording_id"] { byRecording[recording.lowercased()] = byRecording[recording.lowercased()] ?? id }
                if let key = MatchKey.of(artist: row["artist"], title: row["title"]) { byName[key] = byName[key] ?? id }
            }
            // hum's own exports carry the start to the millisecond; ListenBrainz's to the second.
            let existsExactly = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM listens WHERE track_id = ? AND started_at = ?)")
            let exists = try db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM listens WHERE track_id = ? AND started_at / 1000 = ?)")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO listens (track_id, started_at, ended_at, utc_offset_minutes, local_hour, weekday, duration,
                                     position_reached, seconds_heard, end_reason, outcome, source, source_name, session_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            var touched = Set<Int64>()
            for listen in listens {
                report.read += 1
                let id: Int64
                if let recording = listen.recordingMBID?.lowercased(), let match = byRecording[recording] {
                    id = match
                    report.matchedByMusicBrainzID += 1
                } else if let key = MatchKey.of(artist: listen.trackMetadata.artistName, title: listen.trackMetadata.trackName),
                          let match = byName[key] {
                    id = match
                    report.matchedByArtistAndTitle += 1
                } else {
                    report.unmatched += 1
                    if report.unmatchedExamples.count < 5 {
                        report.unmatchedExamples.append("\(listen.trackMetadata.artistName) — \(listen.trackMetadata.trackName)")
                    }
                    continue
                }
                let startedMs = listen.trackMetadata.additionalInfo?.humStartedAtMs
                let present: Bool
                if let startedMs {
                    present = try Bool.fetchOne(existsExactly, arguments: [id, startedMs]) ?? false
                } else {
                    present = try Bool.fetchOne(exists, arguments: [id, listen.listenedAt]) ?? false
                }
                if present {
                    report.alreadyPresent += 1
                    continue
                }
                let info = listen.trackMetadata.additionalInfo
                let started = startedMs ?? Int64(listen.listenedAt) * 1000
                let local = LocalTime.system(at: Double(started) / 1000)
                let duration = info?.durationMs.map { Double($0) / 1000 }
                let heard = info?.humSecondsHeard ?? duration ?? 0
                let reason = info?.humEndReason ?? ListenEndReason.imported.rawValue
                let outcome = info?.humOutcome ?? ListenOutcome.play.rawValue
                try insert.execute(arguments: [
                    id, started, started + Int64(heard * 1000), local.utcOffsetMinutes, local.hour, local.weekday, duration,
                    info?.humPositionReached ?? heard, heard, reason, outcome, info?.humSource ?? ListenSource.imported.rawValue,
                    info?.humSourceName, info?.humSessionID ?? "imported",
                ])
                touched.insert(id)
            }
            try Self.refreshStats(db, trackIDs: touched)
        }
        return report
    }
}

/// The listener's data other than listens, as string maps (what `hum export` writes besides listens).
public struct ExportRecords: Sendable, Equatable {
    public var opinions: [[String: String]] = []
    public var trackStats: [[String: String]] = []
    public var events: [[String: String]] = []
    public var settings: [[String: String]] = []
    /// Each smart or radio pick with its reasons.
    public var picks: [[String: String]] = []
    /// The taste model's state, as stored (JSON), when there is one.
    public var tasteModel: String?
}

extension DatabaseValue.Storage {
    /// The value as text (nil for NULL): for export.
    var text: String? {
        switch self {
        case .null: nil
        case .int64(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value
        case .blob(let data): data.base64EncodedString()
        }
    }
}
