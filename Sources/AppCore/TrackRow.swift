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

    /// Whether the album artist is not the artist's text: then a search looks in it too. Compared as
    /// bytes, which is quick (`==` on text beyond ASCII compares it canonically, which is not) and
    /// errs only towards looking twice.
    var hasOwnAlbumArtist: Bool {
        albumArtist.utf8.count != artist.utf8.count || !albumArtist.utf8.elementsEqual(artist.utf8)
    }

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
