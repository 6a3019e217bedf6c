/// How one listen counts, by the Last.fm rule that most players share.
///
/// A listen is a **play** once half the track, or four minutes, has been heard — and only for tracks
/// longer than 30 seconds. A listen the listener moved on from (next, previous, jump) before that is a
/// **skip**; an **early skip** when under ten seconds were heard. A listen that ended otherwise (stop,
/// quit, a broken file) before the threshold is neither.
public enum ListenOutcome: String, Sendable, Codable, CaseIterable {
    case play
    case skip
    case earlySkip = "early_skip"
    case partial
}

/// Why a listen ended.
public enum ListenEndReason: String, Sendable, Codable, CaseIterable {
    /// The track played to its end.
    case completed
    /// The listener moved on to another track.
    case skipped
    /// The listener stopped playback or quit.
    case stopped
    /// The file could not be decoded any further.
    case failed
    /// hum ended without saying how (killed, crashed, power lost); the last position saved is kept.
    case interrupted
    /// Imported from another service's history (ListenBrainz), where only plays are kept.
    case imported
}

public enum ListenRules {
    /// Tracks this short never count as plays (they would flood the counts: intros, skits).
    public static let minimumTrackSeconds = 30.0
    /// A play counts once this share of the track has been heard…
    public static let playFraction = 0.5
    /// …or this many seconds, whichever comes first.
    public static let playSeconds = 240.0
    /// A skip with less than this heard is an early skip: the strongest "not now" signal.
    public static let earlySkipSeconds = 10.0

    /// Whether `heard` seconds of a track of `duration` seconds make a play.
    public static func isPlay(heard: Double, duration: Double?) -> Bool {
        guard let duration, duration > minimumTrackSeconds else { return false }
        return heard >= min(duration * playFraction, playSeconds)
    }

    /// The outcome of a listen that ended for `reason` after `heard` seconds of listening.
    public static func outcome(heard: Double, duration: Double?, reason: ListenEndReason) -> ListenOutcome {
        if reason == .imported || isPlay(heard: heard, duration: duration) { return .play }
        guard reason == .skipped else { return .partial }
        return heard < earlySkipSeconds ? .earlySkip : .skip
    }
}

/// Where the track that plays was chosen from: part of each listen's context.
public enum ListenSource: String, Sendable, Codable, CaseIterable {
    /// An album, played in its order.
    case album
    case playlist
    /// Files or tracks queued by hand (`hum play FILE…`).
    case queue
    /// A random order of a list.
    case shuffle
    /// hum's own choice, weighted by the taste model.
    case smartShuffle = "smart_shuffle"
    /// Endless play seeded by a track or an artist.
    case radio
    /// Listens imported from elsewhere.
    case imported
}

/// Groups listens into sessions: a new session starts after `gap` of silence.
public struct ListeningSessions: Sendable, Equatable {
    /// Half an hour without anything playing ends a session.
    public static let defaultGap: Double = 30 * 60

    public private(set) var currentID: String?
    /// When something was last heard (unix seconds).
    public private(set) var lastHeardAt: Double?
    public let gap: Double

    public init(currentID: String? = nil, lastHeardAt: Double? = nil, gap: Double = ListeningSessions.defaultGap) {
        self.currentID = currentID
        self.lastHeardAt = lastHeardAt
        self.gap = gap
    }

    /// The session a listen starting at `time` belongs to; `newID` makes the identifier of a new one.
    public mutating func session(at time: Double, newID: () -> String) -> String {
        if let currentID, let lastHeardAt, time - lastHeardAt <= gap {
            self.lastHeardAt = max(lastHeardAt, time)
            return currentID
        }
        let id = newID()
        currentID = id
        lastHeardAt = time
        return id
    }

    /// Something was heard at `time` (progress, the end of a listen): it pushes the session's end.
    public mutating func heard(at time: Double) {
        if let lastHeardAt { self.lastHeardAt = max(lastHeardAt, time) } else { lastHeardAt = time }
    }
}
