/// Formats durations the way music players show them.
public enum TimeFormat {
    /// "3:07", "1:02:03"; with `milliseconds`, "3:07.250".
    public static func clock(_ seconds: Double, milliseconds: Bool = false) -> String {
        guard seconds.isFinite else { return "--:--" }
        let totalMillis = Int((max(seconds, 0) * 1000).rounded(milliseconds ? .toNearestOrEven : .down))
        let totalSeconds = totalMillis / 1000
        let h = totalSeconds / 3600, m = (totalSeconds / 60) % 60, s = totalSeconds % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        var text = h > 0 ? "\(h):\(two(m)):\(two(s))" : "\(m):\(two(s))"
        if milliseconds {
            let ms = totalMillis % 1000
            text += "." + (ms < 10 ? "00\(ms)" : ms < 100 ? "0\(ms)" : "\(ms)")
        }
        return text
    }

    /// Parses "90", "1:30", "1:02:03", "1:30.5" or "-10" into seconds; nil for anything else.
    public static func parseSeconds(_ text: String) -> Double? {
        var body = Substring(text)
        var sign = 1.0
        if body.hasPrefix("-") { sign = -1; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0.0
        for (index, part) in parts.enumerated() {
            guard let value = Double(part), value >= 0, value.isFinite else { return nil }
            if index > 0 && value >= 60 { return nil }
            total = total * 60 + value
        }
        return sign * total
    }
}

/// Fixed-point number text ("+1.50", "0.988312") without Foundation's `String(format:)`, which pulls
/// in ICU (see `NaturalOrder`).
public enum FixedPoint {
    public static func fixed(_ value: Double, places: Int, sign: Bool = false) -> String {
        guard value.isFinite else { return "\(value)" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let fraction = Int(scaled - Double(whole) * scale)
        var digits = String(fraction)
        while digits.count < places { digits = "0" + digits }
        let negative = value < 0 && scaled != 0
        let prefix = negative ? "-" : (sign ? "+" : "")
        return prefix + String(whole) + (places > 0 ? "." + digits : "")
    }
}
