import GRDB

/// A named list of tracks: ordinary (the tracks the listener put in it, in order) or smart (a filter).
public struct Playlist: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// The tracks in order; always empty for a smart playlist (its tracks are not stored).
    public var trackIDs: [Int64]
    /// A smart playlist's filter expression, exactly as saved; nil for an ordinary list.
    ///
    /// The store does not interpret it: the app's filter language evaluates it against the library each
    /// time the list is shown, so a smart playlist follows the library without ever being rewritten.
    public var filter: String?

    /// Whether the tracks are computed from `filter` rather than stored.
    public var isSmart: Bool { filter != nil }

    /// Public so that code reading the store (the UI and its tests) can make the values it expects.
    public init(id: Int64, name: String, trackIDs: [Int64], filter: String? = nil) {
        self.id = id
        self.name = name
        self.trackIDs = trackIDs
        self.filter = filter
    }
}

extension LibraryStore {
    /// Creates or replaces the ordinary playlist `name` with `trackIDs`, in order.
    ///
    /// Saving tracks under a smart playlist's name makes it an ordinary list (its filter is cleared):
    /// a list holds either stored tracks or a filter, never both, so there is no question which one wins.
    @discardableResult
    public func savePlaylist(name: String, trackIDs: [Int64]) throws -> Int64 {
        let now = Self.nowMilliseconds()
        return try writePlaylists { db in
            let id = try Self.upsertPlaylist(db, name: name, filter: nil, now: now)
            try db.execute(sql: "DELETE FROM playlist_items WHERE playlist_id = ?", arguments: [id])
            try Self.insertItems(db, playlistID: id, trackIDs: trackIDs)
            return id
        }
    }

    /// Creates the smart playlist `name` defined by `filter`, or changes the filter if it exists.
    ///
    /// Only the expression is stored; an ordinary list of that name loses its stored tracks (see
    /// `savePlaylist`). The store does not check the expression: the filter language belongs to the app,
    /// which validates it before saving.
    /// - Throws: `LibraryError.invalidValue` for an empty name.
    @discardableResult
    public func createSmartPlaylist(name: String, filter: String) throws -> Int64 {
        try Self.requireName(name, doing: "cannot create a smart playlist")
        let now = Self.nowMilliseconds()
        return try writePlaylists { db in
            let id = try Self.upsertPlaylist(db, name: name, filter: filter, now: now)
            try db.execute(sql: "DELETE FROM playlist_items WHERE playlist_id = ?", arguments: [id])
            return id
        }
    }

    /// Gives the playlist `old` the name `new`, keeping its id, tracks or filter, and creation date.
    ///
    /// Refuses rather than overwrites: renaming onto an existing name would silently destroy that list.
    /// Renaming a playlist to its own name changes nothing.
    /// - Throws: `LibraryError.invalidValue` naming both playlists when `old` does not exist or `new` does.
    public func renamePlaylist(from old: String, to new: String) throws {
        let doing = "cannot rename the playlist \(Self.quoted(old)) to \(Self.quoted(new))"
        try Self.requireName(new, doing: doing)
        let now = Self.nowMilliseconds()
        try writePlaylists { db in
            let id = try Self.existingPlaylist(db, named: old, doing: doing)
            guard old != new else { return }
            try Self.requireFree(db, name: new, doing: doing)
            try db.execute(sql: "UPDATE playlists SET name = ?, updated_at = ? WHERE id = ?", arguments: [new, now, id])
        }
    }

    /// Copies the playlist `name` (its tracks in order, or its filter) to a new playlist `copy`.
    ///
    /// The usual way to start a variant of a list without touching the original.
    /// - Returns: The new playlist's id.
    /// - Throws: `LibraryError.invalidValue` naming both when `name` does not exist or `copy` does.
    @discardableResult
    public func duplicatePlaylist(name: String, as copy: String) throws -> Int64 {
        let doing = "cannot duplicate the playlist \(Self.quoted(name)) as \(Self.quoted(copy))"
        try Self.requireName(copy, doing: doing)
        let now = Self.nowMilliseconds()
        return try writePlaylists { db in
            let source = try Self.existingPlaylist(db, named: name, doing: doing)
            try Self.requireFree(db, name: copy, doing: doing)
            try db.execute(sql: """
                INSERT INTO playlists (name, filter, created_at, updated_at) SELECT ?, filter, ?, ? FROM playlists WHERE id = ?
                """, arguments: [copy, now, now, source])
            let id = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO playlist_items (playlist_id, position, track_id)
                SELECT ?, position, track_id FROM playlist_items WHERE playlist_id = ?
                """, arguments: [id, source])
            return id
        }
    }

    /// Deletes the playlist `name` and its items (`ON DELETE CASCADE`); the tracks stay in the library.
    /// Deleting a playlist that does not exist changes nothing.
    public func deletePlaylist(name: String) throws {
        try writePlaylists { db in try db.execute(sql: "DELETE FROM playlists WHERE name = ?", arguments: [name]) }
    }

    /// Every playlist with its tracks in order (none for smart ones) and its filter, by name.
    public func playlists() throws -> [Playlist] {
        try pool.read { db in
            // Two statements for all lists, not one per list: the UI reads them at every start.
            var items: [Int64: [Int64]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT playlist_id, track_id FROM playlist_items ORDER BY playlist_id, position")
            while let row = try rows.next() {
                items[row[0], default: []].append(row[1])
            }
            return try Row.fetchAll(db, sql: "SELECT id, name, filter FROM playlists ORDER BY name").map { row in
                let id: Int64 = row[0]
                return Playlist(id: id, name: row[1], trackIDs: items[id] ?? [], filter: row[2])
            }
        }
    }

    // MARK: - Helpers

    /// Runs a playlist write; SQLite's failures become `LibraryError.cannotWrite` naming the file, and the
    /// refusals above pass through unchanged (the transaction is rolled back either way).
    private func writePlaylists<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as LibraryError {
            throw error
        } catch {
            throw LibraryError.cannotWrite(path: path, reason: LibraryError.describe(error))
        }
    }

    /// Inserts `name` or updates its filter; returns its id (unchanged for an existing list).
    private static func upsertPlaylist(_ db: Database, name: String, filter: String?, now: Int64) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO playlists (name, filter, created_at, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET filter = excluded.filter, updated_at = excluded.updated_at
            """, arguments: [name, filter, now, now])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM playlists WHERE name = ?", arguments: [name]) else {
            throw LibraryError.invalidValue("playlist \(quoted(name)) vanished while saving")
        }
        return id
    }

    private static func insertItems(_ db: Database, playlistID: Int64, trackIDs: [Int64]) throws {
        let insert = try RawStatement(db, sql: "INSERT INTO playlist_items (playlist_id, position, track_id) VALUES (?, ?, ?)")
        for (position, track) in trackIDs.enumerated() {
            insert.bind(playlistID, at: 1)
            insert.bind(position, at: 2)
            insert.bind(track, at: 3)
            try insert.execute()
        }
    }

    private static func existingPlaylist(_ db: Database, named name: String, doing: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM playlists WHERE name = ?", arguments: [name]) else {
            throw LibraryError.invalidValue("\(doing): there is no playlist \(quoted(name))")
        }
        return id
    }

    private static func requireFree(_ db: Database, name: String, doing: String) throws {
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM playlists WHERE name = ?)", arguments: [name]) ?? false {
            throw LibraryError.invalidValue("\(doing): a playlist \(quoted(name)) already exists")
        }
    }

    /// A name of only spaces could not be typed back at the `:` line to select the list.
    private static func requireName(_ name: String, doing: String) throws {
        if name.allSatisfy(\.isWhitespace) {
            throw LibraryError.invalidValue("\(doing): a playlist needs a name")
        }
    }

    /// The name in double quotes, line breaks shown as `\n`, so a message stays one line whatever the name holds.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
