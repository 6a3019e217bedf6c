/// MusicBrainz identifiers, as written by Picard.
public struct MusicBrainzIDs: Sendable, Equatable, Codable {
    public var recordingID: String?
    public var releaseTrackID: String?
    public var releaseID: String?
    public var releaseGroupID: String?
    public var artistIDs: [String]
    public var albumArtistIDs: [String]

    public init(recordingID: String? = nil, releaseTrackID: String? = nil, releaseID: String? = nil,
                releaseGroupID: String? = nil, artistIDs: [String] = [], albumArtistIDs: [String] = []) {
        self.recordingID = recordingID
        self.releaseTrackID = releaseTrackID
        self.releaseID = releaseID
        self.releaseGroupID = releaseGroupID
        self.artistIDs = artistIDs
        self.albumArtistIDs = albumArtistIDs
    }

    public var isEmpty: Bool {
        recordingID == nil && releaseTrackID == nil && releaseID == nil && releaseGroupID == nil
            && artistIDs.isEmpty && albumArtistIDs.isEmpty
    }
}

/// The tags hum uses, interpreted from a file's full property map (see `init(properties:codec:)`).
public struct TrackTags: Sendable, Equatable, Codable {
    public var title: String?
    /// Every credited artist, in order (from ARTISTS when present, otherwise every ARTIST value).
    public var artists: [String]
    public var albumArtist: String?
    public var album: String?
    public var trackNumber: Int?
    public var trackTotal: Int?
    public var discNumber: Int?
    public var discTotal: Int?
    /// The date as tagged ("1997", "1997-05-21").
    public var date: String?
    /// The year taken from `date` (or ORIGINALDATE when DATE is missing).
    public var year: Int?
    public var genres: [String]
    public var musicBrainz: MusicBrainzIDs
    public var replayGain: ReplayGainInfo
    /// Every property the file carries, keys upper-cased, for export and for `hum probe`.
    public var properties: [String: [String]]

    public init(title: String? = nil, artists: [String] = [], albumArtist: String? = nil, album: String? = nil,
                trackNumber: Int? = nil, trackTotal: Int? = nil, discNumber: Int? = nil, discTotal: Int? = nil,
                date: String? = nil, year: Int? = nil, genres: [String] = [],
                musicBrainz: MusicBrainzIDs = MusicBrainzIDs(), replayGain: ReplayGainInfo = ReplayGainInfo(),
                properties: [String: [String]] = [:]) {
        self.title = title
        self.artists = artists
        self.albumArtist = albumArtist
        self.album = album
        self.trackNumber = trackNumber
        self.trackTotal = trackTotal
        self.discNumber = discNumber
        self.discTotal = discTotal
        self.date = date
        self.year = year
        self.genres = genres
        self.musicBrainz = musicBrainz
        self.replayGain = replayGain
        self.properties = properties
    }

    /// The artists joined for display ("A, B").
    public var artistLine: String? { artists.isEmpty ? nil : artists.joined(separator: ", ") }
}
