import Foundation
import GRDB
import MusicCore

/// The scanner's writes and the library's track reads.
extension LibraryStore {
    /// Every file in the library now (what a rescan compares the disk with).
    public func presentFiles() throws -> [KnownFile] {
        try pool.read { db in
            var files: [KnownFile] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT id, path, size, mtime_ns, content_key FROM tracks WHERE removed_at IS NULL")
            while let row = try rows.next() {
                files.append(KnownFile(id: row[0], path: row[1], size: row[2], mtimeNs: row[3], contentKey: row[4]))
            }
            return files
        }
    }

    /// Files that failed to read before, so an unchanged bad file is not opened again.
    public func knownFailures() throws -> [KnownFailure] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT path, size, mtime_ns, reason FROM scan_failures").map { row in
                KnownFailure(path: row[0], size: row[1], mtimeNs: row[2], reason: row[3])
            }
        }
    }

    /// Writes one batch of scanned files in one transaction.
    ///
    /// A file at a path the library has updates that track. Otherwise a track with the same content key
    /// is looked for among `movable` (tracks whose file left its path during this scan: a move) and then
    /// among removed tracks (a re-add); the first match takes the new path and keeps its history. Only
    /// then is a new track added. Claimed ids leave `movable`.
    public func saveScannedFiles(_ files: [(TrackFile, TrackMetadata)], movable: inout Set<Int64>) throws -> [ScanOutcome] {
        let now = Self.nowMilliseconds()
        do {
            return try pool.write { db in
                var outcomes: [ScanOutcome] = []
                outcomes.reserveCapacity(files.count)
                let clearFailures = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM scan_failures)") ?? false
                // A first import has nothing to reconnect: it skips the content-key lookups.
                let anyRemoved = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tracks WHERE removed_at IS NOT NULL)") ?? false
                // The search index takes the batch's new tracks in one statement (see `indexSearchInBulk`),
                // unless an import indexes them all at its end (`deferSearchIndex`). Only tracks that
                // existed before the batch are updated below (a path appears once per scan), so no update
                // re-indexes a track the index has not taken yet.
                let importDefers = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM search_deferred)") ?? false
                if !importDefers { try Self.deferSearch(db) }
                for (file, metadata) in files {
                    let outcome = try Self.saveScannedFile(db, file: file, metadata: metadata, movable: &movable, now: now,
                                                           clearFailures: clearFailures, reconnect: anyRemoved || !movable.isEmpty)
                    outcomes.append(outcome)
                }
                if !importDefers { try Self.indexDeferredSearch(db) }
                return outcomes
            }
        } catch {
            throw LibraryError.cannotWrite(path: path, reason: LibraryError.describe(error))
        }
    }

    /// Leaves the tracks added from now on out of the search index until `indexDeferredSearch`, which
    /// indexes them in one statement: what an import of more than a batch does.
    ///
    /// Indexed batch by batch, FTS5 merged its growing segments again and again: 1.2–1.7 s of a
    /// 100,000-track import, against 0.4–0.6 s for one statement at the end. An import that is killed
    /// leaves its `search_deferred` row, and the next open of the library indexes what it deferred.
    public func deferSearchIndex() throws {
        do {
            try pool.write { db in try Self.deferSearch(db) }
        } catch {
            throw LibraryError.cannotWrite(path: path, reason: LibraryError.describe(error))
        }
    }

    /// Indexes for search every track added since the oldest `deferSearchIndex` still pending; nothing
    /// when none is.
    public func indexDeferredSearch() throws {
        do {
            try pool.write { db in try Self.indexDeferredSearch(db) }
        } catch {
            throw LibraryError.cannotWrite(path: path, reason: LibraryError.describe(error))
        }
    }

    static func deferSearch(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO search_deferred (since_track_id) SELECT COALESCE(MAX(id), 0) FROM tracks")
    }

    static func indexDeferredSearch(_ db: Database) throws {
        guard let since = try Int64.fetchOne(db, sql: "SELECT MIN(since_track_id) FROM search_deferred") else { return }
        try db.execute(sql: """
            INSERT INTO track_search (rowid, title, artist, album_artist, album, genre)
            SELECT id, title, artist, album_artist, album, genre FROM tracks WHERE id > ?;
            DELETE FROM search_deferred;
            """, arguments: [since])
    }

    /// Remembers files that could not be read, with why.
    public func saveScanFailures(_ failures: [(TrackFile, String)]) throws {
        try pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO scan_failures (path, size, mtime_ns, reason) VALUES (?, ?, ?, ?)
                ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, reason = excluded.reason
                """)
            for (file, reason) in failures {
                try statement.execute(arguments: [file.path, file.size, file.mtimeNs, reason])
            }
        }
    }

    /// SQLite's page cache for the writes, in KiB (its default is 2,000).
    public static let defaultWriteCacheKiB = 2000
    /// WAL pages after which a commit copies the log into the database file (SQLite's default).
    public static let defaultCheckpointPages = 1000
    /// The same during an import: about 40 MiB of log on disk, never in memory.
    static let importCheckpointPages = 10_000

    /// Readies the writer for an import into a library of about `tracks` tracks; `finishImport` undoes it.
    ///
    /// Two settings, each measured with `hum-bench scan` on 100,000 files: a page cache that grows with the
    /// library (16 KiB per 100 tracks, from the default up to 32 MiB; the indexes of 100,000 tracks do not
    /// fit in 2 MiB: 10–13 % faster), and checkpoints ten times rarer (every commit of an import touches
    /// index pages all over the file, and each checkpoint wrote them and synced the file again: the
    /// writer spent a fifth of its time there).
    public func prepareForImport(tracks: Int) throws {
        let kib = min(32 * 1024, max(Self.defaultWriteCacheKiB, tracks * 16 / 100))
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -\(kib); PRAGMA wal_autocheckpoint = \(Self.importCheckpointPages)")
        }
    }

    /// Back to the everyday settings after an import.
    public func finishImport() throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -\(Self.defaultWriteCacheKiB); PRAGMA wal_autocheckpoint = \(Self.defaultCheckpointPages)")
        }
    }

    /// Takes tracks out of the library (their files are gone); their listening history stays.
    /// Also forgets failures recorded for paths that no longer exist.
    public func markRemoved(trackIDs: [Int64], failedPaths: [String] = []) throws {
        let now = Self.nowMilliseconds()
        try pool.write { db in
            let statement = try db.cachedStatement(sql: "UPDATE tracks SET removed_at = ? WHERE id = ? AND removed_at IS NULL")
            for id in trackIDs { try statement.execute(arguments: [now, id]) }
            let failure = try db.cachedStatement(sql: "DELETE FROM scan_failures WHERE path = ?")
            for path in failedPaths { try failure.execute(arguments: [path]) }
        }
    }

    /// Folders `hum scan` walks when given none.
    public func scanFolders() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT path FROM scan_folders ORDER BY path") }
    }

    public func rememberScanFolders(_ folders: [String]) throws {
        let now = Self.nowMilliseconds()
        try pool.write { db in
            for folder in folders {
                try db.execute(sql: "INSERT OR IGNORE INTO scan_folders (path, added_at) VALUES (?, ?)", arguments: [folder, now])
            }
        }
    }

    /// The number of tracks in the library (files present).
    public func trackCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tracks WHERE removed_at IS NULL") ?? 0 }
    }

    /// The track stored for `path`, present or not.
    public func track(path: String) throws -> LibraryTrack? {
        try pool.read { db in
            let statement = try RawStatement(db, sql: """
                SELECT \(Self.trackColumns) FROM tracks WHERE path = ? ORDER BY removed_at IS NOT NULL, id DESC LIMIT 1
                """)
            statement.bind(path, at: 1)
            var reader = TrackRowReader()
            return try reader.readOne(statement)
        }
    }

    public func track(id: Int64) throws -> LibraryTrack? {
        try pool.read { db in
            let statement = try RawStatement(db, sql: "SELECT \(Self.trackColumns) FROM tracks WHERE id = ?")
            statement.bind(id, at: 1)
            var reader = TrackRowReader()
            return try reader.readOne(statement)
        }
    }

    /// Every track in the library, in artist / album / disc / track order.
    ///
    /// The UI builds its library screen from this at start and after every scan, so it must stay well
    /// under half a second for 100,000 tracks. Measured on 100,000 tracks (release build, 2 shared cores,
    /// median of 15): 0.8–0.9 s through GRDB rows sorted by SQLite; 0.26–0.29 s now (debug build: 1.9 s
    /// → 0.5–0.6 s). Two changes: rows are read in place by `TrackRowReader` (no GRDB `Row` per track, the
    /// repeated album strings shared), and SQLite sorts only the ids. Sorting whole rows made its sorter
    /// carry all 22 columns of every track (0.18–0.25 s); sorting the ids (0.09 s) and reading the rows in
    /// table order (0.05 s) is cheaper, and both statements run in one read transaction, so they see the
    /// same tracks. `NOT INDEXED` stops SQLite from walking the partial path index and fetching each row
    /// by id, which is slower than reading the table straight through.
    ///
    /// `sorted: false` gives them in id order without that sort, for a caller that orders them itself
    /// (the interface: `LibraryOrder`, cmus's order, in a fraction of SQLite's time for the ids).
    public func allTracks(includingRemoved: Bool = false, sorted: Bool = true) throws -> [LibraryTrack] {
        let filter = includingRemoved ? "" : "WHERE removed_at IS NULL"
        guard sorted else {
            return try pool.read { db in
                var reader = TrackRowReader()
                return try reader.readAll(try RawStatement(db, sql: "SELECT \(Self.trackColumns) FROM tracks NOT INDEXED \(filter) ORDER BY id"),
                                          reservingCapacity: 0)
            }
        }
        return try pool.read { db in
            let order = try RawStatement(db, sql: """
                SELECT id FROM tracks NOT INDEXED \(filter)
                ORDER BY COALESCE(album_artist, artist), album, disc_number, track_number, path
                """).fetchAllInt64()
            let rows = try RawStatement(db, sql: "SELECT \(Self.trackColumns) FROM tracks NOT INDEXED \(filter) ORDER BY id")
            var reader = TrackRowReader()
            let byID = try reader.readAll(rows, reservingCapacity: order.count)
            let ids = byID.map(\.id)
            return try order.map { id in
                let index = Self.indexOf(id, inAscending: ids)
                guard index < ids.count, ids[index] == id else {
                    throw LibraryError.invalidValue("track \(id) vanished while reading the library")
                }
                return byID[index]
            }
        }
    }

    /// Where `id` is (or would go) in the ascending `ids`.
    private static func indexOf(_ id: Int64, inAscending ids: [Int64]) -> Int {
        var low = 0, high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low
    }

    // MARK: - Rows

    /// The columns `TrackRowReader` reads, in its order (read by position: a lookup by name is a search
    /// through the columns, which a 100,000-row read pays 20 times per row).
    static let trackColumns = """
        id, path, raw_path, format, duration, sample_rate, channels, title, artists, album_artist, album, disc_number, \
        track_number, year, genre, mb_recording_id, mb_release_id, rg_track_gain, rg_track_peak, rg_album_gain, \
        rg_album_peak, removed_at
        """

    private static func saveScannedFile(_ db: Database, file: TrackFile, metadata: TrackMetadata,
                                        movable: inout Set<Int64>, now: Int64, clearFailures: Bool,
                                        reconnect: Bool) throws -> ScanOutcome {
        if clearFailures {
            let clear = try RawStatement(db, sql: "DELETE FROM scan_failures WHERE path = ?")
            clear.bind(file.path, at: 1)
            try clear.execute()
        }
        let present = try RawStatement(db, sql: "SELECT id FROM tracks WHERE path = ? AND removed_at IS NULL")
        present.bind(file.path, at: 1)
        if let id = try present.fetchInt64() {
            try writeTrack(db, id: id, file: file, metadata: metadata, now: now)
            return .updated(id)
        }
        var candidates: [Row] = []
        if reconnect {
            candidates = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, path, removed_at FROM tracks WHERE content_key = ? ORDER BY id"),
                                          arguments: [metadata.contentKey])
        }
        if let moved = candidates.first(where: { movable.contains($0["id"]) }) {
            let id: Int64 = moved["id"]
            movable.remove(id)
            try writeTrack(db, id: id, file: file, metadata: metadata, now: now)
            return .moved(id, from: moved["path"])
        }
        if let removed = candidates.first(where: { ($0["removed_at"] as Int64?) != nil }) {
            let id: Int64 = removed["id"]
            try writeTrack(db, id: id, file: file, metadata: metadata, now: now)
            return .reconnected(id)
        }
        let insert = try RawStatement(db, sql: insertTrackSQL)
        bindTrack(insert, file: file, metadata: metadata, now: now)
        insert.bind(now, at: Int32(trackWriteColumns.count + 1))  // added_at
        try insert.execute()
        let id = db.lastInsertedRowID
        try insertArtists(db, id: id, artists: metadata.tags.artists)
        return .added(id)
    }

    /// The columns a scan writes, in the order `bindTrack` binds them.
    private static let trackWriteColumns = [
        "path", "raw_path", "size", "mtime_ns", "content_key", "format", "format_name", "duration", "duration_exact",
        "sample_rate", "channels", "bitrate", "title", "artist", "artists", "album_artist", "album", "disc_number",
        "disc_total", "track_number", "track_total", "date", "year", "genre", "mb_recording_id", "mb_release_track_id",
        "mb_release_id", "mb_release_group_id", "mb_artist_ids", "mb_album_artist_ids", "rg_track_gain", "rg_track_peak",
        "rg_album_gain", "rg_album_peak", "tag_warning", "updated_at",
    ]

    /// Built once: a scan writes hundreds of thousands of rows, and joining 36 names each time showed in profiles.
    private static let insertTrackSQL =
        "INSERT INTO tracks (\(trackWriteColumns.joined(separator: ", ")), added_at) VALUES (\(databaseQuestionMarks(count: trackWriteColumns.count + 1)))"
    private static let updateTrackSQL =
        "UPDATE tracks SET \(trackWriteColumns.map { "\($0) = ?" }.joined(separator: ", ")), removed_at = NULL WHERE id = ?"

    /// Binds `trackWriteColumns` (parameters 1–36).
    private static func bindTrack(_ statement: RawStatement, file: TrackFile, metadata: TrackMetadata, now: Int64) {
        let tags = metadata.tags
        let gain = tags.replayGain
        let ids = tags.musicBrainz
        statement.bind(file.path, at: 1)
        statement.bind(file.rawPath, at: 2)
        statement.bind(file.size, at: 3)
        statement.bind(file.mtimeNs, at: 4)
        statement.bind(metadata.contentKey, at: 5)
        statement.bind(metadata.codec.rawValue, at: 6)
        statement.bind(metadata.formatName, at: 7)
        statement.bind(metadata.duration, at: 8)
        statement.bind(Int64(metadata.durationExact ? 1 : 0), at: 9)
        statement.bind(metadata.sampleRate, at: 10)
        statement.bind(metadata.channels, at: 11)
        statement.bind(metadata.bitrateKbps, at: 12)
        statement.bind(tags.title, at: 13)
        statement.bind(tags.artistLine, at: 14)
        statement.bind(encodeList(tags.artists), at: 15)
        statement.bind(tags.albumArtist, at: 16)
        statement.bind(tags.album, at: 17)
        statement.bind(tags.discNumber, at: 18)
        statement.bind(tags.discTotal, at: 19)
        statement.bind(tags.trackNumber, at: 20)
        statement.bind(tags.trackTotal, at: 21)
        statement.bind(tags.date, at: 22)
        statement.bind(tags.year, at: 23)
        statement.bind(tags.genres.isEmpty ? nil : tags.genres.joined(separator: "; "), at: 24)
        statement.bind(ids.recordingID, at: 25)
        statement.bind(ids.releaseTrackID, at: 26)
        statement.bind(ids.releaseID, at: 27)
        statement.bind(ids.releaseGroupID, at: 28)
        statement.bind(encodeList(ids.artistIDs), at: 29)
        statement.bind(encodeList(ids.albumArtistIDs), at: 30)
        statement.bind(gain.trackGain, at: 31)
        statement.bind(gain.trackPeak, at: 32)
        statement.bind(gain.albumGain, at: 33)
        statement.bind(gain.albumPeak, at: 34)
        statement.bind(metadata.tagWarning, at: 35)
        statement.bind(now, at: 36)
    }

    private static func writeTrack(_ db: Database, id: Int64, file: TrackFile, metadata: TrackMetadata, now: Int64) throws {
        let update = try RawStatement(db, sql: updateTrackSQL)
        bindTrack(update, file: file, metadata: metadata, now: now)
        update.bind(id, at: Int32(trackWriteColumns.count + 1))
        try update.execute()
        let clear = try RawStatement(db, sql: "DELETE FROM track_artists WHERE track_id = ?")
        clear.bind(id, at: 1)
        try clear.execute()
        try insertArtists(db, id: id, artists: metadata.tags.artists)
    }

    private static func insertArtists(_ db: Database, id: Int64, artists: [String]) throws {
        guard !artists.isEmpty else { return }
        let artist = try RawStatement(db, sql: "INSERT INTO track_artists (track_id, position, name) VALUES (?, ?, ?)")
        for (position, name) in artists.enumerated() {
            artist.bind(id, at: 1)
            artist.bind(position, at: 2)
            artist.bind(name, at: 3)
            try artist.execute()
        }
    }

    // MARK: - Helpers

    static func nowMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    static func encodeList(_ values: [String]) -> String { JSONStringList.encode(values) }

    static func decodeList(_ text: String?) -> [String] { text.flatMap(JSONStringList.decode) ?? [] }
}
