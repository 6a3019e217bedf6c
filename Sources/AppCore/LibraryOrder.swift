/// The order the Library tree and the Tracks view's artist sort show the library in: cmus's ("artist
/// sorting is done alphabetically, albums are sorted by year"; its `lib_sort` is albumartist, date,
/// album, disc, track).
///
/// Why not the store's `ORDER BY`: SQLite compares bytes, so "abc" came after "Zappa" and "Émilie" after
/// both, and an artist's albums were in title order. Why here: grouping the rows by artist and album
/// and sorting the groups folds each name once, and on 100,000 tracks takes less time than SQLite took
/// to sort their ids (see `LibraryStore.allTracks(sorted:)`).
public enum LibraryOrder {
    /// `rows` in cmus's order: artists by their name as the tree shows it, case and accents ignored
    /// (the name's bytes break ties, so "ABBA" and "Abba" stay apart, side by side); each artist's albums
    /// by year (the album's earliest; none first, as in cmus), then by title the same way; each album's
    /// tracks by disc, then track number (none first), then path. The rows may come in any order.
    public static func sort(_ rows: inout [TrackRow]) {
        let order = permutation(rows)
        // Applied in place, cycle by cycle: rows are moved, never copied (a copy retains seven strings).
        var placed = [Bool](repeating: false, count: order.count)
        for start in order.indices where !placed[start] {
            var target = start
            while true {
                placed[target] = true
                let source = order[target]
                if source == start { break }
                rows.swapAt(target, source)
                target = source
            }
        }
    }

    /// Which row goes where in `sort`: position i of the sorted rows is `rows[permutation(rows)[i]]`.
    static func permutation(_ rows: [TrackRow]) -> [Int] {
        rows.withUnsafeBufferPointer(permutation(of:))
    }

    /// Read through a buffer: each row's fields are looked at in place, never copied out whole (a row
    /// copied is seven strings retained and released; that was most of the time).
    private static func permutation(of rows: UnsafeBufferPointer<TrackRow>) -> [Int] {
        struct Album {
            var title: String
            var positions: [Int] = []
            var year = Int.max
        }
        struct Artist {
            var name: String
            var albums: [Album] = []
            var albumByTitle: [String: Int] = [:]
        }
        var artists: [Artist] = []
        var artistByName: [String: Int] = [:]
        // Rows come mostly a folder, so an album, at a time: the previous row's groups are tried first,
        // and a name is hashed only where the artist or album changes.
        var a = -1, b = -1
        for position in rows.indices {
            if a < 0 || artists[a].name != rows[position].albumArtist {
                let name = rows[position].albumArtist
                if let found = artistByName[name] {
                    a = found
                } else {
                    a = artists.count
                    artistByName[name] = a
                    artists.append(Artist(name: name))
                }
                b = -1
            }
            if b < 0 || artists[a].albums[b].title != rows[position].album {
                let title = rows[position].album
                if let found = artists[a].albumByTitle[title] {
                    b = found
                } else {
                    b = artists[a].albums.count
                    artists[a].albumByTitle[title] = b
                    artists[a].albums.append(Album(title: title))
                }
            }
            artists[a].albums[b].positions.append(position)
            if let year = rows[position].year, year < artists[a].albums[b].year { artists[a].albums[b].year = year }
        }

        /// The sort key of a name as shown: folded, then its own bytes.
        func key(_ shown: String) -> (folded: [UInt8], bytes: [UInt8]) { (TextFolding.foldedUTF8(shown), Array(shown.utf8)) }
        func precedes(_ x: (folded: [UInt8], bytes: [UInt8]), _ y: (folded: [UInt8], bytes: [UInt8])) -> Bool {
            x.folded != y.folded ? x.folded.lexicographicallyPrecedes(y.folded) : x.bytes.lexicographicallyPrecedes(y.bytes)
        }
        /// Disc, then track number (none first), then path: the store's order inside an album.
        func trackPrecedes(_ p: Int, _ q: Int) -> Bool {
            let discs = (rows[p].discNumber ?? .min, rows[q].discNumber ?? .min)
            if discs.0 != discs.1 { return discs.0 < discs.1 }
            let numbers = (rows[p].trackNumber ?? .min, rows[q].trackNumber ?? .min)
            if numbers.0 != numbers.1 { return numbers.0 < numbers.1 }
            return rows[p].path.utf8.lexicographicallyPrecedes(rows[q].path.utf8)
        }
        let artistKeys = artists.map { key($0.name.isEmpty ? LibraryIndex.unknownArtist : $0.name) }
        var order: [Int] = []
        order.reserveCapacity(rows.count)
        for a in artists.indices.sorted(by: { precedes(artistKeys[$0], artistKeys[$1]) }) {
            let albums = artists[a].albums
            let albumKeys = albums.map { key($0.title.isEmpty ? LibraryIndex.unknownAlbum : $0.title) }
            let years = albums.map { $0.year == .max ? 0 : $0.year }
            for b in albums.indices.sorted(by: { years[$0] != years[$1] ? years[$0] < years[$1] : precedes(albumKeys[$0], albumKeys[$1]) }) {
                // Usually in order already (a folder scanned in name order): then no sort.
                let positions = albums[b].positions
                let inOrder = zip(positions, positions.dropFirst()).allSatisfy { !trackPrecedes($1, $0) }
                order += inOrder ? positions : positions.sorted(by: trackPrecedes)
            }
        }
        return order
    }
}
