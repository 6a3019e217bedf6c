/// Words as the store's search index cuts plain ASCII text (FTS5 `unicode61`): runs of letters and
/// digits, compared lowercased; every other ASCII character separates words. Used to answer a filter key
/// that only types the last word further ("sigu" → "sigur") from the answer on screen, without asking
/// the index again: the new answer is the old one's tracks that have a word beginning with the new word.
///
/// Why only ASCII: for other text the index's Unicode tables decide what a letter is and how accents
/// fold, and a copy of them here could disagree; such a row is left undecided and the index is asked.
/// A test holds these answers equal to the index's own on a library of awkward names.
enum IndexWords {
    /// A byte that can be part of a word once folded: a lowercase ASCII letter or a digit.
    static func isFoldedWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }

    /// Whether `text` has a word beginning with `prefix` (folded word bytes only); nil when a byte above
    /// ASCII comes before such a word is found (a word the index may cut differently).
    ///
    /// A match found before any non-ASCII byte stands: its word began after an ASCII separator (or at the
    /// start), and whatever follows can only lengthen that word, never change its beginning.
    static func hasWord(startingWith prefix: [UInt8], in text: String) -> Bool? {
        guard !prefix.isEmpty else { return true }
        var inWord = false
        var matched = 0  // bytes of `prefix` matched by the current word; -1: this word does not match
        for byte in text.utf8 {
            if byte >= 0x80 { return nil }
            let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            guard isFoldedWordByte(folded) else {
                inWord = false
                continue
            }
            if !inWord {
                inWord = true
                matched = 0
            }
            guard matched >= 0 else { continue }
            if folded == prefix[matched] {
                matched += 1
                if matched == prefix.count { return true }
            } else {
                matched = -1
            }
        }
        return false
    }

    /// Whether `title` is the last component of `path` (what the interface shows for an untitled track).
    static func isFileName(_ title: String, of path: String) -> Bool {
        let bytes = path.utf8
        let start = bytes.lastIndex(of: UInt8(ascii: "/")).map { bytes.index(after: $0) } ?? bytes.startIndex
        return bytes[start...].elementsEqual(title.utf8)
    }

    /// The positions in `positions` whose track has a word beginning with `word` in a column the index
    /// holds (title, artist, album, genre); nil if any of them cannot be decided here.
    ///
    /// A title that is the file's name is undecided too: the interface shows the file name for an
    /// untitled track, but the index holds no title for it.
    static func narrow(_ positions: [Int], to word: [UInt8], in library: LibraryIndex) -> [Int]? {
        var kept: [Int] = []
        let tracks = library.tracks
        for position in positions {
            let row = tracks[position]
            guard let inArtist = hasWord(startingWith: word, in: row.artist) else { return nil }
            if inArtist { kept.append(position); continue }
            guard let inAlbum = hasWord(startingWith: word, in: row.album) else { return nil }
            if inAlbum { kept.append(position); continue }
            guard let inGenre = hasWord(startingWith: word, in: row.genre) else { return nil }
            if inGenre { kept.append(position); continue }
            if isFileName(row.title, of: row.path) { return nil }
            guard let inTitle = hasWord(startingWith: word, in: row.title) else { return nil }
            if inTitle { kept.append(position) }
        }
        return kept
    }
}
