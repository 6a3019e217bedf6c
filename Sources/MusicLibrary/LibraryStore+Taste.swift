import Foundation
import GRDB
import MusicCore

/// A track with what the recommender reads of it: names and the analysis, when there is one.
public struct AnalysedTrack: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var title: String
    /// The album artist when tagged, else the artist; the file name's folder when neither is.
    public var artist: String
    public var album: String?
    public var genre: String?
    public var features: AudioFeatures?
}

/// What the taste model learns from, in the order it happened: ended listens and opinion or feedback events.
public struct LearningLogItem: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case listen(outcome: ListenOutcome)
        case event(ListeningEvent.Kind)
    }
    /// The row id in `listens` or `listening_events`.
    public var rowID: Int64
    public var kind: Kind
    public var trackID: Int64
    /// When it happened (a listen: when it ended), unix seconds.
    public var at: Double
    public var utcOffsetMinutes: Int
    public var localHour: Int?
    public var weekday: Int?
    public var previousTrackID: Int64?
}

/// A pick kept with its reasons.
public struct StoredPick: Sendable, Equatable {
    public var at: Double
    public var trackID: Int64
    public var mode: String
    public var score: Double
    /// JSON array of `{feature, contribution, text}`.
    public var reasonsJSON: String
}

extension LibraryStore {
    // MARK: Analysis

    /// Present tracks with no analysis of `version`, oldest first, with their paths.
    public func tracksNeedingAnalysis(version: Int) throws -> [(id: Int64, path: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.id, t.path FROM tracks t LEFT JOIN track_features f ON f.track_id = t.id
                WHERE t.removed_at IS NULL AND (f.track_id IS NULL OR f.analyzer_version < ?) ORDER BY t.id
                """, arguments: [version]).map { ($0["id"], $0["path"]) }
        }
    }

    /// How many present tracks have an analysis of `version`, and how many there are.
    public func analysisProgress(version: Int) throws -> (analysed: Int, tracks: Int) {
        try pool.read { db in
            let tracks = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tracks WHERE removed_at IS NULL") ?? 0
            let analysed = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM track_features f JOIN tracks t ON t.id = f.track_id
                WHERE t.removed_at IS NULL AND f.analyzer_version >= ?
                """, arguments: [version]) ?? 0
            return (analysed, tracks)
        }
    }

    /// Stores analyses (one transaction for the batch), replacing older ones.
    public func saveAnalyses(_ analyses: [(trackID: Int64, features: AudioFeatures)], at: Double) throws {
        guard !analyses.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try analyses.map { ($0.trackID, try encoder.encode($0.features)) }
        do {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: """
                    INSERT INTO track_features (track_id, analyzer_version, features, analyzed_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(track_id) DO UPDATE SET analyzer_version = excluded.analyzer_version,
                        features = excluded.features, analyzed_at = excluded.analyzed_at
                    """)
                for (id, data) in rows {
                    try statement.execute(arguments: [id, AudioFeatures.currentVersion, data, Self.milliseconds(at)])
                }
            }
        } catch {
            throw LibraryError.cannotWrite(path: path, reason: LibraryError.describe(error))
        }
    }

    /// Every present track with its names and current analysis, in id order: the recommender's catalog.
    public func analysedTracks() throws -> [AnalysedTrack] {
        var tracks: [AnalysedTrack] = []
        try forEachAnalysedTrack { tracks.append($0) }
        return tracks
    }

    /// Each present track with its names and current analysis, in id order, one at a time: the catalog
    /// of a 100,000-track library is built without holding every path and every analysis at once.
    ///
    /// Read `pageSize` tracks per read, and `body` runs between reads: the store's reads take turns
    /// (`ReadsInTurn`), and one read over a whole analysed library (decoding every analysis) would keep
    /// the interface's filter waiting for seconds at start. A track added or removed meanwhile may be
    /// seen or not; none is seen twice.
    public func forEachAnalysedTrack(pageSize: Int = 2000, _ body: (AnalysedTrack) throws -> Void) throws {
        let decoder = JSONDecoder(), size = max(pageSize, 1)
        var after = Int64.min
        while true {
            let page = try pool.read { db in
                try Row.fetchAll(db, sql: Self.analysedTrackQuery + " WHERE t.removed_at IS NULL AND t.id > ? ORDER BY t.id LIMIT ?",
                                 arguments: [after, size])
                    .map { Self.analysedTrack($0, decoder: decoder) }
            }
            for track in page { try body(track) }
            guard page.count >= size, let last = page.last else { return }
            after = last.id
        }
    }

    /// One present track with its names and current analysis, by id or by path.
    public func analysedTrack(id: Int64) throws -> AnalysedTrack? {
        try analysedTrack(where: "t.id = ?", id)
    }

    public func analysedTrack(path: String) throws -> AnalysedTrack? {
        try analysedTrack(where: "t.path = ?", path)
    }

    private func analysedTrack(where condition: String, _ value: some DatabaseValueConvertible & Sendable) throws -> AnalysedTrack? {
        try pool.read { db in
            try Row.fetchOne(db, sql: Self.analysedTrackQuery + " WHERE t.removed_at IS NULL AND " + condition, arguments: [value])
                .map { Self.analysedTrack($0, decoder: JSONDecoder()) }
        }
    }

    private static let analysedTrackQuery = """
        SELECT t.id, t.path, t.title, COALESCE(NULLIF(t.album_artist, ''), t.artist) AS who, t.album, t.genre,
               f.features, f.analyzer_version
        FROM tracks t LEFT JOIN track_features f ON f.track_id = t.id
        """

    /// A row of `analysedTrackQuery`; an untitled track is named by its file, an artistless one by its folder.
    private static func analysedTrack(_ row: Row, decoder: JSONDecoder) -> AnalysedTrack {
        let path: String = row["path"]
        let version: Int? = row["analyzer_version"]
        let data: Data? = row["features"]
        let features = version == AudioFeatures.currentVersion
            ? data.flatMap { try? decoder.decode(AudioFeatures.self, from: $0) } : nil
        let title: String? = row["title"], artist: String? = row["who"]
        return AnalysedTrack(id: row["id"], path: path, title: title ?? (path as NSString).lastPathComponent,
                             artist: artist ?? ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent,
                             album: row["album"], genre: row["genre"], features: features)
    }

    /// One track's analysis, when it has a current one.
    public func analysis(trackID: Int64) throws -> AudioFeatures? {
        let data = try pool.read { db in
            try Data.fetchOne(db, sql: "SELECT features FROM track_features WHERE track_id = ? AND analyzer_version = ?",
                              arguments: [trackID, AudioFeatures.currentVersion])
        }
        return try data.map { try JSONDecoder().decode(AudioFeatures.self, from: $0) }
    }

    // MARK: The taste model

    /// The stored taste model (JSON) and its version, if any.
    public func tasteState() throws -> (version: Int, json: Data)? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT version, state FROM taste_model WHERE id = 1").map { ($0["version"], $0["state"]) }
        }
    }

    public func saveTasteState(version: Int, json: Data, at: Double) throws {
        do {
            try pool.write { db in
                try db.execute(sql: """
                    INSERT INTO taste_model (id, version, state, updated_at) VALUES (1, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET version = excluded.version, state = excluded.state,
                        updated_at = excluded.updated_at
                    """, arguments: [version, json, Self.milliseconds(at)])
            }
        } catch {
            throw LibraryError.cannotWrite(path: path, reason: LibraryError.describe(error))
        }
    }

    /// Forgets the taste model: the next use relearns it from the listening log.
    public func resetTasteState() throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM taste_model") }
    }

    /// What the model has not learned yet: listens ended after `listenID` with an outcome (plays, skips,
    /// partial listens) and opinion or feedback events after `eventID`, in the order they happened;
    /// with `since` (Unix seconds), only what happened after it.
    public func learningLog(afterListen listenID: Int64, afterEvent eventID: Int64, since: Double? = nil) throws -> [LearningLogItem] {
        let sinceMilliseconds = since.map(Self.milliseconds) ?? Int64.min
        let kinds: [ListeningEvent.Kind] = [.like, .unlike, .dislike, .moreLikeThis, .lessLikeThis, .notAtThisHour]
        return try pool.read { db in
            var items = try Row.fetchAll(db, sql: """
                SELECT id, track_id, COALESCE(ended_at, started_at) AS at, utc_offset_minutes, local_hour, weekday,
                       previous_track_id, outcome
                FROM listens WHERE id > ? AND outcome IS NOT NULL AND COALESCE(ended_at, started_at) > ? ORDER BY id
                """, arguments: [listenID, sinceMilliseconds]).compactMap { row -> LearningLogItem? in
                guard let outcome = ListenOutcome(rawValue: row["outcome"]) else { return nil }
                let at: Int64 = row["at"]
                return LearningLogItem(rowID: row["id"], kind: .listen(outcome: outcome), trackID: row["track_id"],
                                       at: Double(at) / 1000, utcOffsetMinutes: row["utc_offset_minutes"],
                                       localHour: row["local_hour"], weekday: row["weekday"],
                                       previousTrackID: row["previous_track_id"])
            }
            let offset = TimeZone.current.secondsFromGMT() / 60
            items += try Row.fetchAll(db, sql: """
                SELECT id, at, kind, track_id FROM listening_events
                WHERE id > ? AND at > ? AND track_id IS NOT NULL AND kind IN (\(kinds.map { "'\($0.rawValue)'" }.joined(separator: ",")))
                ORDER BY id
                """, arguments: [eventID, sinceMilliseconds]).compactMap { row -> LearningLogItem? in
                guard let kind = ListeningEvent.Kind(rawValue: row["kind"]) else { return nil }
                let at: Int64 = row["at"]
                return LearningLogItem(rowID: row["id"], kind: .event(kind), trackID: row["track_id"],
                                       at: Double(at) / 1000, utcOffsetMinutes: offset, localHour: nil, weekday: nil,
                                       previousTrackID: nil)
            }
            return items.sorted { $0.at < $1.at }
        }
    }

    // MARK: Picks

    /// Keeps a pick and its reasons.
    public func recordPick(trackID: Int64, at: Double, mode: String, score: Double, reasonsJSON: String) throws {
        do {
            try pool.write { db in
                try db.execute(sql: "INSERT INTO picks (at, track_id, mode, score, reasons) VALUES (?, ?, ?, ?, ?)",
                               arguments: [Self.milliseconds(at), trackID, mode, score, reasonsJSON])
            }
        } catch {
            throw LibraryError.cannotWrite(path: path, reason: LibraryError.describe(error))
        }
    }

    /// The picks kept, oldest first; of one track when `trackID` is given.
    public func picks(trackID: Int64? = nil) throws -> [StoredPick] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM picks \(trackID == nil ? "" : "WHERE track_id = ?") ORDER BY id",
                             arguments: trackID.map { [$0] } ?? []).map { row in
                let at: Int64 = row["at"]
                return StoredPick(at: Double(at) / 1000, trackID: row["track_id"], mode: row["mode"], score: row["score"],
                                  reasonsJSON: row["reasons"])
            }
        }
    }
}
