/// XSPF (https://xspf.org/spec), written only: title, and per track location, title, creator and duration.
enum XSPF {
    static func render(_ playlist: RenderedPlaylist) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <playlist version="1" xmlns="http://xspf.org/ns/0/">

            """
        if let name = playlist.name.nonEmpty { text += "  <title>\(escaped(name))</title>\n" }
        if playlist.tracks.isEmpty {
            text += "  <trackList/>\n"
        } else {
            text += "  <trackList>\n"
            for track in playlist.tracks {
                text += "    <track>\n"
                text += "      <location>\(escaped(location(for: track.path)))</location>\n"
                if let title = track.title?.nonEmpty { text += "      <title>\(escaped(title))</title>\n" }
                if let artist = track.artist?.nonEmpty { text += "      <creator>\(escaped(artist))</creator>\n" }
                if let milliseconds = milliseconds(track.duration) { text += "      <duration>\(milliseconds)</duration>\n" }
                text += "    </track>\n"
            }
            text += "  </trackList>\n"
        }
        text += "</playlist>\n"
        return text
    }

    /// A `file://` URI for an absolute path; a URL is kept, a relative path percent-encoded (a relative URI).
    private static func location(for path: String) -> String {
        if path.unicodeScalars.first == "/" { return Paths.fileURL(for: path) }
        if Paths.urlScheme(path) != nil { return path }
        return Paths.percentEncoded(path)
    }

    private static func milliseconds(_ duration: Double?) -> Int? {
        guard let duration, duration.isFinite, duration >= 0, duration < 1e12 else { return nil }
        return Int((duration * 1000).rounded())
    }

    /// Text for XML 1.0 content and attributes: `& < > " '` escaped, and the characters XML cannot hold at all
    /// (controls but tab, LF, CR; U+FFFE, U+FFFF) dropped.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
