@testable import AppCore
import MusicCore
import Testing

@Suite("LibraryOrder: the library in cmus's order")
struct LibraryOrderTests {
    private func row(_ id: Int64, _ artist: String, _ album: String, year: Int? = nil, disc: Int? = nil, track: Int? = nil,
                     path: String? = nil) -> TrackRow {
        TrackRow(id: id, path: path ?? "/m/\(id).flac", title: "t\(id)", artist: artist, album: album, year: year,
                 discNumber: disc, trackNumber: track)
    }

    private func sorted(_ rows: [TrackRow]) -> [Int64] {
        var rows = rows
        LibraryOrder.sort(&rows)
        return rows.map(\.id)
    }

    @Test("Artists alphabetically, case and accents ignored; the same name spelt two ways stays apart, side by side")
    func artists() {
        let rows = [row(1, "Zappa", "A"), row(2, "abc", "A"), row(3, "Émilie", "A"), row(4, "ABBA", "A"), row(5, "Abba", "A"),
                    row(6, "eels", "A"), row(7, "", "A"), row(8, "東京", "A")]
        // SQLite's byte order had "ABBA", "Abba", "Zappa", "abc", "eels", "Émilie", "東京" (and "" first).
        #expect(sorted(rows) == [4, 5, 2, 6, 3, 7, 1, 8], "the empty artist is shown, and sorted, as \"Unknown artist\"")
    }

    @Test("An artist's albums by year (the album's earliest; none first), then title; tracks by disc, number, path")
    func albumsAndTracks() {
        let rows = [
            row(1, "Band", "Zebra", year: 1990, track: 2), row(2, "Band", "Zebra", year: 1992, track: 1),
            row(3, "Band", "apple", year: 2001), row(4, "Band", "Best of", year: nil),
            row(5, "Band", "Middle", year: 1995, disc: 2, track: 1), row(6, "Band", "Middle", year: 1995, disc: 1, track: 9),
            row(7, "Band", "Middle", year: 1995, disc: 1, track: nil, path: "/m/b.flac"),
            row(8, "Band", "Middle", year: 1995, disc: 1, track: nil, path: "/m/a.flac"),
            row(9, "Band", "Another", year: 1995),
        ]
        // Best of (no year), Zebra (1990, its earliest), Another and Middle (1995, by title), apple (2001).
        #expect(sorted(rows) == [4, 2, 1, 9, 8, 7, 6, 5, 3])
    }

    @Test("Any input order gives the same order, and every row once")
    func anyInputOrder() {
        var rows: [TrackRow] = []
        for artist in ["b", "A", "c"] {
            for album in 0..<3 {
                for track in 1...4 {
                    rows.append(row(Int64(rows.count + 1), artist, "Album \(album)", year: 2000 - album, track: track))
                }
            }
        }
        let expected = sorted(rows)
        #expect(Set(expected).count == rows.count)
        var generator = SeededRandom(seed: 7)  // a failing shuffle can be replayed
        for _ in 0..<20 {
            #expect(sorted(rows.shuffled(using: &generator)) == expected)
        }
        // "A" (ids 13–24) first, and its oldest album first: "Album 2" (1998), ids 21–24.
        #expect(Array(expected.prefix(4)) == [21, 22, 23, 24])
    }

    @Test("The tree built from the sorted rows groups each artist and album once")
    func treeGroupsOnce() {
        var rows = [row(1, "beta", "X", year: 2000), row(2, "Alpha", "Y", year: 1999), row(3, "beta", "W", year: 1980),
                    row(4, "Alpha", "Z", year: 1970)]
        LibraryOrder.sort(&rows)
        let index = LibraryIndex(tracks: rows)
        #expect(index.wholeTree.map(\.name) == ["Alpha", "beta"])
        #expect(index.wholeTree.map { $0.albums.map(\.title) } == [["Z", "Y"], ["W", "X"]])
    }
}
