/// The playlist file formats hum reads and writes.
public enum PlaylistFormat: String, Sendable, CaseIterable {
    /// Extended M3U in the system's legacy encoding: read as UTF-8, or Windows-1252 when that fails.
    case m3u
    /// Extended M3U in UTF-8.
    case m3u8
    /// Winamp's INI-style playlist (`[playlist]`, `File1=`…), UTF-8.
    case pls
    /// XML Shareable Playlist Format: written only.
    case xspf

    /// The format a file name's extension names (case-insensitive), nil if unknown.
    /// Only the last path component is looked at: `"/a.m3u/b"` has no extension.
    public init?(fileName: String) {
        let scalars = fileName.unicodeScalars
        guard let dot = scalars.lastIndex(of: "."), !scalars[dot...].contains("/") else { return nil }
        let suffix = String(scalars[scalars.index(after: dot)...])
        self.init(rawValue: suffix.lowercased())
    }

    /// The format of a playlist file whose name says none (cmus keeps its playlists as
    /// `~/.config/cmus/playlists/NAME`, one path a line): PLS when its first line is `[playlist]`, M3U for
    /// text that reads as lines (UTF-8, or the legacy encoding), nil for XML and for binary content (a NUL).
    public static func sniffed(_ bytes: [UInt8]) -> PlaylistFormat? {
        guard !bytes.contains(0) else { return nil }
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        let head = bytes[start...].prefix(10).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        if head.starts(with: Array("[playlist]".utf8)) { return .pls }
        if head.first == UInt8(ascii: "<") { return nil }
        return .m3u
    }

    /// Whether `PlaylistFiles.parse` accepts this format (XSPF is written, never read).
    public var canRead: Bool { self != .xspf }
}

/// One entry of a playlist file, as the file wrote it.
public struct PlaylistFileEntry: Sendable, Equatable {
    /// As written in the file (trimmed): a path, relative or absolute, or a URL. See `PlaylistFiles.resolve`.
    public var location: String
    /// The display title the file gives (`#EXTINF`, PLS `TitleN`), e.g. "Artist - Title".
    public var title: String?
    /// Seconds; nil when the file does not know (absent or negative, e.g. -1).
    public var duration: Double?

    public init(location: String, title: String? = nil, duration: Double? = nil) {
        self.location = location
        self.title = title
        self.duration = duration
    }
}

/// Why a playlist file could not be read: one line naming the problem, and its line when there is one.
public struct PlaylistFileError: Error, Equatable, CustomStringConvertible {
    public var description: String
    /// The 1-based line the problem is on, when it is on one.
    public var line: Int?

    public init(_ problem: String, line: Int? = nil) {
        self.line = line
        description = line.map { "line \($0): \(problem)" } ?? problem
    }
}

/// A playlist to write: hum's tracks with what it knows of them.
public struct RenderedPlaylist: Sendable, Equatable {
    public var name: String
    public var tracks: [Track]

    public struct Track: Sendable, Equatable {
        /// The file's absolute path (a relative path or a URL is written as given).
        public var path: String
        public var title: String?
        public var artist: String?
        /// Seconds; nil when unknown.
        public var duration: Double?

        public init(path: String, title: String? = nil, artist: String? = nil, duration: Double? = nil) {
            self.path = path
            self.title = title
            self.artist = artist
            self.duration = duration
        }

        /// "Artist - Title", or whichever of the two is known; nil when neither is.
        var displayTitle: String? {
            switch (artist?.nonEmpty, title?.nonEmpty) {
            case let (artist?, title?): "\(artist) - \(title)"
            case let (nil, title?): title
            case let (artist?, nil): artist
            case (nil, nil): nil
            }
        }
    }

    public init(name: String, tracks: [Track]) {
        self.name = name
        self.tracks = tracks
    }
}

/// Reading and writing playlist files. Pure: text and bytes in, text and values out; the caller does the I/O.
public enum PlaylistFiles {
    /// Parses M3U/M3U8/PLS text. Blank lines and comments are skipped; a leading BOM is ignored; LF, CRLF and
    /// CR line ends are accepted. Lines that cannot be a location (control characters, NULs) are skipped.
    /// Throws for XSPF (not readable) and for a PLS file without a `[playlist]` section.
    public static func parse(_ text: String, format: PlaylistFormat) throws(PlaylistFileError)
        -> (name: String?, entries: [PlaylistFileEntry]) {
        let lines = TextLines.split(text)
        switch format {
        case .m3u, .m3u8: return M3U.parse(lines)
        case .pls: return try PLS.parse(lines)
        case .xspf: throw PlaylistFileError("XSPF playlists can be written but not read")
        }
    }

    /// Parses file bytes. M3U8 and PLS must be UTF-8 (an invalid byte is an error naming its line); `.m3u` is
    /// tried as UTF-8 and read as Windows-1252 (Latin-1) when that fails. A UTF-8 BOM is ignored, and a file
    /// starting with a UTF-16 BOM is read as UTF-16 whatever its format.
    public static func parse(_ bytes: [UInt8], format: PlaylistFormat) throws(PlaylistFileError)
        -> (name: String?, entries: [PlaylistFileEntry]) {
        guard format.canRead else { throw PlaylistFileError("XSPF playlists can be written but not read") }
        let text = try TextDecoding.decode(bytes, legacyFallback: format == .m3u)
        return try parse(text, format: format)
    }

    /// The local file an entry's location names, as an absolute path when `directory` is absolute:
    /// - absolute paths stay (normalised: `//`, `.` and `..` removed);
    /// - relative paths are joined to `directory` (the playlist's folder) and normalised; backslashes in them
    ///   are taken as separators (Windows-style `Music\a.mp3`);
    /// - `file:` URLs (`file:///p`, `file://localhost/p`, `file:/p`) are percent-decoded to paths;
    /// - nil for other URL schemes (http…), `file:` URLs naming another host, Windows drive (`C:\`) and UNC
    ///   (`\\server`) paths, paths with a NUL, and empty locations: none is a local file here.
    public static func resolve(_ location: String, relativeTo directory: String) -> String? {
        Paths.resolve(location, relativeTo: directory)
    }

    /// Renders a playlist as text (write it as UTF-8, whatever the format).
    ///
    /// M3U/M3U8/PLS: when `directory` (absolute) is given, a path sharing at least its first folder with it is
    /// written relative to it (`a.mp3`, `../Music/a.mp3`); otherwise, and when there is no common prefix, absolute.
    /// A path a line cannot hold as it is (control characters, leading or trailing spaces) is written as a
    /// `file://` URL, so that reading it back gives the same path.
    /// XSPF ignores `directory`: locations are always percent-encoded `file://` URIs.
    public static func render(_ playlist: RenderedPlaylist, format: PlaylistFormat, relativeTo directory: String?) -> String {
        switch format {
        case .m3u, .m3u8: M3U.render(playlist, relativeTo: directory)
        case .pls: PLS.render(playlist, relativeTo: directory)
        case .xspf: XSPF.render(playlist)
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
