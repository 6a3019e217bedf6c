/// Extended M3U (and plain lists of paths): `#EXTM3U`, `#PLAYLIST:Name`, `#EXTINF:<seconds>,<title>`, locations.
enum M3U {
    static func parse(_ lines: [TextLine]) -> (name: String?, entries: [PlaylistFileEntry]) {
        var name: String?
        var entries: [PlaylistFileEntry] = []
        /// The last `#EXTINF` read, for the next location only.
        var pending: (duration: Double?, title: String?)?
        for line in lines {
            let text = line.text
            if text.isEmpty { continue }
            if text.unicodeScalars.first == "#" {
                if let value = directive("#EXTINF:", in: text) {
                    pending = extinf(value)
                } else if let value = directive("#PLAYLIST:", in: text), name == nil {
                    name = TextLines.trimmed(value).nonEmpty
                }
                continue  // #EXTM3U, other directives and comments
            }
            if TextLines.hasControlCharacter(text) {
                pending = nil  // not a location: binary garbage, NUL padding
                continue
            }
            entries.append(PlaylistFileEntry(location: text, title: pending?.title, duration: pending?.duration))
            pending = nil
        }
        return (name, entries)
    }

    /// What follows `prefix` (matched case-insensitively, ASCII) at the start of `line`, or nil.
    private static func directive(_ prefix: String, in line: String) -> Substring? {
        let scalars = Substring(line).unicodeScalars
        guard scalars.count >= prefix.unicodeScalars.count,
              zip(scalars, prefix.unicodeScalars).allSatisfy({ asciiUppercased($0) == $1 }) else { return nil }
        return Substring(scalars.dropFirst(prefix.unicodeScalars.count))
    }

    private static func asciiUppercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("a"..."z").contains(scalar) ? Unicode.Scalar(scalar.value - 32) ?? scalar : scalar
    }

    /// `#EXTINF:` values: `123,Title`, `123.5,Title`, `-1,Title`, `123 tvg-id="x" group="a, b",Title`, `123`, `,Title`.
    /// The title starts after the first comma outside double quotes (attributes may quote commas); with unbalanced
    /// quotes, after the first comma.
    static func extinf(_ value: Substring) -> (duration: Double?, title: String?) {
        let scalars = value.unicodeScalars
        var insideQuotes = false
        var separator: Substring.UnicodeScalarView.Index?
        for index in scalars.indices {
            let scalar = scalars[index]
            if scalar == "\"" { insideQuotes.toggle() } else if scalar == ",", !insideQuotes { separator = index; break }
        }
        separator = separator ?? scalars.firstIndex(of: ",")
        let head = separator.map { scalars[..<$0] } ?? scalars[...]
        let title = separator.map { TextLines.trimmed(scalars[scalars.index(after: $0)...]) }
        let durationText = TextLines.trimmed(head).unicodeScalars.prefix { !TextLines.isBlank($0) }
        return (seconds(String(String.UnicodeScalarView(durationText))), title?.nonEmpty)
    }

    /// A duration in seconds, nil when absent, unparsable, negative (-1 means unknown) or not finite.
    static func seconds(_ text: String) -> Double? {
        guard text.utf8.count <= 40, let value = Double(text), value.isFinite, value >= 0 else { return nil }
        return value
    }

    static func render(_ playlist: RenderedPlaylist, relativeTo directory: String?) -> String {
        var text = "#EXTM3U\n"
        if let name = TextLines.oneLine(playlist.name).nonEmpty { text += "#PLAYLIST:\(name)\n" }
        for track in playlist.tracks {
            let title = track.displayTitle.map(TextLines.oneLine) ?? ""
            if track.duration != nil || !title.isEmpty {
                text += "#EXTINF:\(wholeSeconds(track.duration)),\(title)\n"
            }
            text += Paths.location(for: track.path, relativeTo: directory) + "\n"
        }
        return text
    }

    /// Seconds rounded to a whole number, -1 when unknown (or not a sane duration).
    static func wholeSeconds(_ duration: Double?) -> Int {
        guard let duration, duration.isFinite, duration >= 0, duration < 1e15 else { return -1 }
        return Int(duration.rounded())
    }
}
