import MusicCore

/// Why a filter did not parse: one line that names the bad part, for the status line.
public struct FilterError: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The live filter and smart playlists' rule: words and `field:value` terms that must all hold.
///
/// ```
/// bjork                     a free word: begins a word of the title, artist, album artist, album or genre
/// "sigur ro"                a phrase: words in a row, the last one a prefix
/// artist:"nina simone"      a field has the value's words (artist also looks in the album artist);
///                           path: and format: hold the value anywhere
/// artist:=bjork             a field is exactly the value
/// year:1997  year:>=1995  year:1990..1999  duration:<3:30
/// plays:>5  skips:>=3  played:<30d  played:>1y  liked:yes  disliked:no     from the listening log
/// -genre:jazz  !live        negation
/// ```
///
/// Case and accents never matter (`TextFolding`). Parsing does the work once: the needles are folded and
/// the FTS pattern is built when the text is typed, so `matches` — run over every row of a large library
/// at each keystroke — only compares bytes.
public struct FilterExpression: Sendable, Equatable {
    /// What the listener typed, as typed: saved filters and smart playlists keep this.
    public let text: String
    /// An FTS5 MATCH pattern for the store's index `track_search(title, artist, album_artist, album, genre)`
    /// covering the positive text terms: a free word `bjork` → `"bjork"*` (any column, word prefix),
    /// `artist:bjork` → `{artist album_artist} : "bjork"*`, exact `artist:=bjork` → the same without the
    /// `*`; the terms side by side (AND). Values go in as typed, quotes doubled: the index folds case and
    /// accents with its own tokenizer, so the query must be folded by the same one. Nil when no term can
    /// use the index (then the caller scans every row with `matches`).
    public let searchPattern: String?
    /// Whether the expression needs more than `searchPattern` (numeric comparisons, negations, exact values,
    /// fields the index lacks): when false, what the index finds IS the answer and `matches` need not run.
    public let needsRowCheck: Bool
    private let terms: [FilterTerm]

    /// The empty expression, which every row matches.
    public init() {
        self.init(text: "", terms: [])
    }

    private init(text: String, terms: [FilterTerm]) {
        self.text = text
        self.terms = terms
        let phrases = terms.compactMap(\.searchPhrase)
        searchPattern = phrases.isEmpty ? nil : phrases.joined(separator: " ")
        needsRowCheck = terms.contains { !$0.isAnsweredBySearch }
    }

    /// True when there is no term: nothing is filtered out.
    public var isEmpty: Bool { terms.isEmpty }

    /// Reads a filter; an unknown field or a bad number is an error naming it, so a typo does not silently
    /// match nothing (or everything).
    public static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        var terms: [FilterTerm] = []
        for token in FilterToken.split(text) {
            if let term = try FilterTerm(token) { terms.append(term) }
        }
        return FilterExpression(text: text, terms: terms)
    }

    /// The new last word, folded, when this expression is `previous` with its last free word typed
    /// further ("sigu" → "sigur") and that word is typed in ASCII letters and digits only: then this expression's
    /// answer is `previous`'s answer narrowed to the tracks with a word beginning with it
    /// (`IndexWords.narrow`), whatever the other terms are, since they have not changed.
    public func narrowedWord(from previous: FilterExpression) -> [UInt8]? {
        guard terms.count == previous.terms.count, let last = terms.last, let before = previous.terms.last,
              terms.dropLast() == previous.terms.dropLast(), !last.negated, !before.negated,
              case .words(nil, let phrase) = last.test, case .words(nil, let shorterPhrase) = before.test,
              // Typed in ASCII: folded here it is what the index makes of it ("ß" folds to "ss" here, not there).
              phrase.isOneASCIIWord, shorterPhrase.words.count == 1,
              let word = phrase.words.first, let shorter = shorterPhrase.words.first,
              word.count > shorter.count, word.starts(with: shorter) else { return nil }
        return word
    }

    /// Whether a term reads the listening log (`plays:`, `skips:`, `played:`, `liked:`, `disliked:`): its
    /// answer changes as you listen, so it is worked out again when the log changes.
    public var readsListening: Bool { terms.contains { $0.test.readsListening } }

    /// Full evaluation on one row, case- and accent-insensitive. A field is folded only when a term asks
    /// for it, and an ASCII field (most of them) is compared where it lies, without a folded copy.
    /// `listening` answers the terms on the listening log.
    ///
    /// Words are matched as the index matches them (`PhraseMatch`: "bjo" finds "Björk", "ork" does not),
    /// so `:mark`, smart playlists and a scan keep the tracks the live filter shows.
    public func matches(_ row: TrackRow, listening: ListeningFacts = .none) -> Bool {
        for term in terms where term.test.holds(for: row, listening: listening) == term.negated {
            return false
        }
        return true
    }

    /// `matches` without the terms the index answered (`isAnsweredBySearch`): for the rows the index
    /// found for `searchPattern`. The index's reading of those words stands, where `PhraseMatch` could
    /// read a character it does not know otherwise.
    public func matchesBeyondSearch(_ row: TrackRow, listening: ListeningFacts = .none) -> Bool {
        for term in terms where !term.isAnsweredBySearch && term.test.holds(for: row, listening: listening) == term.negated {
            return false
        }
        return true
    }
}

// MARK: - Terms

/// The text fields a term can name.
enum FilterTextField: String, Sendable, Equatable {
    /// The artist or the album artist: `artist:` finds a compilation's tracks by its album artist too.
    case artist
    case albumArtist = "albumartist"
    case album, title, genre, path, format

    /// The index columns, as an FTS5 column filter, for the fields `track_search` has.
    var searchColumn: String? {
        switch self {
        case .artist: "{artist album_artist}"
        case .album: "album"
        case .title: "title"
        case .genre: "genre"
        // The interface's album artist is the artist where no album artist is tagged; the index has
        // only the tag.
        case .albumArtist, .path, .format: nil
        }
    }
}

enum FilterNumberField: String, Sendable, Equatable {
    case year, track, disc, duration
    /// From the listening log: plays (Last.fm's rule), skips, and days since the last listen began.
    case plays, skips, played

    var readsListening: Bool { self == .plays || self == .skips || self == .played }

    /// The row's value; durations in whole seconds, as the screens show them ("3:07" is 187 to 187.99 s);
    /// `played` in days (fractional) before the facts were read, nil for a track never heard.
    func value(of row: TrackRow, listening: ListeningFacts) -> Double? {
        switch self {
        case .year: row.year.map(Double.init)
        case .track: row.trackNumber.map(Double.init)
        case .disc: row.discNumber.map(Double.init)
        case .duration: row.duration.map { $0.rounded(.down) }
        case .plays: Double(listening[row.id].plays)
        case .skips: Double(listening[row.id].skips)
        case .played: listening[row.id].lastPlayedAt.map { (listening.now - $0) / 86_400 }
        }
    }
}

/// A closed, open or half-open interval: `year:1997` is [1997, 1997], `year:>1995` is (1995, ∞).
struct FilterNumberBounds: Sendable, Equatable {
    var lower: Double?
    var lowerInclusive = true
    var upper: Double?
    var upperInclusive = true

    func contains(_ value: Double) -> Bool {
        if let lower, lowerInclusive ? value < lower : value <= lower { return false }
        if let upper, upperInclusive ? value > upper : value >= upper { return false }
        return true
    }
}

enum FilterTest: Sendable, Equatable {
    /// A free word or phrase (nil field: in the title, artist, album artist, album or genre), or a field's
    /// value, as words: the field has these words in a row, the last one as a prefix — the index's
    /// reading of `"sigur ro"*`.
    case words(FilterTextField?, PhraseMatch)
    /// A value with no word in it (`"!!!"`, which the index cannot look up), or `path:` and `format:`
    /// (`/music/Jazz`, `mp3`: not words of a name): the folded field holds it anywhere.
    case contains(FilterTextField?, needle: [UInt8])
    case equals(FilterTextField, needle: [UInt8])
    /// A row without the number (no year tagged) never holds.
    case number(FilterNumberField, FilterNumberBounds)
    /// `liked:yes` is 1, `disliked:yes` -1: the track's opinion is that one (`liked:no`: it is not).
    case opinion(Int8, Bool)

    var readsListening: Bool {
        switch self {
        case .number(let field, _): field.readsListening
        case .opinion: true
        default: false
        }
    }

    func holds(for row: TrackRow, listening: ListeningFacts) -> Bool {
        switch self {
        case .words(let field, let words):
            return Self.anyOf(field, in: row) { words.holds(in: $0) }
        case .contains(let field, let needle):
            return Self.anyOf(field, in: row) { FoldedSearch.contains($0, needle) }
        case .equals(.artist, let needle):
            return FoldedSearch.equals(row.artist, needle) || FoldedSearch.equals(row.albumArtist, needle)
        case .equals(let field, let needle):
            return FoldedSearch.equals(Self.text(field, of: row), needle)
        case .number(let field, let bounds):
            guard let value = field.value(of: row, listening: listening) else { return false }
            return bounds.contains(value)
        case .opinion(let opinion, let wanted):
            return (listening[row.id].opinion == opinion) == wanted
        }
    }

    /// Whether `test` holds for the field, or for any text field when it is nil (title, artist, album
    /// artist, album, genre); `artist` is the album artist too.
    private static func anyOf(_ field: FilterTextField?, in row: TrackRow, _ test: (String) -> Bool) -> Bool {
        switch field {
        case nil:
            return test(row.title) || test(row.artist) || (row.hasOwnAlbumArtist && test(row.albumArtist))
                || test(row.album) || test(row.genre)
        case .artist?:
            return test(row.artist) || (row.hasOwnAlbumArtist && test(row.albumArtist))
        case let field?:
            return test(text(field, of: row))
        }
    }

    private static func text(_ field: FilterTextField, of row: TrackRow) -> String {
        switch field {
        case .artist: row.artist
        case .albumArtist: row.albumArtist
        case .album: row.album
        case .title: row.title
        case .genre: row.genre
        case .path: row.path
        case .format: row.format
        }
    }
}

struct FilterTerm: Sendable, Equatable {
    var negated: Bool
    var test: FilterTest
    /// This term's part of the FTS pattern, when the index can find it.
    var searchPhrase: String?
    /// True when the index's answer for this term is the whole answer (no `matches` needed).
    var isAnsweredBySearch: Bool

    static let fieldList = "artist, albumartist, album, title, genre, path, format, year, track, disc, duration, "
        + "plays, skips, played, liked, disliked"

    /// Nil for a term that constrains nothing (`""`, `artist:`), so it is dropped.
    init?(_ token: FilterToken) throws(FilterError) {
        var chars = token.chars[...]
        negated = false
        if chars.count > 1, let first = chars.first, !first.quoted, first.char == "-" || first.char == "!" {
            negated = true
            chars = chars.dropFirst()
        }
        let colon = chars.firstIndex { !$0.quoted && $0.char == ":" }
        let name = colon.map { String(chars[..<$0].map(\.char)).lowercased() } ?? ""
        guard let colon, !name.isEmpty, chars[..<colon].allSatisfy({ !$0.quoted && $0.char.isLetter }) else {
            // A free word or phrase (also "10:30" or "re:" + quotes: only a bare word before a colon names a field).
            let value = String(chars.map(\.char))
            guard !value.isEmpty else { return nil }
            test = Self.textTest(nil, value: value)
            (searchPhrase, isAnsweredBySearch) = Self.phrase(column: nil, value: value, exact: false)
            if negated { (searchPhrase, isAnsweredBySearch) = (nil, false) }
            return
        }
        var valueChars = chars[chars.index(after: colon)...]
        let written = String(token.chars.map(\.char))
        if let field = FilterTextField(rawValue: name) {
            var exact = false
            if let first = valueChars.first, !first.quoted, first.char == "=" {
                exact = true
                valueChars = valueChars.dropFirst()
            }
            let value = String(valueChars.map(\.char))
            if value.isEmpty && !exact { return nil }
            test = exact ? .equals(field, needle: TextFolding.foldedUTF8(value)) : Self.textTest(field, value: value)
            if let column = field.searchColumn {
                (searchPhrase, isAnsweredBySearch) = Self.phrase(column: column, value: value, exact: exact)
            } else {
                (searchPhrase, isAnsweredBySearch) = (nil, false)
            }
            if negated { (searchPhrase, isAnsweredBySearch) = (nil, false) }
        } else if let field = FilterNumberField(rawValue: name) {
            test = .number(field, try Self.bounds(String(valueChars.map(\.char)), field: field, written: written))
            searchPhrase = nil
            isAnsweredBySearch = false
        } else if name == "liked" || name == "disliked" {
            let value = String(valueChars.map(\.char)).lowercased()
            guard let wanted = ["yes": true, "true": true, "1": true, "no": false, "false": false, "0": false][value] else {
                throw FilterError("\(name) is yes or no, like \(name):yes (not \(value.isEmpty ? "nothing" : value))")
            }
            test = .opinion(name == "liked" ? 1 : -1, wanted)
            searchPhrase = nil
            isAnsweredBySearch = false
        } else {
            throw FilterError("unknown field: \(name) (fields: \(Self.fieldList); quote \"\(written)\" to search for it)")
        }
    }

    /// A value's test: its words, as the index would find them, in a name (or any, for nil; the album
    /// artist too, which only a scan reads); a path or a format, or a value with no word, anywhere in
    /// the field (`FilterTest.contains`).
    private static func textTest(_ field: FilterTextField?, value: String) -> FilterTest {
        guard let phrase = PhraseMatch(value), field != .path && field != .format else {
            return .contains(field, needle: TextFolding.foldedUTF8(value))
        }
        return .words(field, phrase)
    }

    /// The FTS phrase for a value (in any column when `column` is nil), and whether the index answers the
    /// term alone: not for an exact value, which the index can only narrow down to rows holding its words.
    /// A value with no letter or digit has no token the index could look up (`title:"!!!"`), so it is left
    /// to `matches`.
    private static func phrase(column: String?, value: String, exact: Bool) -> (String?, Bool) {
        guard value.contains(where: { $0.isLetter || $0.isNumber }) else { return (nil, false) }
        var quoted = "\""
        for character in value {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        quoted += exact ? "\"" : "\"*"
        guard let column else { return (quoted, true) }
        return ("\(column) : \(quoted)", !exact)
    }

    /// `1997`, `=1997`, `>1995`, `>=1995`, `<2000`, `<=2000`, `1990..1999`, `1990..`, `..1999`; durations as
    /// seconds or m:ss; `played` as an age: `30d`, `12h`, `2w`, `6m` (30 days), `1y` (365), a bare number in days.
    private static func bounds(_ value: String, field: FilterNumberField, written: String) throws(FilterError)
        -> FilterNumberBounds {
        guard !value.isEmpty else {
            throw FilterError("\(field.rawValue) needs a value, like \(field.rawValue):\(example(field)) or "
                + "\(field.rawValue):>\(example(field))")
        }
        func number(_ text: Substring) throws(FilterError) -> Double {
            let parsed: Double?
            if field == .duration {
                parsed = text.first == "-" || text.first == "+" ? nil : TimeFormat.parseSeconds(String(text))
            } else if field == .played {
                parsed = age(text)
            } else {
                parsed = text.allSatisfy(\.isASCIIDigit) && !text.isEmpty ? Int(text).map(Double.init) : nil
            }
            guard let parsed else {
                let hint = field == .duration ? " (seconds or m:ss)" : field == .played ? " (an age: 12h, 30d, 2w, 6m, 1y)" : ""
                throw FilterError("bad value for \(field.rawValue): \(value)\(hint)")
            }
            return parsed
        }
        let body = Substring(value)
        for (op, make) in [(">=", { FilterNumberBounds(lower: $0) }), ("<=", { FilterNumberBounds(upper: $0) }),
                           (">", { FilterNumberBounds(lower: $0, lowerInclusive: false) }),
                           ("<", { FilterNumberBounds(upper: $0, upperInclusive: false) }),
                           ("=", { FilterNumberBounds(lower: $0, upper: $0) })] as [(String, (Double) -> FilterNumberBounds)]
            where body.hasPrefix(op) {
            return make(try number(body.dropFirst(op.count)))
        }
        if let range = body.firstRange(of: "..") {
            let low = body[..<range.lowerBound], high = body[range.upperBound...]
            guard !(low.isEmpty && high.isEmpty) else {
                throw FilterError("bad value for \(field.rawValue): \(value)")
            }
            let bounds = FilterNumberBounds(lower: low.isEmpty ? nil : try number(low),
                                      upper: high.isEmpty ? nil : try number(high))
            if let lower = bounds.lower, let upper = bounds.upper, lower > upper {
                throw FilterError("empty range for \(field.rawValue): \(value) (write the smaller number first)")
            }
            return bounds
        }
        let exact = try number(body)
        // An age alone is "within": played:30d is played in the last 30 days.
        if field == .played { return FilterNumberBounds(upper: exact) }
        return FilterNumberBounds(lower: exact, upper: exact)
    }

    private static func example(_ field: FilterNumberField) -> String {
        switch field {
        case .year: "1997"
        case .track: "3"
        case .disc: "2"
        case .duration: "3:30"
        case .plays: "5"
        case .skips: "3"
        case .played: "30d"
        }
    }

    /// Days in an age: a whole number with an optional unit (h, d, w, m = 30 days, y = 365 days).
    private static func age(_ text: Substring) -> Double? {
        let units: [Character: Double] = ["h": 1.0 / 24, "d": 1, "w": 7, "m": 30, "y": 365]
        var digits = text, scale = 1.0
        if let last = text.last, let unit = units[Character(last.lowercased())] {
            digits = text.dropLast()
            scale = unit
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let number = Int(digits) else { return nil }
        return Double(number) * scale
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

// MARK: - Words

/// One space-separated part of the filter text, each character remembering whether it was quoted (or
/// escaped), so `artist:"a:b"` splits at its first colon only and `"-live"` is a word, not a negation.
struct FilterToken: Sendable {
    var chars: [(char: Character, quoted: Bool)]

    /// Splits at unquoted whitespace. `"` opens and closes a quoted run anywhere in a word; a backslash
    /// takes the next character literally. A quote left open runs to the end: the live filter parses at
    /// every keystroke, and `artist:"nina` half typed should already narrow the list, not flash an error.
    static func split(_ text: String) -> [FilterToken] {
        var tokens: [FilterToken] = []
        var current: [(char: Character, quoted: Bool)] = []
        var started = false
        var inQuotes = false
        var escaping = false
        for character in text {
            if escaping {
                current.append((character, true))
                escaping = false
            } else if character == "\\" {
                escaping = true
                started = true
            } else if character == "\"" {
                inQuotes.toggle()
                started = true
            } else if character.isWhitespace && !inQuotes {
                if started { tokens.append(FilterToken(chars: current)) }
                current = []
                started = false
            } else {
                current.append((character, inQuotes))
                started = true
            }
        }
        if escaping { current.append(("\\", true)) }
        if started { tokens.append(FilterToken(chars: current)) }
        return tokens
    }
}

// MARK: - Searching folded bytes

/// Substring and equality tests of a raw field against a folded needle.
///
/// A raw ASCII match is a folded match (folding maps ASCII one to one and the needle is folded already),
/// so the field is first searched in place with ASCII lowercasing on the fly; only a miss in a field that
/// has non-ASCII bytes pays for folding it. Bytes compare safely: UTF-8 never matches inside a character.
enum FoldedSearch {
    static func contains(_ haystack: String, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        let raw = haystack.utf8.withContiguousStorageIfAvailable { bytes in
            needle.withUnsafeBufferPointer { find($0, in: bytes) }
        } ?? Array(haystack.utf8).withUnsafeBufferPointer { bytes in needle.withUnsafeBufferPointer { find($0, in: bytes) } }
        switch raw {
        case .found: return true
        case .absentASCII: return false
        case .absentNonASCII:
            let folded = TextFolding.foldedUTF8(haystack)
            return folded.withUnsafeBufferPointer { bytes in
                needle.withUnsafeBufferPointer { find($0, in: bytes) } == .found
            }
        }
    }

    static func equals(_ haystack: String, _ needle: [UInt8]) -> Bool {
        var asciiOnly = true
        var same = haystack.utf8.count == needle.count
        var index = 0
        for byte in haystack.utf8 {
            if byte >= 0x80 { asciiOnly = false }
            if same && lower(byte) != needle[index] { same = false }
            index += 1
        }
        if same { return true }
        return !asciiOnly && TextFolding.foldedUTF8(haystack) == needle
    }

    enum Outcome { case found, absentASCII, absentNonASCII }

    private static func find(_ needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Outcome {
        let n = needle.count, h = haystack.count
        if n <= h {
            let first = needle[0]
            var start = 0
            while start <= h - n {
                if lower(haystack[start]) == first {
                    var offset = 1
                    while offset < n && lower(haystack[start + offset]) == needle[offset] { offset += 1 }
                    if offset == n { return .found }
                }
                start += 1
            }
        }
        for byte in haystack where byte >= 0x80 { return .absentNonASCII }
        return .absentASCII
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte &+ 0x20 : byte
    }
}

/// Case and accent folding for searching: "Björk" and "BJORK" fold to "bjork", "Sigur Rós" to "sigur ros",
/// "Straße" to "strasse".
///
/// Written without Foundation (whose `folding(options:)` initialises ICU, which the app avoids: it costs
/// startup time and memory). Each Unicode scalar is looked at once: ASCII is lowercased; precomposed Latin
/// letters (Latin-1, Latin Extended-A and -B, Latin Extended Additional) map through a table to their
/// base letters, with the usual expansions (ß → ss, æ → ae, œ → oe, þ → th) and the letters with strokes
/// no decomposition reaches (ø → o, đ → d, ł → l, ħ → h); combining marks (U+0300–U+036F and the other
/// combining blocks) are dropped, so a decomposed "o\u{308}" folds like "ö"; everything else is
/// lowercased by the standard library's own Unicode tables. Folding is idempotent: a folded text folds
/// to itself, which lets `FilterExpression` compare folded needles with raw ASCII directly.
public enum TextFolding {
    /// `s` lowercased with its diacritics removed.
    public static func fold(_ s: String) -> String {
        String(decoding: foldedUTF8(s), as: UTF8.self)
    }

    /// `fold(s)` as UTF-8 bytes: what the filter searches in, byte by byte.
    static func foldedUTF8(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars { append(scalar, to: &out, lowercased: false) }
        return out
    }

    /// The words of `fold(s)`, cut as the index cuts them where it can be known here: runs of letters
    /// and digits (ASCII, the Latin letters folded to them, and any other scalar Unicode calls alphabetic
    /// or numeric); a combining mark belongs to the word it is on; everything else separates.
    ///
    /// Why "close to" and not "as" the index: its tokenizer has its own Unicode tables and folds ß, æ
    /// and ø as letters of their own where this folds them to ASCII; the two agree on ASCII and on the
    /// characters `IndexWords.NonASCII` lists, which `PhraseMatch` answers through `IndexWords`.
    static func foldedWords(_ s: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var word: [UInt8] = []
        var folded: [UInt8] = []
        for scalar in s.unicodeScalars {
            folded.removeAll(keepingCapacity: true)
            append(scalar, to: &folded, lowercased: false)
            if folded.isEmpty { continue }  // a combining mark, dropped
            let isWordPart = folded.allSatisfy { $0 < 0x80 }
                ? folded.allSatisfy(IndexWords.isFoldedWordByte)
                : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            if isWordPart {
                word += folded
            } else if !word.isEmpty {
                words.append(word)
                word.removeAll()
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }

    /// Appends the folded form of one scalar. `lowercased` is set when the scalar is itself the output of a
    /// lowercase mapping, so it is not mapped again (one level is enough for idempotence).
    private static func append(_ scalar: Unicode.Scalar, to out: inout [UInt8], lowercased: Bool) {
        let value = scalar.value
        if value < 0x80 {
            let byte = UInt8(truncatingIfNeeded: value)
            out.append(byte &- 0x41 < 26 ? byte &+ 0x20 : byte)
            return
        }
        if let mapped = tableEntry(value) {
            out.append(UInt8(truncatingIfNeeded: mapped))
            if mapped > 0xFF { out.append(UInt8(truncatingIfNeeded: mapped >> 8)) }
            return
        }
        if isCombiningMark(value) { return }
        if !lowercased && scalar.properties.changesWhenLowercased {
            for lower in scalar.properties.lowercaseMapping.unicodeScalars { append(lower, to: &out, lowercased: true) }
            return
        }
        UTF8.encode(scalar) { out.append($0) }
    }

    /// The marks that accents are made of when text comes decomposed (NFD, as macOS file names do).
    private static func isCombiningMark(_ value: UInt32) -> Bool {
        (0x0300...0x036F).contains(value) || (0x1AB0...0x1AFF).contains(value) || (0x1DC0...0x1DFF).contains(value)
            || (0x20D0...0x20FF).contains(value) || (0xFE20...0xFE2F).contains(value)
    }

    /// The ASCII folding of a precomposed Latin letter: one or two lowercase bytes packed low byte first,
    /// or nil when the letter has no ASCII base (ə, ʒ…) or is not Latin.
    private static func tableEntry(_ value: UInt32) -> UInt16? {
        let entry: UInt16
        if value >= 0xC0 && value < 0x250 {
            entry = latin[Int(value - 0xC0)]
        } else if value >= 0x1E00 && value < 0x1F00 {
            entry = latinAdditional[Int(value - 0x1E00)]
        } else {
            return nil
        }
        return entry == 0 ? nil : entry
    }

    /// U+00C0 to U+024F.
    private static let latin = packed(latinRows)
    /// U+1E00 to U+1EFF (Vietnamese and other stacked accents).
    private static let latinAdditional = packed(latinAdditionalRows)

    /// Reads the tables below: one entry a code point, separated by spaces, "." for "no ASCII base".
    private static func packed(_ rows: [String]) -> [UInt16] {
        var table: [UInt16] = []
        for row in rows {
            for entry in row.split(separator: " ") {
                let bytes = Array(entry.utf8)
                if bytes == [0x2E] { table.append(0); continue }
                table.append(UInt16(bytes[0]) | (bytes.count > 1 ? UInt16(bytes[1]) << 8 : 0))
            }
        }
        return table
    }

    // Generated from Unicode's decompositions (base letter of the compatibility decomposition, or of the
    // character's name for letters with a stroke or hook), with ß, æ, œ, þ, ð, ø, đ, ł, ħ, ŧ set by hand.
    private static let latinRows: [String] = [
        "a a a a a a ae c e e e e i i i i", // U+00C0 ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ
        "d n o o o o o . o u u u u y th ss", // U+00D0 ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß
        "a a a a a a ae c e e e e i i i i", // U+00E0 àáâãäåæçèéêëìíîï
        "d n o o o o o . o u u u u y th y", // U+00F0 ðñòóôõö÷øùúûüýþÿ
        "a a a a a a c c c c c c c c d d", // U+0100 ĀāĂăĄąĆćĈĉĊċČčĎď
        "d d e e e e e e e e e e g g g g", // U+0110 ĐđĒēĔĕĖėĘęĚěĜĝĞğ
        "g g g g h h h h i i i i i i i i", // U+0120 ĠġĢģĤĥĦħĨĩĪīĬĭĮį
        "i i ij ij j j k k k l l l l l l l", // U+0130 İıĲĳĴĵĶķĸĹĺĻļĽľĿ
        "l l l n n n n n n n n n o o o o", // U+0140 ŀŁłŃńŅņŇňŉŊŋŌōŎŏ
        "o o oe oe r r r r r r s s s s s s", // U+0150 ŐőŒœŔŕŖŗŘřŚśŜŝŞş
        "s s t t t t t t u u u u u u u u", // U+0160 ŠšŢţŤťŦŧŨũŪūŬŭŮů
        "u u u u w w y y y z z z z z z s", // U+0170 ŰűŲųŴŵŶŷŸŹźŻżŽžſ
        "b b b b . . . c c d d d d . . .", // U+0180 ƀƁƂƃƄƅƆƇƈƉƊƋƌƍƎƏ
        ". f f g . . . i k k l . . n n o", // U+0190 ƐƑƒƓƔƕƖƗƘƙƚƛƜƝƞƟ
        "o o . . p p . . . . . t t t t u", // U+01A0 ƠơƢƣƤƥƦƧƨƩƪƫƬƭƮƯ
        "u . v y y z z . . . . . . . . .", // U+01B0 ưƱƲƳƴƵƶƷƸƹƺƻƼƽƾƿ
        ". . . . dz dz dz lj lj lj nj nj nj a a i", // U+01C0 ǀǁǂǃǄǅǆǇǈǉǊǋǌǍǎǏ
        "i o o u u u u u u u u u u . a a", // U+01D0 ǐǑǒǓǔǕǖǗǘǙǚǛǜǝǞǟ
        "a a ae ae g g g g k k o o o o . .", // U+01E0 ǠǡǢǣǤǥǦǧǨǩǪǫǬǭǮǯ
        "j dz dz dz g g . . n n a a ae ae o o", // U+01F0 ǰǱǲǳǴǵǶǷǸǹǺǻǼǽǾǿ
        "a a a a e e e e i i i i o o o o", // U+0200 ȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏ
        "r r r r u u u u s s t t . . h h", // U+0210 ȐȑȒȓȔȕȖȗȘșȚțȜȝȞȟ
        "n d . . z z a a e e o o o o o o", // U+0220 ȠȡȢȣȤȥȦȧȨȩȪȫȬȭȮȯ
        "o o y y l n t j . . a c c l t s", // U+0230 ȰȱȲȳȴȵȶȷȸȹȺȻȼȽȾȿ
        "z . . b u . e e j j q q r r y y", // U+0240 ɀɁɂɃɄɅɆɇɈɉɊɋɌɍɎɏ
    ]

    private static let latinAdditionalRows: [String] = [
        "a a b b b b b b c c d d d d d d", // U+1E00 ḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏ
        "d d d d e e e e e e e e e e f f", // U+1E10 ḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟ
        "g g h h h h h h h h h h i i i i", // U+1E20 ḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯ
        "k k k k k k l l l l l l l l m m", // U+1E30 ḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿ
        "m m m m n n n n n n n n o o o o", // U+1E40 ṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏ
        "o o o o p p p p r r r r r r r r", // U+1E50 ṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟ
        "s s s s s s s s s s t t t t t t", // U+1E60 ṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯ
        "t t u u u u u u u u u u v v v v", // U+1E70 ṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿ
        "w w w w w w w w w w x x x x y y", // U+1E80 ẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏ
        "z z z z z z h t w y a s s s ss .", // U+1E90 ẐẑẒẓẔẕẖẗẘẙẚẛẜẝẞẟ
        "a a a a a a a a a a a a a a a a", // U+1EA0 ẠạẢảẤấẦầẨẩẪẫẬậẮắ
        "a a a a a a a a e e e e e e e e", // U+1EB0 ẰằẲẳẴẵẶặẸẹẺẻẼẽẾế
        "e e e e e e e e i i i i o o o o", // U+1EC0 ỀềỂểỄễỆệỈỉỊịỌọỎỏ
        "o o o o o o o o o o o o o o o o", // U+1ED0 ỐốỒồỔổỖỗỘộỚớỜờỞở
        "o o o o u u u u u u u u u u u u", // U+1EE0 ỠỡỢợỤụỦủỨứỪừỬửỮữ
        "u u y y y y y y y y ll ll . . y y", // U+1EF0 ỰựỲỳỴỵỶỷỸỹỺỻỼỽỾỿ
    ]
}
