import GRDB

extension LibraryStore {
    /// Ranking more matches than this costs more than a keystroke may (bm25 is computed for every match):
    /// a vaguer search lists its first matches in library order until the listener types more.
    public static let rankedSearchLimit = 2000

    /// Tracks whose title, artist, album or genre contain every word of `text` (as word prefixes), case
    /// and accents ignored ("beyon halo" finds "Beyoncé — Halo"), best matches first.
    public func search(_ text: String, limit: Int = 200) throws -> [LibraryTrack] {
        guard let pattern = Self.prefixPattern(text) else { return [] }
        return try pool.read { db in
            let matches = try Int64.fetchAll(db, sql: "SELECT rowid FROM track_search WHERE track_search MATCH ? LIMIT ?",
                                             arguments: [pattern, Self.rankedSearchLimit + 1])
            let ids = matches.count <= Self.rankedSearchLimit
                ? try Int64.fetchAll(db, sql: "SELECT rowid FROM track_search WHERE track_search MATCH ? ORDER BY rank LIMIT ?",
                                     arguments: [pattern, limit + 20])
                : matches
            var tracks: [LibraryTrack] = []
            let statement = try db.cachedStatement(sql: "SELECT \(Self.trackColumns) FROM tracks WHERE id = ? AND removed_at IS NULL")
            for id in ids where tracks.count < limit {
                if let row = try Row.fetchOne(statement, arguments: [id]) { tracks.append(Self.libraryTrack(row)) }
            }
            return tracks
        }
    }

    /// "beyon halo" → `"beyon"* "halo"*`: every word, quoted (so FTS syntax in titles is harmless),
    /// as a prefix.
    static func prefixPattern(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "\"" })
        guard !words.isEmpty else { return nil }
        return words.map { "\"\($0)\"*" }.joined(separator: " ")
    }
}
