import Foundation
import MusicCore
import MusicLibrary
import Testing

/// An import of more than a batch indexes its tracks for search once, at its end (`deferSearchIndex`,
/// `indexDeferredSearch`). These tests hold the search index to the tracks table around that: edits of
/// tracks the index has not taken yet, and an import killed before its end.
@Suite("Search indexing deferred to the end of an import")
struct SearchDeferralTests {
    /// FTS5's own check of its index (`sqlite` throws, naming SQLite's complaint, when it fails), and its
    /// row and token totals (bm25's averages) against those of an index rebuilt from the tracks: SQLite
    /// 3.40's check does not compare them, and a 'delete' of a track never indexed lowers them.
    static func checkSearchIndex(_ path: String) throws {
        _ = try sqlite(path, "INSERT INTO track_search(track_search) VALUES ('integrity-check');")
        let copy = path + ".rebuilt"
        try? FileManager.default.removeItem(atPath: copy)
        _ = try sqlite(path, ".backup '\(copy)'")
        let totals = "SELECT hex(block) FROM track_search_data WHERE id = 1;"
        let kept = try sqlite(copy, totals)
        let rebuilt = try sqlite(copy, "INSERT INTO track_search(track_search) VALUES ('rebuild'); " + totals)
        #expect(kept == rebuilt, "the index's totals \(kept) differ from a rebuilt index's \(rebuilt)")
    }

    @Test("Tracks added while the index is deferred are found once it is built; renaming and deleting tracks meanwhile leave it sound")
    func editsWhileDeferred() throws {
        let (store, folder) = try scratchStore("search-deferred")
        let path = folder + "/hum.sqlite"
        let early = try addTracks(store, [TrackTags(title: "Early bird", artists: ["Alpha"])], pathPrefix: "/music/a/")
        try store.deferSearchIndex()
        let deferred = try addTracks(store, [TrackTags(title: "Deferred one", artists: ["Beta"]),
                                             TrackTags(title: "Deferred two", artists: ["Gamma"]),
                                             TrackTags(title: "Deferred three", artists: ["Delta"])],
                                     pathPrefix: "/music/b/")
        #expect(try store.search("Deferred").isEmpty, "not indexed before the import's end")

        // Re-read with new titles (a scan's update): a track indexed before, and one not yet indexed.
        var movable = Set<Int64>()
        func retitle(_ path: String, _ title: String, artist: String) throws {
            let file = TrackFile(path: path, size: 99, mtimeNs: 2)
            let metadata = TrackMetadata(contentKey: path + "-new", codec: .flac, formatName: "FLAC", duration: 180,
                                         durationExact: true, sampleRate: 44100, channels: 2, bitrateKbps: 900,
                                         tags: TrackTags(title: title, artists: [artist]))
            _ = try store.saveScannedFiles([(file, metadata)], movable: &movable)
        }
        try retitle("/music/a/0.flac", "Late riser", artist: "Alpha")
        try retitle("/music/b/0.flac", "Renamed meanwhile", artist: "Beta")
        // Deleted as `forget` deletes a track that has no history.
        _ = try sqlite(path, "DELETE FROM track_artists WHERE track_id = \(deferred[2]); DELETE FROM tracks WHERE id = \(deferred[2]);")
        _ = try sqlite(path, "INSERT INTO track_search(track_search) VALUES ('integrity-check');")

        try store.indexDeferredSearch()
        try Self.checkSearchIndex(path)
        #expect(try store.search("Renamed meanwhile").map(\.id) == [deferred[0]])
        #expect(try store.search("Deferred").map(\.id) == [deferred[1]])
        #expect(try store.search("Late riser").map(\.id) == early)
        #expect(try store.search("Early").isEmpty, "the old title left the index")
        #expect(try store.search("Delta").isEmpty, "the deleted track is not found")
        // Back to indexing as tracks come.
        let later = try addTracks(store, [TrackTags(title: "Afterwards", artists: ["Epsilon"])], pathPrefix: "/music/c/")
        #expect(try store.search("Afterwards").map(\.id) == later)
        try Self.checkSearchIndex(path)
    }

    @Test("An import killed before indexing its tracks leaves them to the next open, which indexes them")
    func killedImport() throws {
        let (store, folder) = try scratchStore("search-deferred-killed")
        try store.deferSearchIndex()
        let ids = try addTracks(store, (0..<600).map { TrackTags(title: "Track \($0) of the import", artists: ["Zeta"]) })
        // What a kill leaves: the deferral and the batches committed, the index not built. Closing without
        // `indexDeferredSearch` leaves the same file.
        try store.close()
        #expect(try sqlite(folder + "/hum.sqlite", "SELECT COUNT(*) FROM search_deferred;") == "1")

        let reopened = try LibraryStore(path: folder + "/hum.sqlite")
        #expect(try sqlite(folder + "/hum.sqlite", "SELECT COUNT(*) FROM search_deferred;") == "0")
        #expect(Set(try reopened.matchingTrackIDs(pattern: "zeta")) == Set(ids))
        #expect(try reopened.search("Track 599").map(\.id) == [ids[599]])
        try Self.checkSearchIndex(folder + "/hum.sqlite")
    }
}
