import GRDB

/// A named, ordered list of tracks.
public struct Playlist: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var trackIDs: [Int64]
}

extension LibraryStore {
    /// Creates or replaces the playlist `name` with `trackIDs`, in order.
    @discardableResult
    public func savePlaylist(name: String, trackIDs: [Int64]) throws -> Int64 {
        let now = Self.nowMilliseconds()
        return try pool.write { db in
            try db.execute(sql: """
                INSERT INTO playlists (name, created_at, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at
                """, arguments: [name, now, now])
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM playlists WHERE name = ?", arguments: [name]) else {
                throw LibraryError.invalidValue("playlist \(name) vanished while saving")
            }
            try db.execute(sql: "DELETE FROM playlist_items WHERE playlist_id = ?", arguments: [id])
            for (position, track) in trackIDs.enumerated() {
                try db.execute(sql: "INSERT INTO playlist_items (playlist_id, position, track_id) VALUES (?, ?, ?)",
                               arguments: [id, position, track])
            }
            return id
        }
    }

    public func deletePlaylist(name: String) throws {
        try pool.write { db in try db.execute(sql: "DELETE FROM playlists WHERE name = ?", arguments: [name]) }
    }

    /// Every playlist with its tracks in order, by name.
    public func playlists() throws -> [Playlist] {
        try pool.read { db in
            let lists = try Row.fetchAll(db, sql: "SELECT id, name FROM playlists ORDER BY name")
            return try lists.map { row in
                let id: Int64 = row["id"]
                let tracks = try Int64.fetchAll(db, sql: "SELECT track_id FROM playlist_items WHERE playlist_id = ? ORDER BY position",
                                                arguments: [id])
                return Playlist(id: id, name: row["name"], trackIDs: tracks)
            }
        }
    }
}
