import Foundation
import HumTestSupport
import MusicCore
import MusicLibrary
import Testing

/// `allTracks` reads rows in place and reuses strings that repeat from row to row (see TrackRowReader):
/// these pin down that what it returns is exactly what is stored, in library order.
@Suite("Reading tracks from the store")
struct TrackReadTests {
    @Test("allTracks is in album artist (else artist) / album / disc / track / path order, whatever the insertion order")
    func order() throws {
        let (store, _) = try scratchStore("all-tracks-order")
        let ids = try addTracks(store, [
            TrackTags(title: "b2", artists: ["Zed"], albumArtist: "Various", album: "Hits", trackNumber: 2, discNumber: 1),  // 0
            TrackTags(title: "a1", artists: ["Abba"], album: "Gold", trackNumber: 1),                                          // 1
            TrackTags(title: "b1 disc 2", artists: ["Yann"], albumArtist: "Various", album: "Hits", trackNumber: 1, discNumber: 2), // 2
            TrackTags(title: "nobody"),                                                                                        // 3
            TrackTags(title: "b1", artists: ["Xu"], albumArtist: "Various", album: "Hits", trackNumber: 1, discNumber: 1),    // 4
            TrackTags(title: "a0", artists: ["Abba"], album: "Arrival", trackNumber: 9),                                       // 5
            TrackTags(title: "a1 again", artists: ["Abba"], album: "Gold", trackNumber: 1),                                    // 6 (path ties)
            TrackTags(title: "Björk", artists: ["Björk"], album: "Post", trackNumber: 1),                                      // 7
        ])
        // SQLite's binary order: NULL first, then bytes ("Abba" < "Björk" < "Various"; "Arrival" < "Gold").
        let expected = [ids[3], ids[5], ids[1], ids[6], ids[7], ids[4], ids[0], ids[2]]
        #expect(try store.allTracks().map(\.id) == expected)
        try store.markRemoved(trackIDs: [ids[1]])
        #expect(try store.allTracks().map(\.id) == expected.filter { $0 != ids[1] })
        let all = try store.allTracks(includingRemoved: true)
        #expect(all.map(\.id) == expected)
        #expect(all.filter { !$0.isPresent }.map(\.id) == [ids[1]])
    }

    @Test("Every field reads back as stored, NULLs as nil, and repeated values never leak into the next row")
    func fields() throws {
        let (store, _) = try scratchStore("all-tracks-fields")
        var movable = Set<Int64>()
        let raw: [UInt8] = Array("/music/caf".utf8) + [0xE9] + Array(".flac".utf8)
        let gain = ReplayGainInfo(trackGain: -6.25, trackPeak: 0.988, albumGain: -7.5, albumPeak: 1.02)
        let rows: [(TrackFile, TrackMetadata)] = [
            (TrackFile(path: "/music/caf\\xE9.flac", rawPath: raw, size: 10, mtimeNs: 1),
             TrackMetadata(contentKey: "a", codec: .flac, formatName: "FLAC", duration: 201.5, durationExact: true,
                           sampleRate: 96000, channels: 6, bitrateKbps: 2000,
                           tags: TrackTags(title: "Jóga \"quoted\"", artists: ["Björk", "Guest, with comma"], albumArtist: "Björk",
                                           album: "Homogenic", trackNumber: 3, discNumber: 1, year: 1997, genres: ["Electronic", "Pop"],
                                           musicBrainz: MusicBrainzIDs(recordingID: "rec-1", releaseID: "rel-1"), replayGain: gain))),
            // Same album and release as the row before, different artists list.
            (TrackFile(path: "/music/b.mp3", size: 11, mtimeNs: 1),
             TrackMetadata(contentKey: "b", codec: .mpeg, formatName: "MP3", duration: nil, durationExact: false,
                           sampleRate: nil, channels: nil, bitrateKbps: nil,
                           tags: TrackTags(title: nil, artists: ["Björk"], albumArtist: "Björk", album: "Homogenic", trackNumber: 4,
                                           discNumber: 1, musicBrainz: MusicBrainzIDs(releaseID: "rel-1")))),
            // Nothing at all after a row that had everything.
            (TrackFile(path: "/music/c.ogg", size: 12, mtimeNs: 1),
             TrackMetadata(contentKey: "c", codec: .vorbis, formatName: "Ogg Vorbis", duration: 3, durationExact: true,
                           sampleRate: 44100, channels: 2, bitrateKbps: 128, tags: TrackTags(title: ""))),
            // The first row's values again, after the empty one.
            (TrackFile(path: "/music/d.flac", size: 13, mtimeNs: 1),
             TrackMetadata(contentKey: "d", codec: .flac, formatName: "FLAC", duration: 1, durationExact: true,
                           sampleRate: 44100, channels: 2, bitrateKbps: 900,
                           tags: TrackTags(title: "Again", artists: ["Björk", "Guest, with comma"], albumArtist: "Björk",
                                           album: "Homogenic", trackNumber: 5, discNumber: 1, genres: ["Electronic", "Pop"],
                                           musicBrainz: MusicBrainzIDs(releaseID: "rel-1")))),
        ]
        let outcomes = try store.saveScannedFiles(rows, movable: &movable)
        let ids = outcomes.compactMap { outcome -> Int64? in if case .added(let id) = outcome { id } else { nil } }
        #expect(ids.count == 4)

        let tracks = try store.allTracks()
        // NULL album artist ("c.ogg", no artist either) first, then Björk's in track order.
        #expect(tracks.map(\.id) == [ids[2], ids[0], ids[1], ids[3]])
        let byID = Dictionary(uniqueKeysWithValues: tracks.map { ($0.id, $0) })
        // The single-track reads go through the same reader: they agree with allTracks.
        for id in ids { #expect(try store.track(id: id) == byID[id]) }
        #expect(try store.track(path: "/music/b.mp3") == byID[ids[1]])

        let first = try #require(byID[ids[0]])
        #expect(first.path == "/music/caf\\xE9.flac")
        #expect(first.rawPath == raw)
        #expect(first.format == "flac")
        #expect(first.duration == 201.5 && first.sampleRate == 96000 && first.channels == 6)
        #expect(first.title == "Jóga \"quoted\"")
        #expect(first.artists == ["Björk", "Guest, with comma"])
        #expect(first.albumArtist == "Björk" && first.album == "Homogenic")
        #expect(first.discNumber == 1 && first.trackNumber == 3 && first.year == 1997)
        #expect(first.genre == "Electronic; Pop")
        #expect(first.musicBrainzRecordingID == "rec-1" && first.musicBrainzReleaseID == "rel-1")
        #expect(first.replayGain == gain)
        #expect(first.isPresent)

        let second = try #require(byID[ids[1]])
        #expect(second.rawPath == nil && second.format == "mpeg")
        #expect(second.duration == nil && second.sampleRate == nil && second.channels == nil)
        #expect(second.title == nil && second.artists == ["Björk"] && second.album == "Homogenic")
        #expect(second.genre == nil && second.year == nil && second.musicBrainzRecordingID == nil)
        #expect(second.musicBrainzReleaseID == "rel-1")
        #expect(second.replayGain == ReplayGainInfo())

        let empty = try #require(byID[ids[2]])
        #expect(empty.title == "", "an empty title is not NULL")
        #expect(empty.artists.isEmpty && empty.albumArtist == nil && empty.album == nil && empty.genre == nil)
        #expect(empty.discNumber == nil && empty.trackNumber == nil && empty.musicBrainzReleaseID == nil)

        let again = try #require(byID[ids[3]])
        #expect(again.artists == ["Björk", "Guest, with comma"] && again.album == "Homogenic" && again.genre == "Electronic; Pop")
        #expect(again.title == "Again" && again.trackNumber == 5)

        // search reads through the same reader.
        #expect(try store.search("joga").map(\.id) == [ids[0]])
    }
}
