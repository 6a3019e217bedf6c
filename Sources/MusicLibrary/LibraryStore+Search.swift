import GRDB

extension LibraryStore {
    /// Tracks whose title, artist, album or genre contain every word of `text` (as word prefixes), case
    /// and accents ignored ("beyon halo" finds "Beyoncé — Halo"), best matches first.
    public func search(_ text: String, limit: Int = 200) throws -> [LibraryTrack] {
        guard let pattern = Self.prefixPattern(text) else { return [] }
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.trackColumns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
                FROM track_search JOIN tracks t ON t.id = track_search.rowid
                WHERE track_search MATCH ? AND t.removed_at IS NULL
                ORDER BY bm25(track_search) LIMIT ?
                """, arguments: [pattern, limit]).map(Self.libraryTrack)
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
