/// A track's lyrics, as the `t` panel shows them: timed lines from an LRC text (`[01:02.50]words`), or
/// plain lines from an untimed one. Where they come from (a `.lrc` file beside the track, or its tags)
/// is the runtime's business; this is the reading and the "which line now".
public struct Lyrics: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        /// Seconds into the track, for a timed line.
        public var time: Double?
        public var text: String

        public init(time: Double?, text: String) {
            self.time = time
            self.text = text
        }
    }

    /// In order: by time when timed.
    public var lines: [Line]
    /// Where they were found, as the panel's title says it: "from song.lrc", "from the tags".
    public var source: String

    /// At most this many lines are kept (a tag or file of megabytes is someone's mistake, not lyrics).
    public static let lineLimit = 2_000

    public init(lines: [Line], source: String) {
        self.lines = lines
        self.source = source
    }

    public var isTimed: Bool { lines.first?.time != nil }

    /// Reads LRC or plain text. A line may carry several time tags (`[00:12.00][01:30.00]chorus`); word
    /// times (`<00:12.50>`) of "enhanced" LRC are dropped; `[offset:+500]` moves every line 0.5 s earlier,
    /// as the format says. When any line is timed, the untimed ones (`[ar:…]` and other headers, notes)
    /// are left out; otherwise every line is kept as written, blank ones too (verses), without the blank
    /// lines at either end. Nil when nothing is left.
    public static func parse(_ text: String, source: String) -> Lyrics? {
        var timed: [Line] = [], plain: [String] = []
        var offset = 0.0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).prefix(lineLimit) {
            var rest = Substring(rawLine.filter { $0 != "\u{FEFF}" })
            var times: [Double] = []
            var header = false
            while rest.first == "[", let close = rest.firstIndex(of: "]") {
                let tag = rest[rest.index(after: rest.startIndex)..<close]
                if let time = Self.time(tag) {
                    times.append(time)
                } else if tag.lowercased().hasPrefix("offset:"), let milliseconds = Double(tag.dropFirst(7).trimmingSpaces) {
                    offset = milliseconds / 1000
                    header = true
                } else if times.isEmpty, tag.contains(":") {
                    header = true  // [ar:Artist], [ti:Title], [length:3:20]…
                } else {
                    break
                }
                rest = rest[rest.index(after: close)...]
            }
            let words = String(Self.withoutWordTimes(rest).trimmingSpaces)
            if !times.isEmpty {
                timed += times.map { Line(time: $0, text: words) }
            } else if !header {
                plain.append(String(rawLine.trimmingSpaces))
            }
        }
        if !timed.isEmpty {
            let lines = timed.enumerated().sorted { ($0.element.time!, $0.offset) < ($1.element.time!, $1.offset) }
                .map { Line(time: max(0, $0.element.time! - offset), text: $0.element.text) }
            return Lyrics(lines: lines, source: source)
        }
        while plain.last?.isEmpty == true { plain.removeLast() }
        while plain.first?.isEmpty == true { plain.removeFirst() }
        return plain.isEmpty ? nil : Lyrics(lines: plain.map { Line(time: nil, text: $0) }, source: source)
    }

    /// The timed line being sung at `position`: the last one that has begun. Nil before the first, and
    /// for untimed lyrics.
    public func currentLine(at position: Double) -> Int? {
        guard isTimed else { return nil }
        var low = 0, high = lines.count
        while low < high {
            let middle = (low + high) / 2
            if lines[middle].time! <= position { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// `mm:ss`, `mm:ss.xx`, `mm:ss:xx` (some writers), minutes of any length.
    static func time(_ tag: Substring) -> Double? {
        let parts = tag.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let minutes = Int(parts[0]), minutes >= 0,
              parts[1].count >= 1, parts[1].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let seconds = Double(parts[1]), seconds < 60 else { return nil }
        var fraction = 0.0
        if parts.count == 3 {
            guard !parts[2].isEmpty, parts[2].allSatisfy({ $0.isASCII && $0.isNumber }), let hundredths = Double("0." + parts[2]) else { return nil }
            fraction = hundredths
        }
        return Double(minutes) * 60 + seconds + fraction
    }

    /// The text without `<mm:ss.xx>` word times.
    static func withoutWordTimes(_ text: Substring) -> String {
        var result = "", rest = text
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">"), time(rest[rest.index(after: open)..<close]) != nil else {
                result += rest[...open]
                rest = rest[rest.index(after: open)...]
                continue
            }
            result += rest[..<open]
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: SubSequence {
        var trimmed = self[...]
        while let first = trimmed.first, first == " " || first == "\t" { trimmed = trimmed.dropFirst() }
        while let last = trimmed.last, last == " " || last == "\t" || last == "\r" { trimmed = trimmed.dropLast() }
        return trimmed
    }
}
