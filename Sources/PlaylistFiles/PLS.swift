/// PLS: an INI file with a `[playlist]` section of `FileN=`, `TitleN=`, `LengthN=`, `NumberOfEntries=`, `Version=2`.
enum PLS {
    private struct Numbered {
        var file: String?
        var title: String?
        var length: Double?
    }

    /// Keys are case-insensitive; entries come in the order of their numbers, not of their lines; numbers without a
    /// `FileN` are skipped and `NumberOfEntries` is not trusted. Lines outside `[playlist]`, comments (`;`, `#`) and
    /// lines without `=` are ignored; a later `FileN` replaces an earlier one. PLS has no playlist name.
    static func parse(_ lines: [TextLine]) throws(PlaylistFileError) -> (name: String?, entries: [PlaylistFileEntry]) {
        var sawPlaylistSection = false
        var inPlaylistSection = false
        var numbered: [Int: Numbered] = [:]
        for line in lines {
            let text = line.text
            guard let first = text.unicodeScalars.first, first != ";", first != "#" else { continue }
            if first == "[" {
                inPlaylistSection = text.lowercased() == "[playlist]"
                sawPlaylistSection = sawPlaylistSection || inPlaylistSection
                continue
            }
            guard inPlaylistSection, let equals = text.unicodeScalars.firstIndex(of: "=") else { continue }
            let scalars = text.unicodeScalars
            let key = TextLines.trimmed(scalars[..<equals]).lowercased()
            let value = TextLines.trimmed(scalars[scalars.index(after: equals)...])
            for (prefix, field) in [("file", 0), ("title", 1), ("length", 2)] {
                guard key.hasPrefix(prefix), let number = entryNumber(key.dropFirst(prefix.count)) else { continue }
                var entry = numbered[number] ?? Numbered()
                switch field {
                case 0: entry.file = TextLines.hasControlCharacter(value) ? nil : value.nonEmpty
                case 1: entry.title = value.nonEmpty
                default: entry.length = M3U.seconds(value)
                }
                numbered[number] = entry
            }
        }
        guard sawPlaylistSection else { throw PlaylistFileError("not a PLS playlist: no [playlist] section") }
        let entries = numbered.sorted { $0.key < $1.key }.compactMap { _, entry in
            entry.file.map { PlaylistFileEntry(location: $0, title: entry.title, duration: entry.length) }
        }
        return (nil, entries)
    }

    /// The N of `FileN`: ASCII digits only, and small enough for an Int.
    private static func entryNumber(_ digits: Substring) -> Int? {
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return Int(digits)
    }

    static func render(_ playlist: RenderedPlaylist, relativeTo directory: String?) -> String {
        var text = "[playlist]\n"
        for (offset, track) in playlist.tracks.enumerated() {
            let number = offset + 1
            text += "File\(number)=\(Paths.location(for: track.path, relativeTo: directory))\n"
            if let title = track.displayTitle.map(TextLines.oneLine), !title.isEmpty { text += "Title\(number)=\(title)\n" }
            text += "Length\(number)=\(M3U.wholeSeconds(track.duration))\n"
        }
        text += "NumberOfEntries=\(playlist.tracks.count)\nVersion=2\n"
        return text
    }
}
