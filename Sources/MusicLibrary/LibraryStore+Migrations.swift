import GRDB

/// The schema, one migration per released version. Never edit a migration once it has shipped: add one.
/// Migrations use plain SQL names (not the record types) so that they keep meaning what they meant.
extension LibraryStore {
    /// Every migration, oldest first, as registered. `LibraryTests` builds a database at each of them and
    /// upgrades it. (A hand-kept list here once stopped at v6 and the v6 → v7 upgrade went untested.)
    public static var migrationIdentifiers: [String] { migrator.migrations }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-library", migrate: createLibrary)
        migrator.registerMigration("v2-search", migrate: createSearch)
        migrator.registerMigration("v3-search-in-bulk", migrate: indexSearchInBulk)
        migrator.registerMigration("v4-smart-playlists", migrate: addSmartPlaylists)
        migrator.registerMigration("v5-taste", migrate: addTaste)
        migrator.registerMigration("v6-sync", migrate: addSync)
        migrator.registerMigration("v7-shared-priors", migrate: addSharedPriors)
        migrator.registerMigration("v8-search-first-letters", migrate: indexFirstLetters)
        migrator.registerMigration("v9-search-after-imports", migrate: indexSearchAfterImports)
        migrator.registerMigration("v10-search-album-artists", migrate: indexAlbumArtists)
        return migrator
    }

    /// Builds a database that stops at `identifier` (for migration tests).
    public static func createDatabase(at path: String, upTo identifier: String) throws {
        let queue = try DatabaseQueue(path: path)
        try migrator.migrate(queue, upTo: identifier)
        try queue.close()
    }

    /// v1: tracks, playlists, the listening log, derived stats, settings and the features table.
    private static func createLibrary(_ db: Database) throws {
        try db.execute(sql: """
            -- One row per file hum has known. A deleted file keeps its row (removed_at set) so its history
            -- stays attached; a file with the same content key found later brings the row back.
            CREATE TABLE tracks (
                id INTEGER PRIMARY KEY,
                path TEXT NOT NULL,            -- UTF-8; names that are not UTF-8 are shown escaped (\\xNN)
                raw_path BLOB,                 -- the exact bytes of a name that is not UTF-8
                size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                content_key TEXT NOT NULL,     -- size + hash of the first and last 64 KiB
                format TEXT NOT NULL,          -- mpeg, flac, vorbis, opus, wav, aiff
                format_name TEXT,
                duration REAL,                 -- seconds
                duration_exact INTEGER NOT NULL DEFAULT 0,
                sample_rate INTEGER,
                channels INTEGER,
                bitrate INTEGER,               -- kbit/s
                title TEXT,
                artist TEXT,                   -- every artist, joined for display
                artists TEXT NOT NULL DEFAULT '[]', -- JSON array, in credit order
                album_artist TEXT,
                album TEXT,
                disc_number INTEGER,
                disc_total INTEGER,
                track_number INTEGER,
                track_total INTEGER,
                date TEXT,
                year INTEGER,
                genre TEXT,                    -- every genre, joined with "; "
                mb_recording_id TEXT,
                mb_release_track_id TEXT,
                mb_release_id TEXT,
                mb_release_group_id TEXT,
                mb_artist_ids TEXT NOT NULL DEFAULT '[]',
                mb_album_artist_ids TEXT NOT NULL DEFAULT '[]',
                rg_track_gain REAL,
                rg_track_peak REAL,
                rg_album_gain REAL,
                rg_album_peak REAL,
                tag_warning TEXT,
                added_at INTEGER NOT NULL,     -- unix milliseconds
                updated_at INTEGER NOT NULL,
                removed_at INTEGER
            );
            CREATE UNIQUE INDEX tracks_present_path ON tracks(path) WHERE removed_at IS NULL;
            CREATE INDEX tracks_content_key ON tracks(content_key);
            CREATE INDEX tracks_mb_recording ON tracks(mb_recording_id) WHERE mb_recording_id IS NOT NULL;
            CREATE INDEX tracks_album ON tracks(album_artist, album);

            CREATE TABLE track_artists (
                track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                name TEXT NOT NULL,
                PRIMARY KEY (track_id, position)
            ) WITHOUT ROWID;
            CREATE INDEX track_artists_name ON track_artists(name);

            CREATE VIEW albums AS
                SELECT COALESCE(album_artist, artist) AS artist, album, COUNT(*) AS tracks,
                       SUM(duration) AS duration, MIN(year) AS year, MIN(id) AS first_track_id
                FROM tracks WHERE removed_at IS NULL AND album IS NOT NULL
                GROUP BY COALESCE(album_artist, artist), album;
            CREATE VIEW artists AS
                SELECT a.name AS name, COUNT(DISTINCT a.track_id) AS tracks
                FROM track_artists a JOIN tracks t ON t.id = a.track_id
                WHERE t.removed_at IS NULL GROUP BY a.name;

            -- Files that could not be read, so an unchanged bad file is not opened again on every scan.
            CREATE TABLE scan_failures (
                path TEXT PRIMARY KEY,
                size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                reason TEXT NOT NULL
            );
            CREATE TABLE scan_folders (
                path TEXT PRIMARY KEY,
                added_at INTEGER NOT NULL
            );

            CREATE TABLE playlists (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE playlist_items (
                playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                track_id INTEGER NOT NULL REFERENCES tracks(id),
                PRIMARY KEY (playlist_id, position)
            ) WITHOUT ROWID;

            -- One row per listen: written when the track starts, completed when it ends.
            CREATE TABLE listens (
                id INTEGER PRIMARY KEY,
                track_id INTEGER NOT NULL REFERENCES tracks(id),
                started_at INTEGER NOT NULL,   -- unix milliseconds
                ended_at INTEGER,
                utc_offset_minutes INTEGER NOT NULL,
                local_hour INTEGER NOT NULL,   -- 0–23, local time
                weekday INTEGER NOT NULL,      -- 1 Monday … 7 Sunday, local time
                duration REAL,
                position_reached REAL NOT NULL DEFAULT 0,
                seconds_heard REAL NOT NULL DEFAULT 0,
                end_reason TEXT,               -- completed, skipped, stopped, failed, interrupted, imported; NULL while playing
                outcome TEXT,                  -- play, skip, early_skip, partial
                source TEXT NOT NULL,          -- album, playlist, queue, shuffle, smart_shuffle, radio, imported
                source_name TEXT,
                previous_track_id INTEGER,
                session_id TEXT NOT NULL
            );
            CREATE INDEX listens_track ON listens(track_id);
            CREATE INDEX listens_started ON listens(started_at);

            -- Everything else the listener does: seek, pause, resume, like, unlike, dislike, queue and
            -- playlist edits.
            CREATE TABLE listening_events (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                track_id INTEGER REFERENCES tracks(id),
                session_id TEXT,
                position REAL,
                detail TEXT
            );
            CREATE INDEX listening_events_track ON listening_events(track_id);
            CREATE INDEX listening_events_at ON listening_events(at);

            -- Like (1) or dislike, "never play this" (-1): the listener's standing opinion of a track.
            CREATE TABLE track_opinions (
                track_id INTEGER PRIMARY KEY REFERENCES tracks(id),
                opinion INTEGER NOT NULL CHECK (opinion IN (-1, 1)),
                at INTEGER NOT NULL
            );

            -- Derived from listens (see ListenRules); rebuilt for the tracks a write or a forget touches.
            CREATE TABLE track_stats (
                track_id INTEGER PRIMARY KEY REFERENCES tracks(id),
                listens INTEGER NOT NULL,
                plays INTEGER NOT NULL,
                skips INTEGER NOT NULL,
                early_skips INTEGER NOT NULL,
                completion_ratio REAL,         -- mean share of the track heard
                last_played_at INTEGER
            );
            CREATE VIEW artist_stats AS
                SELECT COALESCE(t.album_artist, t.artist) AS artist, SUM(s.listens) AS listens, SUM(s.plays) AS plays,
                       SUM(s.skips) AS skips, SUM(s.early_skips) AS early_skips, AVG(s.completion_ratio) AS completion_ratio,
                       MAX(s.last_played_at) AS last_played_at
                FROM track_stats s JOIN tracks t ON t.id = s.track_id GROUP BY COALESCE(t.album_artist, t.artist);
            CREATE VIEW album_stats AS
                SELECT COALESCE(t.album_artist, t.artist) AS artist, t.album AS album, SUM(s.listens) AS listens,
                       SUM(s.plays) AS plays, SUM(s.skips) AS skips, SUM(s.early_skips) AS early_skips,
                       AVG(s.completion_ratio) AS completion_ratio, MAX(s.last_played_at) AS last_played_at
                FROM track_stats s JOIN tracks t ON t.id = s.track_id WHERE t.album IS NOT NULL
                GROUP BY COALESCE(t.album_artist, t.artist), t.album;

            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            );

            -- Filled by the recommender's audio analysis (a later version); empty until then.
            CREATE TABLE track_features (
                track_id INTEGER PRIMARY KEY REFERENCES tracks(id),
                analyzer_version INTEGER NOT NULL,
                features BLOB NOT NULL,
                analyzed_at INTEGER NOT NULL
            );
            """)
    }

    /// v2: full-text search over title, artist, album and genre, folding case and accents ("cafe" finds
    /// "Café"), kept in step with `tracks` by triggers.
    private static func createSearch(_ db: Database) throws {
        try db.create(virtualTable: "track_search", using: FTS5()) { t in
            t.synchronize(withTable: "tracks")
            t.tokenizer = .unicode61(diacritics: .remove)
            t.column("title")
            t.column("artist")
            t.column("album")
            t.column("genre")
        }
    }

    /// v3: a scan indexes the tracks it adds once per batch instead of once per row.
    ///
    /// FTS5 flushes its pending terms to a new segment at every statement savepoint, so the per-row
    /// insert trigger made each added track a segment of its own (17 µs a track, a third of a scan's
    /// writes); one `INSERT … SELECT` per batch costs 1–2 µs a track. While `search_deferred` holds a
    /// row (only ever inside the scanner's own transaction) inserted tracks are not indexed by the
    /// trigger; the scanner indexes them before it clears the row. Updates re-index a track only when
    /// a searched column is written (marking a track removed no longer touches the index). Removed tracks
    /// get a (usually empty) index: each batch asks whether any exist, which scanned the table before.
    private static func indexSearchInBulk(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX tracks_removed ON tracks(removed_at) WHERE removed_at IS NOT NULL;
            CREATE TABLE search_deferred (since_track_id INTEGER NOT NULL);
            DROP TRIGGER "__track_search_ai";
            CREATE TRIGGER "__track_search_ai" AFTER INSERT ON "tracks"
            WHEN NOT EXISTS (SELECT 1 FROM search_deferred) BEGIN
                INSERT INTO "track_search"("rowid", "title", "artist", "album", "genre")
                VALUES (new."id", new."title", new."artist", new."album", new."genre");
            END;
            DROP TRIGGER "__track_search_au";
            CREATE TRIGGER "__track_search_au" AFTER UPDATE OF "title", "artist", "album", "genre" ON "tracks" BEGIN
                INSERT INTO "track_search"("track_search", "rowid", "title", "artist", "album", "genre")
                VALUES ('delete', old."id", old."title", old."artist", old."album", old."genre");
                INSERT INTO "track_search"("rowid", "title", "artist", "album", "genre")
                VALUES (new."id", new."title", new."artist", new."album", new."genre");
            END;
            """)
    }

    /// v4: smart playlists. A smart playlist is a name and a filter expression (the app's filter language,
    /// stored as the listener typed it); its tracks are computed by the app whenever it is shown, so it has
    /// no `playlist_items` and never goes stale as the library changes. NULL for an ordinary list.
    /// `ALTER TABLE … ADD COLUMN` keeps every existing playlist (as an ordinary one) without copying the table.
    private static func addSmartPlaylists(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE playlists ADD COLUMN filter TEXT")
    }

    /// v5: the taste model and the picks it made. The model is one JSON document (its own version inside:
    /// an older one is relearned from the listening log, which it is derived from). Each smart or radio
    /// pick is kept with its reasons, so the history says why each track was chosen.
    private static func addTaste(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE taste_model (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL,
                state BLOB NOT NULL,           -- JSON: TasteState
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE picks (
                id INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,           -- unix milliseconds
                track_id INTEGER NOT NULL REFERENCES tracks(id),
                mode TEXT NOT NULL,            -- smart, shuffle, radio
                score REAL NOT NULL,
                reasons TEXT NOT NULL          -- JSON array of {feature, contribution, text}
            );
            CREATE INDEX picks_track ON picks(track_id);
            CREATE INDEX picks_at ON picks(at);
            """)
    }

    /// v6: opt-in sync — the client's state (on/off, server, privacy ledger, delete secret) and the outbox
    /// of every report made, with the exact bytes sent or to be sent.
    private static func addSync(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sync_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                state BLOB NOT NULL            -- JSON: SyncClientState
            );
            CREATE TABLE sync_outbox (
                id INTEGER PRIMARY KEY,
                made_at INTEGER NOT NULL,      -- unix seconds
                channel TEXT NOT NULL,
                day TEXT NOT NULL,             -- the report's day, YYYY-MM-DD
                body BLOB NOT NULL,            -- the exact bytes
                due_at INTEGER NOT NULL,       -- when to send (a random time in the day), or retry
                attempts INTEGER NOT NULL DEFAULT 0,
                sent_at INTEGER,               -- set once the server answered
                status INTEGER                 -- the server's answer (202 stored, 409 already had it…)
            );
            CREATE INDEX sync_outbox_due ON sync_outbox(due_at) WHERE sent_at IS NULL;
            """)
    }

    /// The latest priors document fetched from the sync server (other listeners' rates, not this one's).
    private static func addSharedPriors(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE sync_priors (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL,
                document BLOB NOT NULL,        -- the signed canonical bytes (PriorsDocument JSON), verified
                fetched_at INTEGER NOT NULL    -- unix seconds
            );
            """)
    }

    /// v8: the search index also keeps every word's first letter (FTS5 `prefix='1'`). The live filter's
    /// first keystroke is a one-letter prefix, which without it merges the lists of every word starting
    /// with that letter: "s"* over 100,000 tracks (58,000 matches) took 29 ms, with it 4 ms. It costs
    /// 2.9 MiB of index and under 1 µs per track added. The table is rebuilt from `tracks` (its content);
    /// the triggers on `tracks` name it and stay as they are.
    private static func indexFirstLetters(_ db: Database) throws {
        try db.execute(sql: """
            DROP TABLE track_search;
            CREATE VIRTUAL TABLE track_search USING fts5(title, artist, album, genre,
                tokenize='unicode61 remove_diacritics 2', content='tracks', content_rowid='id', prefix='1');
            INSERT INTO track_search(track_search) VALUES ('rebuild');
            """)
    }

    /// v9: an import of many files indexes its tracks for search once, at its end (see
    /// `LibraryStore.deferSearchIndex`), not once per batch. Until then the tracks above a
    /// `search_deferred` row's `since_track_id` are not in the index, and an update or a delete of one
    /// must not ask the index to drop the terms it never took: FTS5 would take out other tracks' entries
    /// (an external-content index trusts the 'delete' it is given).
    private static func indexSearchAfterImports(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER "__track_search_au";
            CREATE TRIGGER "__track_search_au" AFTER UPDATE OF "title", "artist", "album", "genre" ON "tracks"
            WHEN NOT EXISTS (SELECT 1 FROM search_deferred WHERE old."id" > since_track_id) BEGIN
                INSERT INTO "track_search"("track_search", "rowid", "title", "artist", "album", "genre")
                VALUES ('delete', old."id", old."title", old."artist", old."album", old."genre");
                INSERT INTO "track_search"("rowid", "title", "artist", "album", "genre")
                VALUES (new."id", new."title", new."artist", new."album", new."genre");
            END;
            DROP TRIGGER "__track_search_ad";
            CREATE TRIGGER "__track_search_ad" AFTER DELETE ON "tracks"
            WHEN NOT EXISTS (SELECT 1 FROM search_deferred WHERE old."id" > since_track_id) BEGIN
                INSERT INTO "track_search"("track_search", "rowid", "title", "artist", "album", "genre")
                VALUES ('delete', old."id", old."title", old."artist", old."album", old."genre");
            END;
            """)
    }

    /// v10: the search index holds the album artist too, so a word finds a compilation's tracks by it
    /// ("various" finds every "Various Artists" album) and `artist:` finds both, as the filter's own
    /// reading of a row always did (`FilterExpression.matches`): what `F` shows and what `:mark` or a
    /// smart playlist keeps are the same tracks. The table is rebuilt from `tracks` (`album_artist` is
    /// NULL where the tag is absent, so such a track is indexed as before), and so are the triggers,
    /// which name the columns. Everything is in the index after a rebuild: nothing stays deferred.
    private static func indexAlbumArtists(_ db: Database) throws {
        let columns = #""title", "artist", "album_artist", "album", "genre""#
        let new = #"new."title", new."artist", new."album_artist", new."album", new."genre""#
        let old = #"old."title", old."artist", old."album_artist", old."album", old."genre""#
        try db.execute(sql: """
            DROP TABLE track_search;
            CREATE VIRTUAL TABLE track_search USING fts5(title, artist, album_artist, album, genre,
                tokenize='unicode61 remove_diacritics 2', content='tracks', content_rowid='id', prefix='1');
            INSERT INTO track_search(track_search) VALUES ('rebuild');
            DELETE FROM search_deferred;
            DROP TRIGGER "__track_search_ai";
            CREATE TRIGGER "__track_search_ai" AFTER INSERT ON "tracks"
            WHEN NOT EXISTS (SELECT 1 FROM search_deferred) BEGIN
                INSERT INTO "track_search"("rowid", \(columns)) VALUES (new."id", \(new));
            END;
            DROP TRIGGER "__track_search_au";
            CREATE TRIGGER "__track_search_au" AFTER UPDATE OF \(columns) ON "tracks"
            WHEN NOT EXISTS (SELECT 1 FROM search_deferred WHERE old."id" > since_track_id) BEGIN
                INSERT INTO "track_search"("track_search", "rowid", \(columns)) VALUES ('delete', old."id", \(old));
                INSERT INTO "track_search"("rowid", \(columns)) VALUES (new."id", \(new));
            END;
            DROP TRIGGER "__track_search_ad";
            CREATE TRIGGER "__track_search_ad" AFTER DELETE ON "tracks"
            WHEN NOT EXISTS (SELECT 1 FROM search_deferred WHERE old."id" > since_track_id) BEGIN
                INSERT INTO "track_search"("track_search", "rowid", \(columns)) VALUES ('delete', old."id", \(old));
            END;
            """)
    }
}
