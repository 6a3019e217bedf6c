/// A library track as the interface shows, sorts and filters it: plain values, no store behind it.
public struct TrackRow: Sendable, Equatable, Identifiable, Codable {
    public var id: Int64
    public var path: String
    public var title: String
    /// Every artist, joined with ", ".
    public var artist: String
    /// The album artist, or the artist: what the Library tree groups by.
    public var albumArtist: String
    public var album: String
    public var year: Int?
    public var genre: String
    public var discNumber: Int?
    public var trackNumber: Int?
    /// Seconds, when known.
    public var duration: Double?
    /// "mp3", "flac"…
    public var format: String

    public init(id: Int64, path: String, title: String, artist: String, albumArtist: String? = nil, album: String,
                year: Int? = nil, genre: String = "", discNumber: Int? = nil, trackNumber: Int? = nil,
                duration: Double? = nil, format: String = "") {
        self.id = id
        self.path = path
        self.title = title
        self.artist = artist
        self.albumArtist = albumArtist ?? artist
        self.album = album
        self.year = year
        self.genre = genre
        self.discNumber = discNumber
        self.trackNumber = trackNumber
        self.duration = duration
        self.format = format
    }
}
