/// A list of strings as a JSON array (`["A","B"]`), written and read by hand.
///
/// The library stores multi-valued tags (artists, MusicBrainz ids) this way so that SQL can use
/// `json_each` on them; Foundation's JSON coders cost ~15 µs a call on Linux, which a 100,000-track scan
/// and every library read would pay.
enum JSONStringList {
    static func encode(_ values: [String]) -> String {
        var out = "["
        for (index, value) in values.enumerated() {
            if index > 0 { out += "," }
            out += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: out.unicodeScalars.append(scalar)
                }
            }
            out += "\""
        }
        return out + "]"
    }

    /// Reads what `encode` writes (and any JSON array of strings); nil for anything else.
    static func decode(_ text: String) -> [String]? {
        var scalars = text.unicodeScalars.makeIterator()
        func next() -> Unicode.Scalar? {
            while let scalar = scalars.next() { if !" \n\r\t".unicodeScalars.contains(scalar) { return scalar } }
            return nil
        }
        guard next() == "[" else { return nil }
        var values: [String] = []
        var token = next()
        if token == "]" { return values }
        while token == "\"" {
            var value = String.UnicodeScalarView()
            var pendingHigh: UInt32?
            while true {
                guard let scalar = scalars.next() else { return nil }
                if scalar == "\"" { break }
                guard scalar == "\\" else { value.append(scalar); continue }
                guard let escaped = scalars.next() else { return nil }
                switch escaped {
                case "n": value.append("\n")
                case "r": value.append("\r")
                case "t": value.append("\t")
                case "b": value.append("\u{08}")
                case "f": value.append("\u{0C}")
                case "u":
                    var code: UInt32 = 0
                    for _ in 0..<4 {
                        guard let digit = scalars.next(), let v = UInt32(String(digit), radix: 16) else { return nil }
                        code = code * 16 + v
                    }
                    if (0xD800..<0xDC00).contains(code) { pendingHigh = code; continue }
                    if (0xDC00..<0xE000).contains(code), let high = pendingHigh {
                        code = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                    }
                    pendingHigh = nil
                    value.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: value.append(escaped)
                }
            }
            values.append(String(value))
            token = next()
            if token == "]" { return values }
            guard token == "," else { return nil }
            token = next()
        }
        return nil
    }
}
