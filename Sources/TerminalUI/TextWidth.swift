/// How many terminal columns text takes, and text made safe to show.
///
/// A terminal lays text out in cells. What it draws for a grapheme cluster (one Swift `Character`) takes 0,
/// 1 or 2 cells, and everything that lays out a screen (`CellGrid`, the screens' columns and ellipses) must
/// agree with the terminal to the column, or a line overflows and drags the rest of the row with it.
///
/// The rules are those of modern terminals (xterm, tmux, VTE, and the grapheme-aware ones), which differ from
/// a plain `wcwidth` on emoji:
///
/// * **Wide (2)**: code points whose East Asian Width is Wide (W) or Fullwidth (F): CJK ideographs, kana,
///   Hangul syllables and leading jamo, fullwidth forms, and most emoji (Unicode 9 made emoji-presentation
///   characters W). See `wideTable` for the source of the table.
/// * **Emoji**: a cluster whose base has emoji presentation by default (😀) is 2. A text-presentation symbol
///   (❤ U+2764, ☺, ©, the digits) is 1 alone and 2 when asked for emoji presentation, i.e. followed in its
///   cluster by VARIATION SELECTOR-16 (❤️, keycaps 1️⃣ = "1" FE0F 20E3), or joined by ZWJ to another emoji.
///   ZWJ sequences (👩‍💻, 🧑🏽‍🚀), skin-tone modified emoji and tag sequences are one cluster drawn as one
///   glyph: 2. Terminals size these by the cluster, not by summing code points as `wcwidth` would (👩‍💻 is
///   not 4 columns). A pair of regional indicators (a flag, 🇯🇵) is 2; a lone regional indicator is 1, as
///   terminals draw it as a letter-like symbol (it is East Asian Width Neutral).
/// * **Zero width**: nonspacing and enclosing marks (Mn, Me), format characters (Cf: ZWJ, ZWNJ, ZWSP, word
///   joiner, BOM, tags), variation selectors, and Hangul medial vowels and final consonants (U+1160–U+11FF,
///   U+D7B0–U+D7FF, which conjoin with the leading consonant into one syllable) add nothing. A cluster made of
///   zero-width scalars only (a lone combining mark at the start of a string) is 0.
/// * **Soft hyphen** U+00AD (Cf) is 1, not 0: xterm, VTE and glibc's `wcwidth` draw it as a hyphen.
/// * **Everything else printable is 1**, per cluster: Latin, Greek, Cyrillic, Arabic, Hebrew, Thai, and Indic
///   clusters such as "क्षि" (the stdlib clusters conjuncts, Unicode 15.1 rule GB9c), with their marks.
///   East Asian Ambiguous characters (…, ①, Cyrillic in CJK fonts) are 1, as in every terminal not set to
///   "ambiguous wide", and private-use characters are 1.
///   A decision, not a consensus: spacing marks inside a cluster (Devanagari ि U+093F, Mc) and the halfwidth
///   voiced marks U+FF9E–FF9F (which the stdlib clusters with their kana, "ｶﾞ") add nothing here, as in
///   terminals that lay out by grapheme cluster; terminals that add up `wcwidth` per code point (xterm, VTE)
///   give each of them a column of its own, so such text comes out wider there.
/// * A cluster is as wide as its widest scalar, so that a wide character after a prepended mark
///   (U+0600 + digit) or a stray emoji modifier ("a🏽") is not under-counted: under-counting is the error that
///   breaks a screen. VARIATION SELECTOR-15 (text presentation) does not narrow a wide emoji ("⌚︎" stays 2):
///   terminals size the cell by the base code point.
/// * Control characters are not text to measure: pass text through `sanitized(_:)` first. `of` counts a
///   control character (and U+FFFD, which `sanitized` puts in its place) as 1.
public enum DisplayWidth {
    /// Columns `character` occupies in a terminal: 0, 1 or 2. Allocation-free; ASCII needs no property lookup.
    public static func of(_ character: Character) -> Int {
        // One byte of UTF-8 is one ASCII scalar (a printable character, or a control `sanitized` removes).
        if character.utf8.count == 1 { return 1 }
        var scalars = character.unicodeScalars.makeIterator()
        guard let first = scalars.next() else { return 0 }
        if isRegionalIndicator(first.value) {
            // A flag is a pair; the cluster rules never put more than two in one Character.
            if let second = scalars.next(), isRegionalIndicator(second.value) { return 2 }
            return 1
        }
        var width = scalarWidth(first)
        if width == 2 { return 2 }
        // Emoji presentation asked for by VS16, or by a ZWJ joining the base to another emoji.
        var asksForEmoji = false
        var afterJoiner = false
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0xFE0F:
                asksForEmoji = true
                afterJoiner = false
            case 0x200D:
                afterJoiner = true
            default:
                if afterJoiner, scalar.properties.isEmoji { asksForEmoji = true }
                afterJoiner = false
                let w = scalarWidth(scalar)
                if w == 2 { return 2 }
                if w > width { width = w }
            }
        }
        if asksForEmoji, first.properties.isEmoji { return 2 }
        return width
    }

    /// Columns `text` occupies: the sum over its characters.
    ///
    /// Splitting text into grapheme clusters is what costs, so it is avoided where it cannot change the
    /// result: ASCII is counted from its bytes, and text made only of scalars from `simpleTable` (Latin,
    /// Greek, Cyrillic, Hebrew, Arabic, punctuation, CJK, kana, Hangul syllables, fullwidth forms) scalar by
    /// scalar. Anything else (emoji, Indic scripts, joiners, controls) is measured cluster by cluster from the
    /// last cluster start before it.
    @inlinable
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        // Inlined so that a caller in another module hands concrete code a Substring (a view, not a copy)
        // rather than running generic code unspecialized; the casts fold away once specialized.
        if let string = text as? String { return measure(string[...]) }
        if let substring = text as? Substring { return measure(substring) }
        return measure(String(text)[...])
    }

    @usableFromInline
    static func measure(_ text: Substring) -> Int {
        var width = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte >= 0x80 { return scalarSum(text) }
            // CR LF is one Character.
            if !(byte == 0x0A && previous == 0x0D) { width += 1 }
            previous = byte
        }
        return width
    }

    private static func scalarSum(_ text: Substring) -> Int {
        let scalars = text.unicodeScalars
        var width = 0
        // Where the last scalar of nonzero width began, and the width before it. Every such scalar of
        // `simpleTable` begins a grapheme cluster, so the cluster of a scalar outside the table (whether it
        // extends the one before or starts its own) begins there or later.
        var clusterStart = scalars.startIndex
        var widthBeforeCluster = 0
        var index = scalars.startIndex
        while index < scalars.endIndex {
            guard let w = simpleWidth(scalars[index].value) else {
                return widthBeforeCluster + clusterSum(text[clusterStart...])
            }
            if w > 0 {
                clusterStart = index
                widthBeforeCluster = width
            }
            width += w
            index = scalars.index(after: index)
        }
        return width
    }

    private static func clusterSum(_ text: Substring) -> Int {
        var width = 0
        for character in text { width += of(character) }
        return width
    }

    /// `text` made safe to put on screen, so that a tag or file name cannot move the cursor, change colours
    /// or reorder the line:
    ///
    /// * TAB, LF, VT, FF, CR and the line and paragraph separators U+2028, U+2029 become one space each;
    /// * every other C0 control (U+0000–U+001F, so ESC and with it any escape sequence), DEL and the C1
    ///   controls (U+007F–U+009F), and the bidi formatting characters (ALM U+061C, LRM/RLM U+200E/U+200F,
    ///   the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069) become U+FFFD.
    ///
    /// Text with nothing to replace (nearly all) is returned as it is, after one pass over its UTF-8 bytes.
    public static func sanitized(_ text: String) -> String {
        guard needsSanitizing(text.utf8) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars { result.unicodeScalars.append(replacement(for: scalar) ?? scalar) }
        return result
    }

    /// Whether any scalar of `bytes` needs replacing. UTF-8 is self-synchronizing: C2, D8 and E2 are only ever
    /// lead bytes, so a continuation byte after them identifies the scalar exactly.
    private static func needsSanitizing(_ bytes: String.UTF8View) -> Bool {
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F { return true }
            if byte & 0xC0 == 0x80 {
                switch previous {
                case 0xC2 where byte <= 0x9F: return true  // U+0080–U+009F
                case 0xD8 where byte == 0x9C: return true  // U+061C
                case 0x80 where beforePrevious == 0xE2:  // U+2000–U+203F
                    if byte == 0x8E || byte == 0x8F || (0xA8...0xAE).contains(byte) { return true }
                case 0x81 where beforePrevious == 0xE2:  // U+2040–U+207F
                    if (0xA6...0xA9).contains(byte) { return true }
                default: break
                }
            }
            beforePrevious = previous
            previous = byte
        }
        return false
    }

    private static func replacement(for scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar.value {
        case 0x09...0x0D, 0x2028, 0x2029: " "
        case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: "\u{FFFD}"
        default: nil
        }
    }

    /// `text` with every emoji sequence reduced to its first emoji: ZWJ sequences (👩‍💻 → 👩), skin tones
    /// (🧑🏽 → 🧑), presentation selectors (❤️ → ❤), keycaps (1️⃣ → 1) and tag sequences. Flags stay.
    ///
    /// Why: terminals disagree on these, and ncurses sums `wcwidth` over the scalars. tmux 3.3 draws 🧑🏽 in
    /// 4 columns and ❤️ in 1, where a grapheme-aware terminal draws 2. Every disagreement shifts the rest of
    /// the row on screen, and the next partial redraw then leaves pieces of old text behind. A base emoji
    /// alone is sized alike by all of them (and by `of`), so the screen stays in step; the detail lost is
    /// a skin tone or a joined glyph.
    public static func simplifiedEmoji(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isSequencePart) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if character.unicodeScalars.count > 1, character.unicodeScalars.contains(where: isSequencePart),
               let base = character.unicodeScalars.first {
                result.unicodeScalars.append(base)
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// ZWJ, VS16, the keycap mark, skin-tone modifiers and tag characters: what joins or dresses an emoji.
    private static func isSequencePart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200D, 0xFE0F, 0x20E3, 0x1F3FB...0x1F3FF, 0xE0020...0xE007F: true
        default: false
        }
    }

    /// `text` cut to at most `columns` columns, never inside a grapheme cluster. When cut it ends with "…"
    /// (one column), so what is kept is at most `columns - 1` wide: a wide character that would straddle that
    /// edge is dropped and the result is one column narrower. Text that fits is returned unchanged;
    /// `columns <= 0` gives "".
    public static func truncated(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        // No character is wider than its UTF-8 encoding is long.
        if text.utf8.count <= columns { return text }
        // Scalar by scalar while they are simple (see `measure`): there each scalar of nonzero width begins
        // a cluster, so the cut can fall before any of them.
        let scalars = text.unicodeScalars
        var width = 0
        // The start of the first cluster that ends at `columns` or beyond: what a cut keeps is before it.
        var cut: String.Index?
        var clusterStart = scalars.startIndex
        var widthBeforeCluster = 0
        var index = scalars.startIndex
        while index < scalars.endIndex {
            guard let w = simpleWidth(scalars[index].value) else {
                return truncatedByCluster(text[clusterStart...], to: columns, width: widthBeforeCluster,
                                          cut: cut ?? clusterStart, whole: text)
            }
            if w > 0 {
                clusterStart = index
                widthBeforeCluster = width
                width += w
                if width > columns { return String(text[..<(cut ?? index)]) + ellipsis }
                if width == columns, cut == nil { cut = index }
            }
            index = scalars.index(after: index)
        }
        return text
    }

    /// The rest of `truncated`, Character by Character from `rest`, the start of a cluster, with `width`
    /// columns and the cut found so far before it.
    private static func truncatedByCluster(_ rest: Substring, to columns: Int, width: Int, cut: String.Index,
                                           whole text: String) -> String {
        var width = width
        var cut = cut
        var index = rest.startIndex
        while index < rest.endIndex {
            let next = rest.index(after: index)
            width += of(rest[index])
            if width > columns { return String(text[..<cut]) + ellipsis }
            if width < columns { cut = next }
            index = next
        }
        return text
    }

    /// `text` truncated to `columns` and then padded with spaces to exactly `columns` columns (none when
    /// `columns <= 0`), for laying out table columns.
    public static func padded(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        let fitted = truncated(text, to: columns)
        let width = of(fitted)
        return width < columns ? fitted + String(repeating: " ", count: columns - width) : fitted
    }

    private static let ellipsis = "…"

    // MARK: Scalars

    /// Columns of one scalar on its own: 0 (marks, format characters, medial and final jamo), 2 (wide), else 1.
    private static func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // Latin-1 and Latin Extended: no marks (the first is U+0300), nothing wide. U+00AD counts 1.
        if value < 0x300 { return 1 }
        if value >= 0x1100, isWide(value) { return 2 }
        switch value {
        case 0x1160...0x11FF, 0xD7B0...0xD7FF: return 0
        default: break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        // Emoji newer than the table (the stdlib's Unicode data is newer than Unicode 15): emoji with
        // default emoji presentation are W in every Unicode version since 9.
        if value >= 0x1F000, scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// The width of a scalar whose grapheme cluster can be found without the cluster rules, or nil: a
    /// scalar of `simpleTable` (width 0 ones only ever extend a cluster), or a wide character that
    /// always begins a cluster of its own, such as the common emoji (📻, ✨) and CJK compatibility forms.
    /// Left out of the wide ones: Hangul leading jamo (U+1100–115F, U+A960–A97C), which conjoin, and the
    /// skin-tone modifiers (U+1F3FB–1F3FF), which extend an emoji. Nothing of either set is changed by
    /// `sanitized` or `simplifiedEmoji`, and `of` gives a cluster of them the width of its first scalar.
    static func simpleScalarWidth(_ value: UInt32) -> Int? {
        if value < 0x80 { return value >= 0x20 && value != 0x7F ? 1 : nil }
        if let width = simpleWidth(value) { return width }
        guard value >= 0x1100, isWide(value) else { return nil }
        switch value {
        case 0x1100...0x115F, 0xA960...0xA97C, 0x1F3FB...0x1F3FF: return nil
        default: return 2
        }
    }

    /// The scalar that begins at `index` of valid UTF-8 (a String's), and its length in bytes.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
        let lead = UInt32(bytes[index])
        if lead < 0x80 { return (lead, 1) }
        if lead < 0xE0 { return ((lead & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F), 2) }
        if lead < 0xF0 {
            return ((lead & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6 | UInt32(bytes[index + 2] & 0x3F), 3)
        }
        return ((lead & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12 | UInt32(bytes[index + 2] & 0x3F) << 6
                | UInt32(bytes[index + 3] & 0x3F), 4)
    }

    private static func isRegionalIndicator(_ value: UInt32) -> Bool { (0x1F1E6...0x1F1FF).contains(value) }

    /// The width of a scalar of `simpleTable`, or nil for any other.
    private static func simpleWidth(_ value: UInt32) -> Int? {
        if value < 0x80 { return value >= 0x20 && value != 0x7F ? 1 : nil }
        let table = simpleTable
        var low = 0, high = table.count / 3 - 1
        while low <= high {
            let middle = (low + high) / 2
            if value < table[3 * middle] {
                high = middle - 1
            } else if value > table[3 * middle + 1] {
                low = middle + 1
            } else {
                return Int(table[3 * middle + 2])
            }
        }
        return nil
    }

    /// Ranges of scalars whose grapheme clusters are trivial, with their width: first, last, width, …
    ///
    /// Each scalar here of nonzero width always begins a grapheme cluster, and the others (nonspacing marks)
    /// only ever extend one and take no column, so a run of them is as wide as the sum of its scalars. Left
    /// out on purpose: controls, ZWJ and the variation selectors (emoji sequences), Arabic prepended marks
    /// (U+0600–0605, U+06DD), Hangul jamo (they conjoin), U+302E–302F and U+FF9E–FF9F (spacing marks that
    /// extend a cluster), all Indic scripts (conjuncts, rule GB9c) and every other script and symbol.
    /// Widths are those of `scalarWidth`, which a test checks scalar by scalar.
    private static let simpleTable: [UInt32] = [
        0x0020, 0x007E, 1, 0x00A0, 0x02FF, 1, 0x0300, 0x036F, 0, 0x0370, 0x0482, 1, 0x0483, 0x0489, 0,
        0x048A, 0x052F, 1, 0x0591, 0x05BD, 0, 0x05BE, 0x05BE, 1, 0x05BF, 0x05BF, 0, 0x05C0, 0x05C0, 1,
        0x05C1, 0x05C2, 0, 0x05C3, 0x05C3, 1, 0x05C4, 0x05C5, 0, 0x05C6, 0x05C6, 1, 0x05C7, 0x05C7, 0,
        0x05D0, 0x05EA, 1, 0x05EF, 0x05F4, 1, 0x0606, 0x060F, 1, 0x0610, 0x061A, 0, 0x061B, 0x061B, 1,
        0x061D, 0x064A, 1, 0x064B, 0x065F, 0, 0x0660, 0x066F, 1, 0x0670, 0x0670, 0, 0x0671, 0x06D5, 1,
        0x06D6, 0x06DC, 0, 0x06DE, 0x06DE, 1, 0x06DF, 0x06E4, 0, 0x06E5, 0x06E6, 1, 0x06E7, 0x06E8, 0,
        0x06E9, 0x06E9, 1, 0x06EA, 0x06ED, 0, 0x06EE, 0x06FF, 1, 0x1E00, 0x200A, 1, 0x2010, 0x2027, 1,
        0x2030, 0x205E, 1, 0x20A0, 0x20C0, 1, 0x2100, 0x214F, 1, 0x2190, 0x21FF, 1, 0x2500, 0x259F, 1,
        0x3000, 0x3029, 2, 0x302A, 0x302D, 0, 0x3030, 0x303E, 2, 0x3041, 0x3096, 2, 0x3099, 0x309A, 0,
        0x309B, 0x30FF, 2, 0x3400, 0x4DBF, 2, 0x4E00, 0x9FFF, 2, 0xAC00, 0xD7A3, 2, 0xFF01, 0xFF60, 2,
        0xFF61, 0xFF9D, 1,
    ]

    /// Whether `value` lies in one of the ranges of `wideTable` (binary search).
    private static func isWide(_ value: UInt32) -> Bool {
        let table = wideTable
        var low = 0, high = table.count / 2 - 1
        guard value >= table[0], value <= table[table.count - 1] else { return false }
        while low <= high {
            let middle = (low + high) / 2
            if value < table[2 * middle] {
                high = middle - 1
            } else if value > table[2 * middle + 1] {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// East Asian Width W and F, as sorted inclusive ranges: first, last, first, last, …
    ///
    /// Generated from Python 3.11's `unicodedata` (Unicode 14.0.0): every assigned code point whose
    /// `east_asian_width` is "W" or "F", leaving out the few nonspacing marks among them (U+302A–U+302D,
    /// U+3099–U+309A, U+16FE4), which combine and take no column. Then added by hand:
    /// * Unicode 15.0: U+1B132, U+1B155 (small kana KO), U+1F6DC, U+1FA75–1FA77, U+1FA87–1FA88,
    ///   U+1FAAD–1FAAF, U+1FABB–1FABD, U+1FABF, U+1FACE–1FACF, U+1FADA–1FADB, U+1FAE8, U+1FAF7–1FAF8;
    /// * Unicode 15.1: U+2FFC–2FFF (ideographic description characters), U+31EF;
    /// * the ranges whose unassigned code points default to W (UAX #11): U+3400–4DBF, U+4E00–9FFF,
    ///   U+F900–FAFF, and all of planes 2 and 3 (U+20000–2FFFD, U+30000–3FFFD; CJK extensions B–I).
    /// Newer emoji are caught by `isEmojiPresentation` instead. (Python also reports "F" for unassigned code
    /// points, so the generator must skip general category Cn.)
    private static let wideTable: [UInt32] = [
        0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0, 0x23F3, 0x23F3,
        0x25FD, 0x25FE, 0x2614, 0x2615, 0x2648, 0x2653, 0x267F, 0x267F, 0x2693, 0x2693, 0x26A1, 0x26A1,
        0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA,
        0x26F2, 0x26F3, 0x26F5, 0x26F5, 0x26FA, 0x26FA, 0x26FD, 0x26FD, 0x2705, 0x2705, 0x270A, 0x270B,
        0x2728, 0x2728, 0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797,
        0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55, 0x2E80, 0x2E99,
        0x2E9B, 0x2EF3, 0x2F00, 0x2FD5, 0x2FF0, 0x3029, 0x302E, 0x303E, 0x3041, 0x3096, 0x309B, 0x30FF,
        0x3105, 0x312F, 0x3131, 0x318E, 0x3190, 0x31E3, 0x31EF, 0x321E, 0x3220, 0x3247, 0x3250, 0x4DBF,
        0x4E00, 0xA48C, 0xA490, 0xA4C6, 0xA960, 0xA97C, 0xAC00, 0xD7A3, 0xF900, 0xFAFF, 0xFE10, 0xFE19,
        0xFE30, 0xFE52, 0xFE54, 0xFE66, 0xFE68, 0xFE6B, 0xFF01, 0xFF60, 0xFFE0, 0xFFE6, 0x16FE0, 0x16FE3,
        0x16FF0, 0x16FF1, 0x17000, 0x187F7, 0x18800, 0x18CD5, 0x18D00, 0x18D08, 0x1AFF0, 0x1AFF3, 0x1AFF5, 0x1AFFB,
        0x1AFFD, 0x1AFFE, 0x1B000, 0x1B122, 0x1B132, 0x1B132, 0x1B150, 0x1B152, 0x1B155, 0x1B155, 0x1B164, 0x1B167,
        0x1B170, 0x1B2FB, 0x1F004, 0x1F004, 0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E, 0x1F191, 0x1F19A, 0x1F200, 0x1F202,
        0x1F210, 0x1F23B, 0x1F240, 0x1F248, 0x1F250, 0x1F251, 0x1F260, 0x1F265, 0x1F300, 0x1F320, 0x1F32D, 0x1F335,
        0x1F337, 0x1F37C, 0x1F37E, 0x1F393, 0x1F3A0, 0x1F3CA, 0x1F3CF, 0x1F3D3, 0x1F3E0, 0x1F3F0, 0x1F3F4, 0x1F3F4,
        0x1F3F8, 0x1F43E, 0x1F440, 0x1F440, 0x1F442, 0x1F4FC, 0x1F4FF, 0x1F53D, 0x1F54B, 0x1F54E, 0x1F550, 0x1F567,
        0x1F57A, 0x1F57A, 0x1F595, 0x1F596, 0x1F5A4, 0x1F5A4, 0x1F5FB, 0x1F64F, 0x1F680, 0x1F6C5, 0x1F6CC, 0x1F6CC,
        0x1F6D0, 0x1F6D2, 0x1F6D5, 0x1F6D7, 0x1F6DC, 0x1F6DF, 0x1F6EB, 0x1F6EC, 0x1F6F4, 0x1F6FC, 0x1F7E0, 0x1F7EB,
        0x1F7F0, 0x1F7F0, 0x1F90C, 0x1F93A, 0x1F93C, 0x1F945, 0x1F947, 0x1F9FF, 0x1FA70, 0x1FA7C, 0x1FA80, 0x1FA88,
        0x1FA90, 0x1FABD, 0x1FABF, 0x1FAC5, 0x1FACE, 0x1FADB, 0x1FAE0, 0x1FAE8, 0x1FAF0, 0x1FAF8, 0x20000, 0x2FFFD,
        0x30000, 0x3FFFD,
    ]
}
