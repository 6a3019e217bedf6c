/// How many terminal columns text takes, and text made safe to show. (Placeholder rules; see the tests.)
public enum DisplayWidth {
    /// Columns `character` occupies in a terminal: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        switch first.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if character.unicodeScalars.count > 1, character.unicodeScalars.allSatisfy({ (0x1F1E6...0x1F1FF).contains($0.value) }) { return 2 }
        if first.properties.isEmojiPresentation || character.unicodeScalars.contains("\u{FE0F}") { return 2 }
        let wideRanges: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x20000...0x2FFFD, 0x30000...0x3FFFD,
        ]
        return wideRanges.contains { $0.contains(first.value) } ? 2 : 1
    }

    public static func of<S: StringProtocol>(_ text: S) -> Int { text.reduce(0) { $0 + of($1) } }

    /// `text` with control and bidi formatting characters replaced by U+FFFD, tabs by a space.
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsReplacing) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\t" { result.append(" ") } else if needsReplacing(scalar) { result.append("\u{FFFD}") } else { result.append(scalar) }
        }
        return String(result)
    }

    static func needsReplacing(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value) || scalar.value == 0x200E || scalar.value == 0x200F || scalar.value == 0x061C
    }

    /// `text` cut to at most `columns` columns, ending with "…" when cut.
    public static func truncated(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if of(text) <= columns { return text }
        var result = ""
        var width = 0
        for character in text {
            let w = of(character)
            if width + w > columns - 1 { break }
            result.append(character)
            width += w
        }
        return result + "…"
    }
}
