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
        /// A letter the index keeps beyond ASCII ("æ", "ß", "ł", Greek, Cyrillic, Hangul…): it continues a
        /// word, and no ASCII prefix matches it.
        case letter
        /// A combining accent the index takes as part of the word and folds away ("e\u{301}" is "e").
        case ignored
        /// Punctuation, a space, a symbol or an emoji the index knows: it ends a word.
        case separator

        /// Only characters whose reading by `unicode61 remove_diacritics 2` was checked character by
        /// character against this machine's SQLite (3.40, through `fts5vocab`) and cannot read otherwise
        /// in another version: letters and accents — the Latin letters of Latin-1, Latin Extended-A and
        /// -B and Latin Extended Additional (Polish, Czech, Turkish, Romanian, Vietnamese…), the
        /// combining accents, Greek, Cyrillic, Hebrew and Arabic letters, kana, Hangul syllables, CJK
        /// ideographs and full-width Latin letters (all in Unicode 1.1 but a few of Latin Extended-B's,
        /// which any SQLite reads as letters: a character it has no entry for included) — and, as separators, the
        /// punctuation, symbols, emoji and joiners this SQLite has in its tables (a newer table can only
        /// call them symbols too). Not an emoji newer than those tables (🧑, skin tones): SQLite 3.40
        /// reads a character it has no entry for as a letter, a newer SQLite as a symbol, so it is nil:
        /// undecided, left to the index, as is anything else unlisted.
        init?(_ scalar: Unicode.Scalar) {
            let value = scalar.value
            switch value {
            case 0xC0...0x24F:
                self.init(tableEntry: Self.latin[Int(value - 0xC0)])
            case 0x1E00...0x1EFF:
                self.init(tableEntry: Self.latinAdditional[Int(value - 0x1E00)])
            case 0x300...0x36F:
                self.init(tableEntry: Self.combiningMarks[Int(value - 0x300)])
            case 0x4E00...0x9FA5, 0xAC00...0xD7A3, 0x3041...0x3094, 0x30A1...0x30FA, 0x05D0...0x05EA,
                 0x0621...0x063A, 0x0641...0x064A, 0x0386, 0x0388...0x038A, 0x038C, 0x038E...0x03A1,
                 0x03A3...0x03CE, 0x0400...0x045F, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
                self = .letter
            case 0x3000...0x3002, 0x0387, 0xFF08, 0xFF09, 0xFF5E,
                 // General Punctuation (spaces, dashes, quotes, the zero-width joiners, bidi controls),
                 // variation selectors, arrows and technical symbols, dingbats, regional indicators.
                 0x2000...0x2064, 0x206A...0x206F, 0xFE00...0xFE0F, 0x2190...0x23F3, 0x2600...0x26FF,
                 0x2701...0x2775, 0x2794...0x27BF, 0x2B00...0x2B4C, 0x2B50...0x2B59, 0x1F1E6...0x1F1FF,
                 // The emoji of Unicode 6.0, in the runs this SQLite reads as symbols.
                 0x1F300...0x1F320, 0x1F330...0x1F335, 0x1F337...0x1F37C, 0x1F380...0x1F393, 0x1F3A0...0x1F3C4,
                 0x1F3C6...0x1F3CA, 0x1F3E0...0x1F3F0, 0x1F400...0x1F43E, 0x1F440, 0x1F442...0x1F4F7,
                 0x1F4F9...0x1F4FC, 0x1F500...0x1F53D, 0x1F540...0x1F543, 0x1F550...0x1F567, 0x1F5FB...0x1F640,
                 0x1F645...0x1F64F, 0x1F680...0x1F6C5:
                self = .separator
            default:
                return nil
            }
        }

        /// Reads the tables below: an ASCII letter, "*" a letter kept beyond ASCII, "+" an accent folded
        /// away, "-" a separator.
        private init(tableEntry: UInt8) {
            switch tableEntry {
            case UInt8(ascii: "-"): self = .separator
            case UInt8(ascii: "*"): self = .letter
            case UInt8(ascii: "+"): self = .ignored
            default: self = .ascii(tableEntry)
            }
        }

        /// U+00C0…U+024F as the index folds them (× and ÷ separate; Æ Ð Ø Þ ß Đ Ħ ı Ł Œ ŧ ƀ… stay letters).
        static let latin = Array(([
            "aaaaaa*ceeeeiiii*nooooo-*uuuuy**aaaaaa*ceeeeiiii*nooooo-*uuuuy*y",
            "aaaaaaccccccccdd**eeeeeeeeeegggggggghh**iiiiiiiii***jjkk*llllll*",
            "***nnnnnn***oooooo**rrrrrrsssssssstttt**uuuuuuuuuuuuwwyyyzzzzzzs",
            "********************************oo*************uu***************",
            "*************aaiioouuuuuuuuuu*aa******ggkkoooo**j***gg**nnaa****",
            "aaaaeeeeiiiioooorrrruuuusstt**hh******aaeeooooooooyy************",
            "****************",
        ] as [String]).joined().utf8)
        /// U+1E00…U+1EFF (Vietnamese and other stacked accents).
        static let latinAdditional = Array(([
            "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm",
            "mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv",
            "wwwwwwwwwwxxxxyyzzzzzzhtwy*s****aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee",
            "eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy******",
        ] as [String]).joined().utf8)
        /// U+0300…U+036F: the accents the index folds away, and the marks it reads as separators.
        static let combiningMarks = Array(([
            "+++++-+++++++--+-+---------+-------++++++----++-++--------------",
            "------------------------------------------------",
        ] as [String]).joined().utf8)
    }

    /// Whether `text` has a word beginning with `prefix` (folded word bytes only); nil when a character
    /// the index may read otherwise (`NonASCII`) comes before such a word is found.
    ///
    /// A match found before such a character stands: its word began after a separator (or at the
    /// start), and whatever follows can only lengthen that word, never change its beginning.
    static func hasWord(startingWith prefix: [UInt8], in text: String) -> Bool? {
        guard !prefix.isEmpty else { return true }
        return text.utf8.withContiguousStorageIfAvailable { bytes in
            prefix.withUnsafeBufferPointer { hasWord(startingWith: $0, in: bytes) }
        } ?? Array(text.utf8).withUnsafeBufferPointer { bytes in
            prefix.withUnsafeBufferPointer { hasWord(startingWith: $0, in: bytes) }
        }
    }

    /// `hasWord` on the text's UTF-8, read in place: a byte at a time for ASCII, a scalar decoded only
    /// where one begins beyond it. Why: the narrowing runs this over thousands of rows between two
    /// frames, and walking `unicodeScalars` cost most of that time.
    private static func hasWord(startingWith prefix: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        var inWord = false
        var matched = 0  // bytes of `prefix` matched by the current word; -1: this word does not match
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let folded: UInt8
            if lead < 0x80 {
                index += 1
                folded = lead >= UInt8(ascii: "A") && lead <= UInt8(ascii: "Z") ? lead | 0x20 : lead
                guard isFoldedWordByte(folded) else {
                    inWord = false
                    continue
                }
            } else {
                // A Swift string is valid UTF-8: the lead byte says how many continuation bytes follow.
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
                index += length
                switch Unicode.Scalar(value).flatMap(NonASCII.init) {
                case nil: return nil
                case .ascii(let letter)?: folded = letter
                case .separator?:
                    inWord = false
                    continue
                case .ignored?:
                    // Part of the word (or the start of one), adding nothing to compare.
                    if !inWord {
                        inWord = true
                        matched = 0
                    }
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
        // Compared from the end, in place: most titles differ from the path's last bytes at once.
        let name = title.utf8, whole = path.utf8
        guard whole.count >= name.count else { return false }
        var pathIndex = whole.endIndex, titleIndex = name.endIndex
        while titleIndex > name.startIndex {
            name.formIndex(before: &titleIndex)
            whole.formIndex(before: &pathIndex)
            if name[titleIndex] != whole[pathIndex] { return false }
        }
        // The whole of the last component: the path ends there or has a "/" before it.
        return pathIndex == whole.startIndex || whole[whole.index(before: pathIndex)] == UInt8(ascii: "/")
    }

    /// The positions in `positions` whose track has a word beginning with `word` in a column the index
    /// holds (title, artist, album artist, album, genre); nil if any of them cannot be decided here.
    ///
    /// A title that is the file's name is undecided too: the interface shows the file name for an
    /// untitled track, but the index holds no title for it.
    static func narrow(_ positions: [Int], to word: [UInt8], in library: LibraryIndex) -> [Int]? {
        var kept: [Int] = []
        // Each row's fields are read where they lie: a row copied out is seven strings retained and released.
        return library.tracks.withUnsafeBufferPointer { tracks -> [Int]? in
            for position in positions {
                guard let inArtist = hasWord(startingWith: word, in: tracks[position].artist) else { return nil }
                if inArtist { kept.append(position); continue }
                if tracks[position].hasOwnAlbumArtist {
                    guard let inAlbumArtist = hasWord(startingWith: word, in: tracks[position].albumArtist) else { return nil }
                    if inAlbumArtist { kept.append(position); continue }
                }
                guard let inAlbum = hasWord(startingWith: word, in: tracks[position].album) else { return nil }
                if inAlbum { kept.append(position); continue }
                guard let inGenre = hasWord(startingWith: word, in: tracks[position].genre) else { return nil }
                if inGenre { kept.append(position); continue }
                if isFileName(tracks[position].title, of: tracks[position].path) { return nil }
                guard let inTitle = hasWord(startingWith: word, in: tracks[position].title) else { return nil }
                if inTitle { kept.append(position) }
            }
            return kept
        }
    }
}
