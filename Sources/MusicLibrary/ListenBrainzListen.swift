/// One listen in ListenBrainz's export layout (the JSON lines of its "export listens" archive), so that
/// history moves between hum and ListenBrainz in both directions.
///
/// hum adds its own context under `track_metadata.additional_info` with `hum_` names (why the listen
/// ended, how much was heard, the source, the session); ListenBrainz ignores unknown keys there, and a
/// hum import of a hum export restores them.
public struct ListenBrainzListen: Codable, Sendable, Equatable {
    public var listenedAt: Int
    public var trackMetadata: TrackMetadata

    public struct TrackMetadata: Codable, Sendable, Equatable {
        public var artistName: String
        public var trackName: String
        public var releaseName: String?
        public var additionalInfo: AdditionalInfo?
        public var mbidMapping: MBIDMapping?

        enum CodingKeys: String, CodingKey {
            case artistName = "artist_name", trackName = "track_name", releaseName = "release_name"
            case additionalInfo = "additional_info", mbidMapping = "mbid_mapping"
        }
    }

    public struct MBIDMapping: Codable, Sendable, Equatable {
        public var recordingMBID: String?
        enum CodingKeys: String, CodingKey { case recordingMBID = "recording_mbid" }
    }

    public struct AdditionalInfo: Codable, Sendable, Equatable {
        public var recordingMBID: String?
        public var releaseMBID: String?
        public var artistMBIDs: [String]?
        public var trackNumber: Int?
        public var durationMs: Int?
        public var mediaPlayer: String?
        public var submissionClient: String?
        public var humStartedAtMs: Int64?
        public var humEndReason: String?
        public var humOutcome: String?
        public var humSecondsHeard: Double?
        public var humPositionReached: Double?
        public var humSource: String?
        public var humSourceName: String?
        public var humSessionID: String?
        public var humPath: String?

        enum CodingKeys: String, CodingKey {
            case recordingMBID = "recording_mbid", releaseMBID = "release_mbid", artistMBIDs = "artist_mbids"
            case trackNumber = "tracknumber", durationMs = "duration_ms", mediaPlayer = "media_player"
            case submissionClient = "submission_client"
            case humStartedAtMs = "hum_started_at_ms", humEndReason = "hum_end_reason", humOutcome = "hum_outcome"
            case humSecondsHeard = "hum_seconds_heard", humPositionReached = "hum_position_reached"
            case humSource = "hum_source", humSourceName = "hum_source_name", humSessionID = "hum_session_id"
            case humPath = "hum_path"
        }

        public init() {}

        /// ListenBrainz writes `tracknumber` as a number or a string ("3", "3/12").
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            recordingMBID = try? c.decodeIfPresent(String.self, forKey: .recordingMBID)
            releaseMBID = try? c.decodeIfPresent(String.self, forKey: .releaseMBID)
            artistMBIDs = try? c.decodeIfPresent([String].self, forKey: .artistMBIDs)
            if let number = try? c.decodeIfPresent(Int.self, forKey: .trackNumber) {
                trackNumber = number
            } else if let text = try? c.decodeIfPresent(String.self, forKey: .trackNumber) {
                trackNumber = Int(text.split(separator: "/").first ?? "")
            }
            durationMs = try? c.decodeIfPresent(Int.self, forKey: .durationMs)
            mediaPlayer = try? c.decodeIfPresent(String.self, forKey: .mediaPlayer)
            submissionClient = try? c.decodeIfPresent(String.self, forKey: .submissionClient)
            humStartedAtMs = try? c.decodeIfPresent(Int64.self, forKey: .humStartedAtMs)
            humEndReason = try? c.decodeIfPresent(String.self, forKey: .humEndReason)
            humOutcome = try? c.decodeIfPresent(String.self, forKey: .humOutcome)
            humSecondsHeard = try? c.decodeIfPresent(Double.self, forKey: .humSecondsHeard)
            humPositionReached = try? c.decodeIfPresent(Double.self, forKey: .humPositionReached)
            humSource = try? c.decodeIfPresent(String.self, forKey: .humSource)
            humSourceName = try? c.decodeIfPresent(String.self, forKey: .humSourceName)
            humSessionID = try? c.decodeIfPresent(String.self, forKey: .humSessionID)
            humPath = try? c.decodeIfPresent(String.self, forKey: .humPath)
        }
    }

    enum CodingKeys: String, CodingKey {
        case listenedAt = "listened_at", trackMetadata = "track_metadata"
    }

    /// The recording's MusicBrainz id, wherever the export put it.
    public var recordingMBID: String? {
        trackMetadata.additionalInfo?.recordingMBID ?? trackMetadata.mbidMapping?.recordingMBID
    }
}
