import Foundation
import HumTestSupport
import MusicCore
import MusicLibrary
import Testing

/// Adds one track per tag set (paths /music/0.flac, /music/1.flac…) and returns their ids in order.
func addTracks(_ store: LibraryStore, _ tags: [TrackTags], pathPrefix: String = "/music/") throws -> [Int64] {
    var movable = Set<Int64>()
    let files = tags.enumerated().map { index, tags in
        (TrackFile(path: "\(pathPrefix)\(index).flac", size: Int64(index + 1), mtimeNs: 1),
         TrackMetadata(contentKey: "\(pathPrefix)\(index)", codec: .flac, formatName: "FLAC", duration: 180, durationExact: true,
                       sampleRate: 44100, channels: 2, bitrateKbps: 900, tags: tags))
    }
    return try store.saveScannedFiles(files, movable: &movable).map { outcome in
        guard case .added(let id) = outcome else { throw LibraryError.invalidValue("not added: \(outcome)") }
        return id
    }
}

/// Runs SQL on the file with the sqlite3 tool (what the store does not expose); returns its output.
func sqlite(_ path: String, _ sql: String) throws -> String {
    let result = try ChildProcess.run("sqlite3", [path, sql])
    guard result.succeeded else { throw LibraryError.invalidValue("sqlite3: \(result.stderr)") }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite("Playlists and smart playlists in the store; FTS matching for filters")
struct PlaylistStoreTests {
    @Test("A smart playlist keeps its filter (no stored tracks) across reopening; ordinary lists have none")
    func smartRoundTrip() throws {
        let (store, folder) = try scratchStore("smart-playlists")
        let ids = try addTracks(store, [TrackTags(title: "One", artists: ["A"]), TrackTags(title: "Two", artists: ["B"])])
        let filter = #"artist:"Björk" year>=1995 !genre:live"#
        let smartID = try store.createSmartPlaylist(name: "Björk since '95", filter: filter)
        try store.savePlaylist(name: "Mix", trackIDs: [ids[1], ids[0]])
        try store.close()

        let reopened = try LibraryStore(path: folder + "/hum.sqlite")
        let lists = try reopened.playlists()
        #expect(lists.map(\.name) == ["Björk since '95", "Mix"])
        #expect(lists[0] == Playlist(id: smartID, name: "Björk since '95", trackIDs: [], filter: filter))
        #expect(lists[0].isSmart)
        #expect(lists[1].filter == nil && !lists[1].isSmart)
        #expect(lists[1].trackIDs == [ids[1], ids[0]])

        // Saving the definition again changes the filter of the same list.
        #expect(try reopened.createSmartPlaylist(name: "Björk since '95", filter: "year>=2000") == smartID)
        #expect(try reopened.playlists()[0].filter == "year>=2000")
        // An empty filter is a filter (everything), not an ordinary list.
        try reopened.createSmartPlaylist(name: "Everything", filter: "")
        #expect(try reopened.playlists().first { $0.name == "Everything" }?.filter == "")
        // Tracks saved under a smart list's name make it an ordinary list; a filter saved over an ordinary
        // list drops its stored tracks.
        try reopened.savePlaylist(name: "Björk since '95", trackIDs: [ids[0]])
        #expect(try reopened.playlists()[0] == Playlist(id: smartID, name: "Björk since '95", trackIDs: [ids[0]], filter: nil))
        try reopened.createSmartPlaylist(name: "Mix", filter: "artist:B")
        let mix = try #require(try reopened.playlists().first { $0.name == "Mix" })
        #expect(mix.trackIDs.isEmpty && mix.filter == "artist:B")
        #expect(try sqlite(reopened.path, "SELECT COUNT(*) FROM playlist_items i JOIN playlists p ON p.id = i.playlist_id WHERE p.name = 'Mix'") == "0")

        #expect(throws: LibraryError.self) { try reopened.createSmartPlaylist(name: "  ", filter: "x") }
    }

    @Test("Renaming keeps the list's id, tracks and filter; a clash or a missing list is refused, naming both")
    func rename() throws {
        let (store, _) = try scratchStore("rename-playlists")
        let ids = try addTracks(store, [TrackTags(title: "One"), TrackTags(title: "Two")])
        let mixID = try store.savePlaylist(name: "Mix", trackIDs: [ids[1], ids[0]])
        let smartID = try store.createSmartPlaylist(name: "Loud", filter: "genre:metal")
        try store.savePlaylist(name: "Other", trackIDs: [ids[0]])

        try store.renamePlaylist(from: "Mix", to: "Road trip")
        try store.renamePlaylist(from: "Loud", to: "Very loud")
        var lists = try store.playlists()
        #expect(lists.map(\.name) == ["Other", "Road trip", "Very loud"])
        #expect(lists[1] == Playlist(id: mixID, name: "Road trip", trackIDs: [ids[1], ids[0]], filter: nil))
        #expect(lists[2] == Playlist(id: smartID, name: "Very loud", trackIDs: [], filter: "genre:metal"))

        let clash = #expect(throws: LibraryError.self) { try store.renamePlaylist(from: "Road trip", to: "Other") }
        #expect(clash == .invalidValue(#"cannot rename the playlist "Road trip" to "Other": a playlist "Other" already exists"#))
        let missing = #expect(throws: LibraryError.self) { try store.renamePlaylist(from: "Nope", to: "Whatever") }
        #expect(missing == .invalidValue(#"cannot rename the playlist "Nope" to "Whatever": there is no playlist "Nope""#))
        let empty = #expect(throws: LibraryError.self) { try store.renamePlaylist(from: "Other", to: "") }
        #expect("\(empty.map { "\($0)" } ?? "")".contains(#""Other""#))
        // A name with a line break still makes a one-line message.
        let multiline = #expect(throws: LibraryError.self) { try store.renamePlaylist(from: "a\nb", to: "c") }
        #expect(!"\(multiline.map { "\($0)" } ?? "\n")".contains("\n"))
        lists = try store.playlists()
        #expect(lists.map(\.name) == ["Other", "Road trip", "Very loud"], "a refused rename changes nothing")
        #expect(lists[0].trackIDs == [ids[0]] && lists[1].trackIDs == [ids[1], ids[0]])

        try store.renamePlaylist(from: "Other", to: "Other")
        #expect(try store.playlists().map(\.name) == ["Other", "Road trip", "Very loud"], "renaming to the same name changes nothing")
    }

    @Test("Duplicating copies the tracks in order (or the filter) to a new list; the original is untouched")
    func duplicate() throws {
        let (store, _) = try scratchStore("duplicate-playlists")
        let ids = try addTracks(store, [TrackTags(title: "One"), TrackTags(title: "Two"), TrackTags(title: "Three")])
        let originalID = try store.savePlaylist(name: "Mix", trackIDs: [ids[2], ids[0], ids[2], ids[1]])
        try store.createSmartPlaylist(name: "Smart", filter: "year<1980")

        let copyID = try store.duplicatePlaylist(name: "Mix", as: "Mix (copy)")
        #expect(copyID != originalID)
        try store.duplicatePlaylist(name: "Smart", as: "Smart 2")
        var lists = try store.playlists()
        #expect(lists.map(\.name) == ["Mix", "Mix (copy)", "Smart", "Smart 2"])
        #expect(lists[1] == Playlist(id: copyID, name: "Mix (copy)", trackIDs: [ids[2], ids[0], ids[2], ids[1]], filter: nil))
        #expect(lists[3].filter == "year<1980" && lists[3].trackIDs.isEmpty)

        // The copy is independent of the original.
        try store.savePlaylist(name: "Mix (copy)", trackIDs: [ids[1]])
        lists = try store.playlists()
        #expect(lists[0].trackIDs == [ids[2], ids[0], ids[2], ids[1]])
        #expect(lists[1].trackIDs == [ids[1]])

        let clash = #expect(throws: LibraryError.self) { try store.duplicatePlaylist(name: "Mix", as: "Smart") }
        #expect(clash == .invalidValue(#"cannot duplicate the playlist "Mix" as "Smart": a playlist "Smart" already exists"#))
        let missing = #expect(throws: LibraryError.self) { try store.duplicatePlaylist(name: "Gone", as: "New") }
        #expect(missing == .invalidValue(#"cannot duplicate the playlist "Gone" as "New": there is no playlist "Gone""#))
        #expect(try store.playlists().count == 4)
    }

    @Test("Deleting a playlist deletes its items (and only its), never the tracks")
    func deleteCascades() throws {
        let (store, _) = try scratchStore("delete-playlists")
        let ids = try addTracks(store, [TrackTags(title: "One"), TrackTags(title: "Two")])
        let mixID = try store.savePlaylist(name: "Mix", trackIDs: [ids[0], ids[1], ids[0]])
        try store.savePlaylist(name: "Keep", trackIDs: [ids[1]])
        #expect(try sqlite(store.path, "SELECT COUNT(*) FROM playlist_items WHERE playlist_id = \(mixID)") == "3")

        try store.deletePlaylist(name: "Mix")
        #expect(try store.playlists().map(\.name) == ["Keep"])
        #expect(try sqlite(store.path, "SELECT COUNT(*) FROM playlist_items WHERE playlist_id = \(mixID)") == "0")
        #expect(try sqlite(store.path, "SELECT COUNT(*) FROM playlist_items") == "1")
        #expect(try store.trackCount() == 2)
        try store.deletePlaylist(name: "Mix")  // already gone: nothing happens
        #expect(try store.integrityCheck() == "ok")
    }

    @Test("A v3 library's playlists upgrade to ordinary lists (filter nil) with their tracks")
    func upgradeFromV3() throws {
        let folder = Fixtures.scratchDirectory("migrate-v4-playlists")
        let path = folder + "/old.sqlite"
        try LibraryStore.createDatabase(at: path, upTo: "v3-search-in-bulk")
        _ = try sqlite(path, """
            INSERT INTO tracks (id, path, size, mtime_ns, content_key, format, added_at, updated_at) VALUES (7, '/m/a.flac', 1, 1, 'k', 'flac', 1, 1);
            INSERT INTO playlists (id, name, created_at, updated_at) VALUES (3, 'Old', 1, 1);
            INSERT INTO playlist_items (playlist_id, position, track_id) VALUES (3, 0, 7), (3, 1, 7);
            """)
        let store = try LibraryStore(path: path)
        #expect(try store.schemaVersion() == LibraryStore.migrationIdentifiers.last)
        #expect(try store.playlists() == [Playlist(id: 3, name: "Old", trackIDs: [7, 7], filter: nil)])
        #expect(try store.integrityCheck() == "ok")
    }

    // MARK: - matchingTrackIDs

    /// Björk's tracks, a title that mentions her, an unrelated track, and one of hers whose file is gone.
    func searchLibrary(_ label: String) throws -> (store: LibraryStore, ids: [Int64]) {
        let (store, _) = try scratchStore(label)
        let ids = try addTracks(store, [
            TrackTags(title: "Jóga", artists: ["Björk"], album: "Homogenic", genres: ["Electronic"]),
            TrackTags(title: "Songs for Bjork", artists: ["Someone Else"], album: "Tributes", genres: ["Folk"]),
            TrackTags(title: "Hoppípolla", artists: ["Sigur Rós"], album: "Takk…", genres: ["Post-rock"]),
            TrackTags(title: "Army of Me", artists: ["Björk"], album: "Post", genres: ["Electronic", "Rock"]),
            TrackTags(title: "Gone", artists: ["Björk"], album: "Debut"),
            // Decomposed accents (as macOS file names and some taggers write them) fold the same way.
            TrackTags(title: "Isobel", artists: ["Bjo\u{308}rk"], album: "Post"),
        ])
        try store.markRemoved(trackIDs: [ids[4]])
        return (store, ids)
    }

    @Test("matchingTrackIDs folds case and accents, leaves out removed tracks, and lists every match in id order")
    func matchingAccents() throws {
        let (store, ids) = try searchLibrary("match-accents")
        #expect(try store.matchingTrackIDs(pattern: #""bjork"*"#) == [ids[0], ids[1], ids[3], ids[5]])
        #expect(try store.matchingTrackIDs(pattern: #""BJÖRK""#) == [ids[0], ids[1], ids[3], ids[5]])
        #expect(try store.matchingTrackIDs(pattern: #""ros"*"#) == [ids[2]])
        #expect(try store.matchingTrackIDs(pattern: #""hoppipolla""#) == [ids[2]])
        #expect(try store.matchingTrackIDs(pattern: #""bjork"* NOT "army""#) == [ids[0], ids[1], ids[5]])
        #expect(try store.matchingTrackIDs(pattern: #""jog"* OR "takk"*"#) == [ids[0], ids[2]])
        #expect(try store.matchingTrackIDs(pattern: #""nothing"*"#) == [])
    }

    @Test("matchingTrackIDs takes FTS5 column filters as given")
    func matchingColumns() throws {
        let (store, ids) = try searchLibrary("match-columns")
        #expect(try store.matchingTrackIDs(pattern: #"artist : "bjork"*"#) == [ids[0], ids[3], ids[5]])
        #expect(try store.matchingTrackIDs(pattern: #"title : "bjork"*"#) == [ids[1]])
        #expect(try store.matchingTrackIDs(pattern: #"genre : "electronic""#) == [ids[0], ids[3]])
        #expect(try store.matchingTrackIDs(pattern: #"{artist album} : "post"*"#) == [ids[3], ids[5]])
        #expect(try store.matchingTrackIDs(pattern: #"artist : "bjork"* AND album : "post""#) == [ids[3], ids[5]])
    }

    @Test("A malformed pattern is a LibraryError with one line naming it, not a crash", arguments: [
        #""unbalanced"#, #"nosuchcolumn : "x""#, "AND", "\"a\" OR", "", "(\"a\"\n", "artist : ",
    ])
    func malformedPattern(_ pattern: String) throws {
        let (store, _) = try searchLibrary("match-malformed")
        let error = #expect(throws: LibraryError.self) { try store.matchingTrackIDs(pattern: pattern) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.hasPrefix("not a valid search pattern"), "\(message)")
        #expect(!message.contains("\n"), "\(message)")
        // The store still answers afterwards.
        #expect(try store.matchingTrackIDs(pattern: #""bjork"*"#).count == 4)
    }
}

@Suite("Export of playlists")
struct PlaylistExportTests {
    @Test("A smart playlist is exported with its filter; an ordinary one with its files, in order")
    func smartPlaylistsExported() throws {
        let (store, folder) = try scratchStore("export-smart")
        let ids = try addTracks(store, [TrackTags(title: "One", artists: ["A"]), TrackTags(title: "Two", artists: ["B"])])
        try store.createSmartPlaylist(name: "Jazz \"live\"", filter: "genre:jazz -year:<1990")
        try store.savePlaylist(name: "Mix", trackIDs: [ids[1], ids[0]])
        for format in ExportFormat.allCases {
            let out = folder + "/export-\(format.rawValue)"
            let summary = try LibraryExport.write(store: store, format: format, to: out)
            #expect(summary.files.contains(out + "/smart_playlists.\(format.rawValue)"))
            let smart = try String(contentsOfFile: out + "/smart_playlists.\(format.rawValue)", encoding: .utf8)
            let plain = try String(contentsOfFile: out + "/playlists.\(format.rawValue)", encoding: .utf8)
            switch format {
            case .jsonl:
                #expect(smart == #"{"filter":"genre:jazz -year:<1990","playlist":"Jazz \"live\""}"# + "\n")
                #expect(plain.split(separator: "\n").count == 2 && !plain.contains("Jazz"))
            case .csv:
                #expect(smart == "playlist,filter\n\"Jazz \"\"live\"\"\",genre:jazz -year:<1990\n")
            }
        }
    }
}
