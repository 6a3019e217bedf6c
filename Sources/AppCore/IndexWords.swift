/// Words as the store's search index cuts text (FTS5 `unicode61`): runs of letters and digits,
/// compared lowercased, with accents folded; everything else separates words. Used to answer a filter key
/// that only types the last word further ("sigu" → "sigur") from the answer on screen, without asking
/// the index again: the new answer is the old one's tracks that have a word beginning with the new word.
///
/// Why ASCII and a listed set of old characters only: for other text the index's Unicode tables decide
/// what a letter is and how accents fold, and a copy of them here could disagree; such a row is left
/// undecided and the index is asked. The characters decided here (`NonASCII`) were assigned in Unicode
/// 1.1 and checked one by one against SQLite. A test holds these answers equal to the index's own on a
/// library of awkward names.
enum IndexWords {
    /// A byte that can be part of a word once folded: a lowercase ASCII letter or a digit.
    static func isFoldedWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    }

    /// What a character beyond ASCII is to the index, where that is certain.
    enum NonASCII: Equatable {
        /// A letter the index folds to this ASCII letter ("É", "ö" and "ñ" to "e", "o" and "n").
        case ascii(UInt8)
        /// A letter the index keeps beyond ASCII ("æ", "ß", Greek, Cyrillic, Hangul…): it continues a
        /// word, and no ASCII prefix matches it.
        case letter
        /// Punctuation or a space: it ends a word.
        case separator

        /// Only characters assigned in Unicode 1.1 whose reading by `unicode61 remove_diacritics 2` was
        /// checked character by character against this machine's SQLite (3.40): Latin-1's letters,
        /// Greek, Cyrillic, Hebrew and Arabic letters, kana, Hangul syllables, CJK ideographs and
        /// full-width Latin letters; and the ideographic space, comma and full stop, dashes, quotation
        /// marks, the ellipsis, × and ÷, and full-width brackets and tilde. Anything else (a combining
        /// accent above all) is nil: undecided, left to the index.
        init?(_ scalar: Unicode.Scalar) {
            switch scalar.value {
            case 0xC0...0xFF:
                let folded = Self.latin1[Int(scalar.value - 0xC0)]
                switch folded {
                case UInt8(ascii: "-"): self = .separator
                case UInt8(ascii: "*"): self = .letter
                default: self = .ascii(folded)
                }
            case 0x4E00...0x9FA5, 0xAC00...0xD7A3, 0x3041...0x3094, 0x30A1...0x30FA, 0x05D0...0x05EA,
                 0x0621...0x063A, 0x0641...0x064A, 0x0386, 0x0388...0x038A, 0x038C, 0x038E...0x03A1,
                 0x03A3...0x03CE, 0x0400...0x045F, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
                self = .letter
            case 0x3000...0x3002, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x0387,
                 0xFF08, 0xFF09, 0xFF5E:
                self = .separator
            default:
                return nil
            }
        }

        /// U+00C0…U+00FF as the index folds them: an ASCII letter, "*" for a letter kept beyond ASCII
        /// (Æ Ð Ø Þ ß æ ð ø þ), "-" for a separator (× ÷).
        static let latin1 = Array("aaaaaa*ceeeeiiii*nooooo-*uuuuy**aaaaaa*ceeeeiiii*nooooo-*uuuuy*y".utf8)
    }

    /// Whether `text` has a word beginning with `prefix` (folded word bytes only); nil when a character
    /// the index may read otherwise (`NonASCII`) comes before such a word is found.
    ///
    /// A match found before such a character stands: its word began after a separator (or at the
    /// start), and whatever follows can only lengthen that word, never change its beginning.
    static func hasWord(startingWith prefix: [UInt8], in text: String) -> Bool? {
        guard !prefix.isEmpty else { return true }
        var inWord = false
        var matched = 0  // bytes of `prefix` matched by the current word; -1: this word does not match
        for scalar in text.unicodeScalars {
            let folded: UInt8
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                guard isFoldedWordByte(folded) else {
                    inWord = false
                    continue
                }
            } else {
                switch NonASCII(scalar) {
                case nil: return nil
                case .ascii(let letter)?: folded = letter
                case .separator?:
                    inWord = false
                    continue
                case .letter?:
                    // No ASCII byte of the prefix equals it: the word it is in (or starts) does not match.
                    inWord = true
                    matched = -1
                    continue
                }
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
    /// holds (title, artist, album artist, album, genre); nil if any of them cannot be decided here.
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
            if row.albumArtist != row.artist {
                guard let inAlbumArtist = hasWord(startingWith: word, in: row.albumArtist) else { return nil }
                if inAlbumArtist { kept.append(position); continue }
            }
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
