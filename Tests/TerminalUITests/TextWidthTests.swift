import Testing
import TerminalUI

/// The bytes of a string: `String ==` takes NFC and NFD spellings as equal, and "unchanged" means the same bytes.
private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite("Display width of characters and strings")
struct DisplayWidthTests {
    @Test("Printable ASCII is one column a character")
    func ascii() {
        for value in UInt8(0x20)...UInt8(0x7E) {
            #expect(DisplayWidth.of(Character(Unicode.Scalar(value))) == 1)
        }
        #expect(DisplayWidth.of("Hello, world!") == 13)
        #expect(DisplayWidth.of("") == 0)
        #expect(DisplayWidth.of("Kid A"[...]) == 5)
    }

    @Test("Latin with accents is one column, precomposed or decomposed")
    func latinWithMarks() {
        let nfc = "\u{E9}", nfd = "e\u{301}"
        #expect(nfd.count == 1)
        #expect(DisplayWidth.of(Character(nfc)) == 1)
        #expect(DisplayWidth.of(Character(nfd)) == 1)
        #expect(DisplayWidth.of("Beyonc\u{E9}") == 7)
        #expect(DisplayWidth.of("Beyonce\u{301}") == 7)
        #expect(DisplayWidth.of("Ti\u{1EBF}ng Vi\u{1EC7}t") == 10)
        #expect(DisplayWidth.of("Tie\u{302}\u{301}ng Vie\u{323}\u{302}t") == 10)
        #expect(DisplayWidth.of("Bj\u{F6}rk Sigur R\u{F3}s \u{C6}\u{F8}\u{DF}") == 19)
    }

    @Test("Other alphabets are one column a letter: Greek, Cyrillic, Arabic, Hebrew, Thai, Devanagari")
    func otherScripts() {
        #expect(DisplayWidth.of("Ελλάδα") == 6)
        #expect(DisplayWidth.of("Привет") == 6)
        #expect(DisplayWidth.of("مرحبا") == 5)
        // With harakat: each mark joins its letter.
        #expect(DisplayWidth.of("شُكْرًا") == 4)
        #expect(DisplayWidth.of("שלום") == 4)
        // With niqqud.
        #expect(DisplayWidth.of("שָׁלוֹם") == 4)
        #expect(DisplayWidth.of("สวัสดี") == 4)
        // One cluster each: न, म, स्ते.
        #expect(DisplayWidth.of("नमस्ते") == 3)
        #expect(DisplayWidth.of(Character("क्षि")) == 1)
    }

    @Test("CJK ideographs, kana and Hangul are two columns")
    func eastAsianWide() {
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("坂本龍一") == 8)
        #expect(DisplayWidth.of("ひらがな") == 8)
        #expect(DisplayWidth.of("カタカナ") == 8)
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("、。「」") == 8)
        // Ideographic space is fullwidth.
        #expect(DisplayWidth.of("\u{3000}") == 2)
        // Extension A, B (plane 2), G and H (plane 3).
        for scalar in ["\u{3400}", "\u{20000}", "\u{2A6D6}", "\u{30000}", "\u{31350}", "\u{323AF}"] {
            #expect(DisplayWidth.of(Character(scalar)) == 2, "U+\(String(scalar.unicodeScalars.first!.value, radix: 16))")
        }
        // Kana supplement, Nushu, Tangut, enclosed ideographic supplement.
        for scalar in ["\u{1B001}", "\u{1B132}", "\u{1B170}", "\u{17000}", "\u{1F200}", "\u{1F250}"] {
            #expect(DisplayWidth.of(Character(scalar)) == 2, "U+\(String(scalar.unicodeScalars.first!.value, radix: 16))")
        }
        // Yijing hexagrams, between Extension A and the unified ideographs, are narrow.
        #expect(DisplayWidth.of("\u{4DC0}") == 1)
    }

    @Test("Hangul conjoining jamo make one two-column syllable")
    func hangulJamo() {
        let syllable = "\u{1100}\u{1161}\u{11A8}"  // ᄀ + ᅡ + ᆨ = 각
        #expect(syllable.count == 1)
        #expect(DisplayWidth.of(syllable) == 2)
        #expect(DisplayWidth.of("\u{A960}\u{D7B0}\u{D7CB}") == 2)
        // A medial vowel or final consonant on its own takes no column.
        #expect(DisplayWidth.of(Character("\u{1161}")) == 0)
        #expect(DisplayWidth.of(Character("\u{11A8}")) == 0)
        #expect(DisplayWidth.of(Character("\u{D7B0}")) == 0)
    }

    @Test("Fullwidth forms are two columns, halfwidth forms one")
    func fullwidthAndHalfwidth() {
        #expect(DisplayWidth.of("ＡＢＣ") == 6)
        #expect(DisplayWidth.of("！？") == 4)
        #expect(DisplayWidth.of("￥￡") == 4)
        #expect(DisplayWidth.of("ﾊﾝｶｸ") == 4)
        #expect(DisplayWidth.of("\u{FFE8}") == 1)
        // Vertical and small forms.
        #expect(DisplayWidth.of("\u{FE10}\u{FE31}\u{FE50}") == 6)
    }

    @Test("Emoji are two columns, however many scalars they are made of",
          arguments: ["😀", "👩‍💻", "🧑🏽‍🚀", "🇯🇵", "🇺🇸", "❤️", "1️⃣", "#️⃣", "👍🏽", "☝🏽", "🏳️‍🌈", "❤️‍🔥",
                      "👨‍👩‍👧‍👦", "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "☺️", "©️", "⌚", "✅", "🫨", "\u{1FA89}", "🏽", "👁‍🗨"])
    func emoji(_ emoji: String) {
        #expect(emoji.count == 1)
        #expect(DisplayWidth.of(Character(emoji)) == 2)
        #expect(DisplayWidth.of(emoji) == 2)
    }

    @Test("Text-presentation symbols without VS16 are one column", arguments: ["❤", "☺", "©", "™", "☀", "✈", "♥", "↔"])
    func textPresentation(_ symbol: String) {
        #expect(DisplayWidth.of(Character(symbol)) == 1)
        #expect(DisplayWidth.of(Character(symbol + "\u{FE0F}")) == 2)
    }

    @Test("A lone regional indicator is one column, a pair (a flag) two")
    func regionalIndicators() {
        #expect(DisplayWidth.of(Character("\u{1F1EF}")) == 1)
        #expect(DisplayWidth.of("\u{1F1EF}\u{1F1F5}") == 2)
        // Three indicators: a flag, then a lone one.
        #expect("\u{1F1EF}\u{1F1F5}\u{1F1FA}".count == 2)
        #expect(DisplayWidth.of("\u{1F1EF}\u{1F1F5}\u{1F1FA}") == 3)
    }

    @Test("A digit with the keycap mark but without VS16 stays text, and VS15 does not narrow a wide emoji")
    func presentationSelectors() {
        #expect(DisplayWidth.of(Character("1\u{20E3}")) == 1)
        #expect(DisplayWidth.of(Character("\u{231A}\u{FE0E}")) == 2)
        #expect(DisplayWidth.of(Character("a\u{FE0F}")) == 1)
        #expect(DisplayWidth.of("I ❤️ NY") == 7)
        #expect(DisplayWidth.of("I ❤ NY") == 6)
    }

    @Test("Zero-width scalars add nothing, alone or attached")
    func zeroWidth() {
        for scalar in ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{FE0F}", "\u{FE00}", "\u{E0100}",
                       "\u{301}", "\u{20DD}", "\u{E0041}"] {
            #expect(DisplayWidth.of(Character(scalar)) == 0, "U+\(String(scalar.unicodeScalars.first!.value, radix: 16))")
        }
        #expect(DisplayWidth.of("a\u{200B}b") == 2)
        #expect(DisplayWidth.of("a\u{200D}b") == 2)
        #expect(DisplayWidth.of("a\u{FE00}") == 1)
        #expect(DisplayWidth.of("日\u{E0100}") == 2)
        #expect(DisplayWidth.of("\u{301}abc") == 3)
        // The combining kana voiced mark and ideographic tone marks are wide in East Asian Width but combine.
        #expect(DisplayWidth.of("か\u{3099}") == 2)
        #expect(DisplayWidth.of(Character("\u{302A}")) == 0)
    }

    @Test("Soft hyphen is one column, as terminals draw it")
    func softHyphen() {
        #expect(DisplayWidth.of(Character("\u{AD}")) == 1)
        #expect(DisplayWidth.of("co\u{AD}op") == 5)
    }

    @Test("A string's width is the sum of its characters' widths, by the ASCII path or not")
    func sumOfCharacters() {
        let samples = ["", "abc", "a\r\nb", "\r\n\r\n", "a\u{301}b", "x日y", "ab👩‍💻cd", "Ｆｕｌｌ", "\u{1F1EF}\u{1F1F5}!",
                       "e\u{301}\u{301}\u{301}", "\u{FFFD}", "tab\there"]
        for sample in samples {
            #expect(DisplayWidth.of(sample) == sample.reduce(0) { $0 + DisplayWidth.of($1) }, "\(sample.debugDescription)")
            #expect(DisplayWidth.of(sample[...]) == DisplayWidth.of(sample))
        }
        #expect(DisplayWidth.of("a\r\nb") == 3)
        #expect(DisplayWidth.of(Character("\u{FFFD}")) == 1)
    }

    @Test("Measuring scalar by scalar gives the same width as measuring cluster by cluster")
    func scalarPathAgreesWithClusters() {
        // Edges of the scalar-by-scalar ranges, and scalars that join clusters or must be measured by them.
        let scalars: [UInt32] = [0x41, 0x0D, 0x0A, 0xA9, 0xAD, 0x2FF, 0x301, 0x36F, 0x3B1, 0x483, 0x5B4, 0x5D0, 0x600, 0x627,
                                 0x64E, 0x6DD, 0x915, 0x93F, 0x94D, 0x1100, 0x1161, 0x11A8, 0x200B, 0x200D, 0x2026, 0x203C,
                                 0x2122, 0x2500, 0x3000, 0x302A, 0x302E, 0x3099, 0x65E5, 0xAC00, 0xFE0F, 0xFF21, 0xFF76,
                                 0xFF9E, 0x1F1EF, 0x1F3FD, 0x1F469, 0x2764, 0x20E3]
        var mismatches: [String] = []
        for a in scalars {
            for b in scalars {
                for c in [0x41, 0x301, 0x200D, 0xFE0F, 0x1F1F5, 0x65E5, 0x1161, 0x94D, 0x937] as [UInt32] {
                    let text = String(String.UnicodeScalarView([a, b, c].map { Unicode.Scalar($0)! }))
                    let clusters = text.reduce(0) { $0 + DisplayWidth.of($1) }
                    if DisplayWidth.of(text) != clusters { mismatches.append(text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ")) }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
        for value in UInt32(0x20)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(scalar)"
            if DisplayWidth.of(text) != DisplayWidth.of(Character(scalar)) { mismatches.append(String(value, radix: 16)) }
            let between = "x\(scalar)y"
            if DisplayWidth.of(between) != between.reduce(0, { $0 + DisplayWidth.of($1) }) { mismatches.append("x \(String(value, radix: 16)) y") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test("Every scalar of the Basic Multilingual Plane has a width of 0, 1 or 2")
    func everyScalarIsMeasured() {
        var wide = 0
        for value in UInt32(0x20)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let width = DisplayWidth.of(Character(scalar))
            #expect((0...2).contains(width))
            if width == 2 { wide += 1 }
        }
        // What the table holds below U+10000 (ideographs with their unassigned defaults, 11,172 Hangul
        // syllables, kana, fullwidth forms, emoji): a change to the table shows here.
        #expect(wide == 42_178)
    }
}

@Suite("Text made safe to put on screen")
struct SanitizedTests {
    @Test("Escape sequences lose their ESC and cannot reach the terminal")
    func escapeSequences() {
        let text = DisplayWidth.sanitized("\u{1B}[31mred\u{1B}[0m \u{1B}]0;title\u{7}")
        #expect(!text.unicodeScalars.contains("\u{1B}"))
        #expect(!text.unicodeScalars.contains("\u{7}"))
        #expect(text == "\u{FFFD}[31mred\u{FFFD}[0m \u{FFFD}]0;title\u{FFFD}")
        // The C1 form of CSI, and NEL.
        #expect(DisplayWidth.sanitized("a\u{9B}31mb\u{85}") == "a\u{FFFD}31mb\u{FFFD}")
    }

    @Test("NUL, other C0 controls and DEL become U+FFFD")
    func controls() {
        #expect(DisplayWidth.sanitized("a\u{0}b") == "a\u{FFFD}b")
        #expect(DisplayWidth.sanitized("\u{8}\u{1F}\u{7F}") == "\u{FFFD}\u{FFFD}\u{FFFD}")
    }

    @Test("Bidi formatting characters become U+FFFD, so a title cannot reorder the line")
    func bidi() {
        #expect(DisplayWidth.sanitized("abc\u{202E}fed") == "abc\u{FFFD}fed")
        for value: UInt32 in [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
            let scalar = Unicode.Scalar(value)!
            #expect(DisplayWidth.sanitized("x\(scalar)y") == "x\u{FFFD}y", "U+\(String(value, radix: 16))")
        }
    }

    @Test("Tabs, line breaks and separators become one space each")
    func whitespace() {
        #expect(DisplayWidth.sanitized("a\tb\nc\rd\u{B}e\u{C}f") == "a b c d e f")
        #expect(DisplayWidth.sanitized("a\u{2028}b\u{2029}c") == "a b c")
        #expect(DisplayWidth.sanitized("line\r\nbreak") == "line  break")
    }

    @Test("Text with nothing to replace comes back byte for byte")
    func unchanged() {
        let samples = ["", "Kid A", "Beyonce\u{301} — “Halo” … ‘x’ • ‰ ′", "坂本龍一 👩‍💻 🇯🇵", "\u{A0}\u{AD}\u{C0}\u{FF}",
                       "، ؛ ؟ مرحبا", "\u{2060}\u{206A}\u{202F}\u{2030}\u{2027}\u{200D}\u{200B}", "\u{1F1EF}\u{E0100}"]
        for sample in samples {
            #expect(bytes(DisplayWidth.sanitized(sample)) == bytes(sample), "\(sample.debugDescription)")
        }
    }

    @Test("The byte scan agrees with the rules for every scalar of the Basic Multilingual Plane")
    func everyScalar() {
        func expected(_ value: UInt32) -> String? {
            switch value {
            case 0x09...0x0D, 0x2028, 0x2029: " "
            case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: "\u{FFFD}"
            default: nil
            }
        }
        var mismatches: [UInt32] = []
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "a\(scalar)b"
            let want = expected(value).map { "a\($0)b" } ?? text
            if bytes(DisplayWidth.sanitized(text)) != bytes(want) { mismatches.append(value) }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20).map { String($0, radix: 16) })")
    }
}

@Suite("Text cut to a number of columns")
struct TruncatedTests {
    @Test("Wide text cut at an odd width drops the character that would straddle")
    func wideAtOddWidths() {
        #expect(DisplayWidth.truncated("日本語", to: 4) == "日…")
        #expect(DisplayWidth.truncated("日本語", to: 5) == "日本…")
        #expect(DisplayWidth.truncated("日本語", to: 3) == "日…")
        #expect(DisplayWidth.truncated("日本語", to: 2) == "…")
        #expect(DisplayWidth.truncated("a日本", to: 4) == "a日…")
        #expect(DisplayWidth.truncated("a日本", to: 3) == "a…")
    }

    @Test("Text that fits exactly or with room to spare is unchanged")
    func fits() {
        for (text, columns) in [("日本語", 6), ("日本語", 7), ("hello", 5), ("hello", 80), ("👩‍💻🇯🇵", 4),
                                ("e\u{301}e\u{301}e\u{301}", 3), ("abc\u{301}", 3), ("", 1)] {
            #expect(bytes(DisplayWidth.truncated(text, to: columns)) == bytes(text), "\(text) to \(columns)")
        }
    }

    @Test("ASCII is cut to columns - 1 characters and an ellipsis")
    func ascii() {
        #expect(DisplayWidth.truncated("hello", to: 4) == "hel…")
        #expect(DisplayWidth.truncated("hello world", to: 6) == "hello…")
        #expect(DisplayWidth.truncated("abcd\u{301}", to: 3) == "ab…")
        #expect(DisplayWidth.truncated("abc\u{301}d", to: 3) == "ab…")
    }

    @Test("Emoji sequences and combining marks are never split")
    func clustersKept() {
        #expect(DisplayWidth.truncated("👩‍💻👩‍💻", to: 3) == "👩‍💻…")
        #expect(DisplayWidth.truncated("🇯🇵🇺🇸", to: 3) == "🇯🇵…")
        #expect(DisplayWidth.truncated("🧑🏽‍🚀x", to: 2) == "…")
        #expect(bytes(DisplayWidth.truncated("e\u{301}e\u{301}e\u{301}", to: 2)) == bytes("e\u{301}…"))
        #expect(DisplayWidth.truncated("1️⃣2️⃣", to: 3) == "1️⃣…")
    }

    @Test("Zero or negative columns give nothing; one column gives only the ellipsis", arguments: [-5, -1, 0, 1, 2])
    func edges(_ columns: Int) {
        let result = DisplayWidth.truncated("日本語", to: columns)
        let ascii = DisplayWidth.truncated("abc", to: columns)
        switch columns {
        case ...0:
            #expect(result == "")
            #expect(ascii == "")
        case 1:
            #expect(result == "…")
            #expect(ascii == "…")
        default:
            #expect(result == "…")
            #expect(ascii == "a…")
        }
    }

    @Test("The cut agrees with a plain Character-by-Character cut, whatever the mix of scripts")
    func agreesWithReference() {
        func reference(_ text: String, _ columns: Int) -> String {
            guard columns > 0 else { return "" }
            if DisplayWidth.of(text) <= columns { return text }
            var kept = "", width = 0
            for character in text {
                let w = DisplayWidth.of(character)
                if width + w > columns - 1 { break }
                kept.append(character)
                width += w
            }
            return kept + "…"
        }
        let pieces = ["a", "日", "e\u{301}", "\u{301}", "👩‍💻", "🇯🇵", "❤️", "क्षि", "ب", "\u{200B}", "ｶ", "ﾞ", "한", "\u{1100}\u{1161}",
                      " ", "©", "\u{200D}", "x\u{FE0F}", "Ж"]
        var random = SplitMix(seed: 42)
        for _ in 0..<2_000 {
            let text = (0..<random.next(below: 9)).map { _ in pieces[random.next(below: pieces.count)] }.joined()
            for columns in 0...(DisplayWidth.of(text) + 1) {
                #expect(bytes(DisplayWidth.truncated(text, to: columns)) == bytes(reference(text, columns)),
                        "\(text.debugDescription) to \(columns)")
            }
        }
    }

    @Test("Any cut is at most the columns, at most one short of them, and a prefix of whole characters")
    func properties() {
        let samples = ["Kid A", "坂本龍一 — 戦場のメリークリスマス", "a日b本c語", "👩‍💻 🧑🏽‍🚀 🇯🇵🇺🇸 ❤️ 1️⃣", "Beyonce\u{301} Knowles",
                       "مرحبا بالعالم", "नमस्ते दुनिया", "ｆｕｌｌ　ｗｉｄｔｈ", "x\u{200B}y\u{200B}z", "ab\r\ncd"]
        for sample in samples {
            let width = DisplayWidth.of(sample)
            for columns in 0...(width + 2) {
                let result = DisplayWidth.truncated(sample, to: columns)
                let resultWidth = DisplayWidth.of(result)
                #expect(resultWidth <= columns, "\(sample) to \(columns)")
                if width <= columns {
                    #expect(bytes(result) == bytes(sample))
                } else if columns > 0 {
                    #expect(result.hasSuffix("…"))
                    #expect(resultWidth >= columns - 1, "\(sample) to \(columns): \(result)")
                    let kept = Array(result.dropLast())
                    #expect(kept == Array(sample.prefix(kept.count)), "\(sample) to \(columns): \(result)")
                }
            }
        }
    }
}

@Suite("Text padded to a number of columns")
struct PaddedTests {
    @Test("Short text is filled with spaces, long text cut, to exactly the columns")
    func padding() {
        #expect(DisplayWidth.padded("ab", to: 5) == "ab   ")
        #expect(DisplayWidth.padded("hello", to: 3) == "he…")
        #expect(DisplayWidth.padded("日本語", to: 4) == "日… ")
        #expect(DisplayWidth.padded("日本", to: 4) == "日本")
        #expect(DisplayWidth.padded("日本", to: 5) == "日本 ")
        #expect(DisplayWidth.padded("", to: 2) == "  ")
        #expect(DisplayWidth.padded("abc", to: 0) == "")
        #expect(DisplayWidth.padded("abc", to: -3) == "")
    }

    @Test("The result is always exactly the columns wide")
    func exactWidth() {
        for sample in ["", "a", "日本語", "👩‍💻x🇯🇵", "e\u{301}tude", "\u{200B}"] {
            for columns in 1...9 {
                #expect(DisplayWidth.of(DisplayWidth.padded(sample, to: columns)) == columns, "\(sample) to \(columns)")
            }
        }
    }
}

@Suite("Emoji sequences reduced to what every terminal sizes alike")
struct SimplifiedEmojiTests {
    @Test("ZWJ sequences, skin tones, VS16, keycaps and tags keep their first emoji; flags, marks and text stay")
    func reduced() {
        #expect(DisplayWidth.simplifiedEmoji("Coder 👩‍💻 ok") == "Coder 👩 ok")
        #expect(DisplayWidth.simplifiedEmoji("🧑🏽‍🚀") == "🧑")
        #expect(DisplayWidth.simplifiedEmoji("I ❤️ it") == "I ❤ it")
        #expect(DisplayWidth.simplifiedEmoji("1️⃣") == "1")
        #expect(DisplayWidth.simplifiedEmoji("🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}") == "🏴")
        for kept in ["🇯🇵", "Café", "e\u{301}", "誰かの願い", "نسم علينا", "plain"] {
            #expect(DisplayWidth.simplifiedEmoji(kept) == kept)
        }
    }

    @Test("What is left measures the same as each scalar's wcwidth-style width: the width ncurses assumes")
    func widthsAgree() {
        for sample in ["👩‍💻", "🧑🏽", "❤️", "1️⃣", "👍🏿"] {
            let simple = DisplayWidth.simplifiedEmoji(sample)
            #expect(simple.unicodeScalars.count == 1, "\(sample)")
            #expect(DisplayWidth.of(simple) == (simple == "❤" || simple == "1" ? 1 : 2), "\(sample) → \(simple)")
        }
    }

    @Test("A grid cell never holds a sequence")
    func inTheGrid() {
        var grid = CellGrid(rows: 1, columns: 20)
        grid.put("a 🧑🏽‍🚀 b ❤️", row: 0, column: 0)
        #expect(grid.text(row: 0) == "a 🧑 b ❤")
    }
}

