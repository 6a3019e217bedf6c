/// Bytes to text: BOMs, UTF-8 validation, the Windows-1252 fallback for legacy `.m3u` files.
enum TextDecoding {
    static func decode(_ bytes: [UInt8], legacyFallback: Bool) throws(PlaylistFileError) -> String {
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return utf16(bytes.dropFirst(2), bigEndian: false) }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return utf16(bytes.dropFirst(2), bigEndian: true) }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        if let text = String(validating: body, as: UTF8.self) { return text }
        if legacyFallback { return windows1252(body) }
        throw PlaylistFileError("not valid UTF-8 text", line: firstInvalidUTF8Line(body))
    }

    /// Windows-1252: Latin-1 with printable characters in 0x80–0x9F; the five bytes it leaves undefined map to
    /// the C1 controls of the same value (as browsers do), so every byte decodes.
    static func windows1252<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if (0x80...0x9F).contains(byte), let mapped = Unicode.Scalar(cp1252High[Int(byte - 0x80)]) {
                scalars.append(mapped)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    private static let cp1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// The 1-based line holding the first byte that is not UTF-8 (lines end at LF; UTF-8 never has 0x0A inside
    /// a character).
    private static func firstInvalidUTF8Line(_ bytes: ArraySlice<UInt8>) -> Int? {
        for (number, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
        where String(validating: line, as: UTF8.self) == nil {
            return number + 1
        }
        return nil
    }
}

/// One line of a playlist's text: its 1-based number and its content, trimmed of spaces and tabs.
struct TextLine {
    var number: Int
    var text: String
}

enum TextLines {
    /// Splits at LF, CRLF and CR (on scalars: `"\r\n"` is one Character), drops a leading BOM, trims each line.
    static func split(_ text: String) -> [TextLine] {
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var lines: [TextLine] = []
        var start = scalars.startIndex
        var index = start
        var number = 1
        while index < scalars.endIndex {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" {
                lines.append(TextLine(number: number, text: trimmed(scalars[start..<index])))
                number += 1
                index = scalars.index(after: index)
                if scalar == "\r", index < scalars.endIndex, scalars[index] == "\n" { index = scalars.index(after: index) }
                start = index
            } else {
                index = scalars.index(after: index)
            }
        }
        if start < scalars.endIndex { lines.append(TextLine(number: number, text: trimmed(scalars[start...]))) }
        return lines
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\u{0B}" || scalar == "\u{0C}"
    }

    static func trimmed(_ scalars: Substring.UnicodeScalarView) -> String {
        guard let first = scalars.firstIndex(where: { !isBlank($0) }),
              let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    static func trimmed(_ text: some StringProtocol) -> String {
        trimmed(Substring(text).unicodeScalars)
    }

    /// True when a line holds a control character (U+0000–U+001F but tab, U+007F–U+009F): no location has one,
    /// and binary garbage and NUL padding do.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
    }

    /// A field (name, title) made to fit on one line: control characters become spaces, then trimmed.
    static func oneLine(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            scalars.append(isControl ? " " : scalar)
        }
        return trimmed(String(scalars))
    }
}
