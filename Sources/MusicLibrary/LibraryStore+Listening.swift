import Foundation
import GRDB
import MusicCore

/// The listening log's writes (in batches, from `ListenRecorder`) and its reads.
extension LibraryStore {
    /// Writes a batch of log entries in one transaction and refreshes the stats of the tracks touched.
    /// `openListens` maps the tokens of listens started (in this batch or earlier) to their row ids.
    public func recordListeningLog(_ entries: [ListeningLogEntry], openListens: inout [Int: Int64]) throws {
        guard !entries.isEmpty else { return }
        var tokens = openListens
        do {
            try pool.write { db in
                var touched = Set<Int64>()
                for entry in entries {
                    try Self.write(entry, db: db, tokens: &tokens, touched: &touched)
                }
                try Self.refreshStats(db, trackIDs: touched)
            }
        } catch {
            throw LibraryError.cannotWrite(path: path, reason: LibraryError.describe(error))
        }
        openListens = tokens
    }

    private static func write(_ entry: ListeningLogEntry, db: Database, tokens: inout [Int: Int64], touched: inout Set<Int64>) throws {
        switch entry {
        case .listenStarted(let start):
            try db.cachedStatement(sql: """
                INSERT INTO listens (track_id, started_at, utc_offset_minutes, local_hour, weekday, duration, source,
                                     source_name, previous_track_id, session_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [start.trackID, milliseconds(start.startedAt), start.utcOffsetMinutes,
                                         start.localHour, start.weekday, start.duration, start.source.rawValue,
                                         start.sourceName, start.previousTrackID, start.sessionID])
            tokens[start.token] = db.lastInsertedRowID
        case .listenProgressed(let token, let position, let heard):
            guard let id = tokens[token] else { return }
            try db.cachedStatement(sql: "UPDATE listens SET position_reached = ?, seconds_heard = ? WHERE id = ?")
                .execute(arguments: [position, heard, id])
        case .listenEnded(let token, let end):
            guard let id = tokens.removeValue(forKey: token) else { return }
            try db.cachedStatement(sql: """
                UPDATE listens SET ended_at = ?, position_reached = ?, seconds_heard = ?, end_reason = ?, outcome = ?
                WHERE id = ?
                """).execute(arguments: [milliseconds(end.endedAt), end.position, end.heard, end.reason.rawValue,
                                         end.outcome.rawValue, id])
            if let track = try Int64.fetchOne(db, sql: "SELECT track_id FROM listens WHERE id = ?", arguments: [id]) {
                touched.insert(track)
            }
        case .event(let event):
            try db.cachedStatement(sql: """
                INSERT INTO listening_events (at, kind, track_id, session_id, position, detail) VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [milliseconds(event.at), event.kind.rawValue, event.trackID, event.sessionID,
                                         event.position, event.detail])
        case .opinion(let trackID, let opinion, let at):
            if let opinion {
                try db.cachedStatement(sql: """
                    INSERT INTO track_opinions (track_id, opinion, at) VALUES (?, ?, ?)
                    ON CONFLICT(track_id) DO UPDATE SET opinion = excluded.opinion, at = excluded.at
                    """).execute(arguments: [trackID, opinion.rawValue, milliseconds(at)])
            } else {
                try db.cachedStatement(sql: "DELETE FROM track_opinions WHERE track_id = ?").execute(arguments: [trackID])
            }
        }
    }

    /// Rebuilds `track_stats` rows from the listens of `trackIDs` (rows without listens go).
    static func refreshStats(_ db: Database, trackIDs: Set<Int64>) throws {
        let delete = try db.cachedStatement(sql: "DELETE FROM track_stats WHERE track_id = ?")
        let insert = try db.cachedStatement(sql: """
            INSERT INTO track_stats (track_id, listens, plays, skips, early_skips, completion_ratio, last_played_at)
            SELECT track_id, COUNT(*), SUM(outcome = 'play'), SUM(outcome IN ('skip', 'early_skip')),
                   SUM(outcome = 'early_skip'),
                   AVG(CASE WHEN duration > 0 THEN MIN(seconds_heard / duration, 1.0) END), MAX(started_at)
            FROM listens WHERE track_id = ? AND outcome IS NOT NULL GROUP BY track_id
            """)
        for id in trackIDs {
            try delete.execute(arguments: [id])
            try insert.execute(arguments: [id])
        }
    }

    /// Listens left open by a hum that was killed become `interrupted`, counted by what was heard.
    static func closeInterruptedListens(_ db: Database) throws {
        let open = try Row.fetchAll(db, sql: "SELECT id, track_id, duration, seconds_heard, started_at FROM listens WHERE end_reason IS NULL")
        guard !open.isEmpty else { return }
        var touched = Set<Int64>()
        for row in open {
            let heard: Double = row["seconds_heard"]
            let outcome = ListenRules.outcome(heard: heard, duration: row["duration"], reason: .interrupted)
            let startedAt: Int64 = row["started_at"]
            try db.execute(sql: "UPDATE listens SET end_reason = 'interrupted', outcome = ?, ended_at = ? WHERE id = ?",
                           arguments: [outcome.rawValue, startedAt + Int64(heard * 1000), row["id"]])
            touched.insert(row["track_id"])
        }
        try refreshStats(db, trackIDs: touched)
    }

    /// The last session and when something was last heard in it, so a hum started again within half an
    /// hour continues the session.
    public func lastSession() throws -> (id: String, lastHeardAt: Double)? {
        try pool.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT session_id, COALESCE(ended_at, started_at + CAST(seconds_heard * 1000 AS INTEGER)) AS heard_at
                FROM listens WHERE source != 'imported' ORDER BY started_at DESC LIMIT 1
                """) else { return nil }
            let heardAt: Int64 = row["heard_at"]
            return (row["session_id"], Double(heardAt) / 1000)
        }
    }

    // MARK: - Reads

    /// A track's derived numbers, or zeros when it was never heard.
    public func stats(trackID: Int64) throws -> TrackStats {
        try pool.read { db in
            let opinion = try Int.fetchOne(db, sql: "SELECT opinion FROM track_opinions WHERE track_id = ?", arguments: [trackID])
                .flatMap(TrackOpinion.init(rawValue:))
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM track_stats WHERE track_id = ?", arguments: [trackID]) else {
                return TrackStats(opinion: opinion)
            }
            let last: Int64? = row["last_played_at"]
            return TrackStats(listens: row["listens"], plays: row["plays"], skips: row["skips"], earlySkips: row["early_skips"],
                              completionRatio: row["completion_ratio"], lastPlayedAt: last.map { Double($0) / 1000 },
                              opinion: opinion)
        }
    }

    /// Every track's numbers that has any: heard at least once, or liked or disliked. One read of two small
    /// tables, for the interface's filters on the log (`plays:>5`, `liked:yes`).
    public func allStats() throws -> [Int64: TrackStats] {
        try pool.read { db in
            var stats: [Int64: TrackStats] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT track_id, listens, plays, skips, early_skips, completion_ratio, last_played_at FROM track_stats") {
                let last: Int64? = row["last_played_at"]
                stats[row["track_id"]] = TrackStats(listens: row["listens"], plays: row["plays"], skips: row["skips"],
                                                    earlySkips: row["early_skips"], completionRatio: row["completion_ratio"],
                                                    lastPlayedAt: last.map { Double($0) / 1000 })
            }
            for row in try Row.fetchAll(db, sql: "SELECT track_id, opinion FROM track_opinions") {
                stats[row["track_id"], default: TrackStats()].opinion = TrackOpinion(rawValue: row["opinion"])
            }
            return stats
        }
    }

    /// Every listen of a track (or all), oldest first.
    public func listens(trackID: Int64? = nil) throws -> [StoredListen] {
        try pool.read { db in
            let filter = trackID == nil ? "" : "WHERE track_id = ?"
            return try Row.fetchAll(db, sql: "SELECT * FROM listens \(filter) ORDER BY started_at, id",
                                    arguments: trackID.map { [$0] } ?? []).map(StoredListen.init(row:))
        }
    }

    /// Counts of rows in the listening tables (for tests and `hum settings`).
    public func historyCounts() throws -> (listens: Int, events: Int, opinions: Int) {
        try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM listens") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM listening_events") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM track_opinions") ?? 0)
        }
    }

    /// The events logged, oldest first.
    public func listeningEvents() throws -> [ListeningEvent] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM listening_events ORDER BY at, id").compactMap { row in
                guard let kind = ListeningEvent.Kind(rawValue: row["kind"]) else { return nil }
                let at: Int64 = row["at"]
                return ListeningEvent(at: Double(at) / 1000, kind: kind, trackID: row["track_id"], sessionID: row["session_id"],
                                      position: row["position"], detail: row["detail"])
            }
        }
    }

    static func milliseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded()) }
}

/// A track's numbers, derived from its listens by `ListenRules`.
public struct TrackStats: Sendable, Equatable {
    public var listens = 0
    public var plays = 0
    public var skips = 0
    public var earlySkips = 0
    /// Mean share of the track heard per listen.
    public var completionRatio: Double?
    /// Unix seconds of the last listen's start.
    public var lastPlayedAt: Double?
    public var opinion: TrackOpinion?
}

/// One row of the `listens` table.
public struct StoredListen: Sendable, Equatable {
    public var id: Int64
    public var trackID: Int64
    public var startedAt: Double
    public var endedAt: Double?
    public var utcOffsetMinutes: Int
    public var localHour: Int
    public var weekday: Int
    public var duration: Double?
    public var positionReached: Double
    public var secondsHeard: Double
    public var endReason: ListenEndReason?
    public var outcome: ListenOutcome?
    public var source: ListenSource
    public var sourceName: String?
    public var previousTrackID: Int64?
    public var sessionID: String

    init(row: Row) {
        let started: Int64 = row["started_at"]
        let ended: Int64? = row["ended_at"]
        id = row["id"]
        trackID = row["track_id"]
        startedAt = Double(started) / 1000
        endedAt = ended.map { Double($0) / 1000 }
        utcOffsetMinutes = row["utc_offset_minutes"]
        localHour = row["local_hour"]
        weekday = row["weekday"]
        duration = row["duration"]
        positionReached = row["position_reached"]
        secondsHeard = row["seconds_heard"]
        endReason = (row["end_reason"] as String?).flatMap(ListenEndReason.init(rawValue:))
        outcome = (row["outcome"] as String?).flatMap(ListenOutcome.init(rawValue:))
        source = ListenSource(rawValue: row["source"]) ?? .queue
        sourceName = row["source_name"]
        previousTrackID = row["previous_track_id"]
        sessionID = row["session_id"]
    }
}
