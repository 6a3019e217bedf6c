import MusicCore

/// One entry of the play queue: a file and what the engine needs to play it well.
public struct PlaybackItem: Sendable, Equatable, Hashable {
    /// Tells entries apart even when the same file is queued twice.
    public var id: Int
    public var path: String
    /// For display; the engine never reads tags itself.
    public var title: String?
    public var artist: String?
    public var replayGain: ReplayGainInfo
    /// Whether this entry is played as part of its album, in order (ReplayGain `auto` then uses album gain).
    public var albumInOrder: Bool
    /// The format, when whoever queued the file already identified it (saves reading its head again).
    public var codec: AudioCodec?

    public init(id: Int, path: String, title: String? = nil, artist: String? = nil,
                replayGain: ReplayGainInfo = ReplayGainInfo(), albumInOrder: Bool = false, codec: AudioCodec? = nil) {
        self.id = id
        self.path = path
        self.title = title
        self.artist = artist
        self.replayGain = replayGain
        self.albumInOrder = albumInOrder
        self.codec = codec
    }

    public static func == (a: PlaybackItem, b: PlaybackItem) -> Bool { a.id == b.id && a.path == b.path }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// "Title — Artist", falling back to the file name.
    public var displayName: String {
        let name = title ?? path.split(separator: "/").last.map(String.init) ?? path
        return artist.map { "\(name) — \($0)" } ?? name
    }
}
