import MusicCore

/// A file as the folder walk found it: where, how big, when last changed.
public struct TrackFile: Sendable, Equatable {
    /// UTF-8 path; a name that is not valid UTF-8 appears with its bad bytes escaped (`\xFF`).
    public var path: String
    /// The exact bytes of the path when it is not valid UTF-8 (needed to open it), otherwise nil.
    public var rawPath: [UInt8]?
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var mtimeNs: Int64

    public init(path: String, rawPath: [UInt8]? = nil, size: Int64, mtimeNs: Int64) {
        self.path = path
        self.rawPath = rawPath
        self.size = size
        self.mtimeNs = mtimeNs
    }
}

/// What reading a file tells: its identity, format, exact length and tags.
public struct TrackMetadata: Sendable, Equatable {
    /// Identifies the content wherever the file moves (see `ContentKey`).
    public var contentKey: String
    public var codec: AudioCodec
    public var formatName: String
    public var duration: Double?
    /// Whether `duration` is sample-exact (gapless-trimmed) rather than the tag library's estimate.
    public var durationExact: Bool
    public var sampleRate: Int?
    public var channels: Int?
    public var bitrateKbps: Int?
    public var tags: TrackTags
    /// Why tags are missing although the audio is fine.
    public var tagWarning: String?

    public init(contentKey: String, codec: AudioCodec, formatName: String, duration: Double?, durationExact: Bool,
                sampleRate: Int?, channels: Int?, bitrateKbps: Int?, tags: TrackTags, tagWarning: String? = nil) {
        self.contentKey = contentKey
        self.codec = codec
        self.formatName = formatName
        self.duration = duration
        self.durationExact = durationExact
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrateKbps = bitrateKbps
        self.tags = tags
        self.tagWarning = tagWarning
    }
}

/// A track of the library, as the rest of hum reads it.
public struct LibraryTrack: Sendable, Equatable, Codable, Identifiable {
    public var id: Int64
    public var path: String
    public var rawPath: [UInt8]?
    public var format: String
    public var duration: Double?
    public var sampleRate: Int?
    public var channels: Int?
    public var title: String?
    public var artists: [String]
    public var albumArtist: String?
    public var album: String?
    public var discNumber: Int?
    public var trackNumber: Int?
    public var year: Int?
    /// Every genre, joined with "; ".
    public var genre: String?
    public var musicBrainzRecordingID: String?
    public var musicBrainzReleaseID: String?
    public var replayGain: ReplayGainInfo
    /// False once the file has gone from disk (its history is kept).
    public var isPresent: Bool

    /// "A, B" or nil.
    public var artistLine: String? { artists.isEmpty ? nil : artists.joined(separator: ", ") }
}

/// A file the library already has, with what the walk compares (size and mtime) to skip it.
public struct KnownFile: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var size: Int64
    public var mtimeNs: Int64
    public var contentKey: String
}

/// A file that failed to read on an earlier scan.
public struct KnownFailure: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var mtimeNs: Int64
    public var reason: String
}

/// What the scan did with one file.
public enum ScanOutcome: Sendable, Equatable {
    case added(Int64)
    /// The file at this path changed; same track, new tags.
    case updated(Int64)
    /// A track whose file left its old path in this scan was found at a new one.
    case moved(Int64, from: String)
    /// A track removed earlier (file deleted) came back; its history reconnects.
    case reconnected(Int64)
}
