import MusicCore

/// One write to the listening log, as `ListenTracker` produces them and `ListenRecorder` batches them.
public enum ListeningLogEntry: Sendable, Equatable {
    /// A listen began; `token` ties the later progress and end to it.
    case listenStarted(ListenStart)
    /// Where the open listen is; kept so a crash loses at most the last second of it.
    case listenProgressed(token: Int, position: Double, heard: Double)
    case listenEnded(token: Int, ListenEnd)
    case event(ListeningEvent)
    /// The listener's opinion of a track changed (nil: no opinion any more).
    case opinion(trackID: Int64, TrackOpinion?, at: Double)
}

/// The context of a listen, fixed when it starts.
public struct ListenStart: Sendable, Equatable {
    public var token: Int
    public var trackID: Int64
    /// Unix seconds.
    public var startedAt: Double
    public var utcOffsetMinutes: Int
    /// 0–23, local time.
    public var localHour: Int
    /// 1 Monday … 7 Sunday, local time.
    public var weekday: Int
    public var duration: Double?
    public var source: ListenSource
    /// The album or playlist name, when the source has one.
    public var sourceName: String?
    public var previousTrackID: Int64?
    public var sessionID: String

    public init(token: Int, trackID: Int64, startedAt: Double, utcOffsetMinutes: Int, localHour: Int, weekday: Int,
                duration: Double?, source: ListenSource, sourceName: String?, previousTrackID: Int64?, sessionID: String) {
        self.token = token
        self.trackID = trackID
        self.startedAt = startedAt
        self.utcOffsetMinutes = utcOffsetMinutes
        self.localHour = localHour
        self.weekday = weekday
        self.duration = duration
        self.source = source
        self.sourceName = sourceName
        self.previousTrackID = previousTrackID
        self.sessionID = sessionID
    }
}

/// How a listen ended.
public struct ListenEnd: Sendable, Equatable {
    public var endedAt: Double
    /// Where in the track playback was when it ended.
    public var position: Double
    /// How many seconds were actually heard (seeks skip what they jump over).
    public var heard: Double
    public var reason: ListenEndReason
    public var outcome: ListenOutcome

    public init(endedAt: Double, position: Double, heard: Double, reason: ListenEndReason, outcome: ListenOutcome) {
        self.endedAt = endedAt
        self.position = position
        self.heard = heard
        self.reason = reason
        self.outcome = outcome
    }
}

/// The listener's standing opinion of a track.
public enum TrackOpinion: Int, Sendable, Codable {
    case like = 1
    /// "Never play this": hum's own choices leave it out.
    case dislike = -1
}

/// Everything but listens: what the listener did while playing or curating.
public struct ListeningEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case seek, pause, resume, like, unlike, dislike
        case queueEdit = "queue_edit"
        case playlistEdit = "playlist_edit"
        /// Feedback from the "why" panel, which the taste model learns from.
        case moreLikeThis = "more_like_this"
        case lessLikeThis = "less_like_this"
        case notAtThisHour = "not_at_this_hour"
    }

    /// Unix seconds.
    public var at: Double
    public var kind: Kind
    public var trackID: Int64?
    public var sessionID: String?
    public var position: Double?
    /// Free text: "12.0→80.5" for a seek, "added 3" for an edit…
    public var detail: String?

    public init(at: Double, kind: Kind, trackID: Int64?, sessionID: String?, position: Double?, detail: String? = nil) {
        self.at = at
        self.kind = kind
        self.trackID = trackID
        self.sessionID = sessionID
        self.position = position
        self.detail = detail
    }
}
