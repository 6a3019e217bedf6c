import Glibc
import MusicCore
import Playback

/// Local clock facts a listen is stamped with (read with `localtime_r`, not Foundation's Calendar, which
/// would load ICU at start-up).
public struct LocalTime: Sendable, Equatable {
    public var utcOffsetMinutes: Int
    public var hour: Int
    /// 1 Monday … 7 Sunday.
    public var weekday: Int

    public init(utcOffsetMinutes: Int, hour: Int, weekday: Int) {
        self.utcOffsetMinutes = utcOffsetMinutes
        self.hour = hour
        self.weekday = weekday
    }

    /// The system's local time at unix second `time`.
    public static func system(at time: Double) -> LocalTime {
        var seconds = time_t(time.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        return LocalTime(utcOffsetMinutes: Int(parts.tm_gmtoff) / 60, hour: Int(parts.tm_hour),
                         weekday: (Int(parts.tm_wday) + 6) % 7 + 1)
    }
}

/// Turns the engine's events into listening-log entries: opens a listen when a track starts, follows
/// how much of it is heard (seeks jump over audio, pauses stop the count), closes it with the reason
/// and the outcome by `ListenRules`, and logs seeks and pauses. Pure: time comes in with each event.
public struct ListenTracker: Sendable {
    /// How a listen's track was chosen.
    public struct Context: Sendable, Equatable {
        public var source: ListenSource
        public var sourceName: String?
        public init(source: ListenSource, sourceName: String? = nil) {
            self.source = source
            self.sourceName = sourceName
        }
    }

    /// Progress is saved with each `progressed` event, which the engine sends once per second heard, but
    /// never more often than this (a source that sends more is not written more). A killed hum so loses
    /// at most the last second of a listen, and the engine's ~0.2 s of lateness.
    public static let progressSaveInterval = 0.5

    private struct OpenListen: Sendable {
        var token: Int
        var item: PlaybackItem
        var trackID: Int64
        var duration: Double?
        var position: Double
        var segmentStart: Double
        var heardBefore: Double
        var lastSavedAt: Double

        var heard: Double { heardBefore + max(0, position - segmentStart) }
    }

    public private(set) var sessions: ListeningSessions
    private var open: OpenListen?
    private var nextToken = 1
    private var previousTrackID: Int64?
    private let localTime: @Sendable (Double) -> LocalTime
    private let newSessionID: @Sendable () -> String

    public init(sessions: ListeningSessions = ListeningSessions(),
                localTime: @escaping @Sendable (Double) -> LocalTime = LocalTime.system(at:),
                newSessionID: @escaping @Sendable () -> String) {
        self.sessions = sessions
        self.localTime = localTime
        self.newSessionID = newSessionID
    }

    /// The track heard now, if any.
    public var currentTrackID: Int64? { open?.trackID }

    /// The log entries for `event`, which happened at unix second `now`. `trackID` resolves a queue entry
    /// to its library track (nil: not in the library, nothing is logged for it); `context` says how it was chosen.
    public mutating func handle(_ event: PlaybackEvent, at now: Double, trackID: (PlaybackItem) -> Int64?,
                                context: (PlaybackItem) -> Context) -> [ListeningLogEntry] {
        switch event {
        case .started(let item, _, let duration):
            var entries = close(reason: .stopped, at: now, position: nil)
            guard let id = trackID(item) else { return entries }
            let session = sessions.session(at: now, newID: newSessionID)
            let local = localTime(now)
            let how = context(item)
            let token = nextToken
            nextToken += 1
            entries.append(.listenStarted(ListenStart(
                token: token, trackID: id, startedAt: now, utcOffsetMinutes: local.utcOffsetMinutes,
                localHour: local.hour, weekday: local.weekday, duration: duration, source: how.source,
                sourceName: how.sourceName, previousTrackID: previousTrackID, sessionID: session)))
            open = OpenListen(token: token, item: item, trackID: id, duration: duration, position: 0, segmentStart: 0,
                              heardBefore: 0, lastSavedAt: now)
            return entries
        case .progressed(let item, let position, _):
            guard var listen = open, listen.item == item else { return [] }
            listen.position = position
            sessions.heard(at: now)
            var entries: [ListeningLogEntry] = []
            if now - listen.lastSavedAt >= Self.progressSaveInterval {
                listen.lastSavedAt = now
                entries.append(.listenProgressed(token: listen.token, position: position, heard: listen.heard))
            }
            open = listen
            return entries
        case .finished(let item, let position):
            return isOpen(item) ? close(reason: .completed, at: now, position: position) : []
        case .skipped(let item, let position):
            return isOpen(item) ? close(reason: .skipped, at: now, position: position) : []
        case .stopped(let item, let position):
            return isOpen(item) ? close(reason: .stopped, at: now, position: position) : []
        case .failed(let item, _, let position):
            return isOpen(item) ? close(reason: .failed, at: now, position: position) : []
        case .paused(let item, let position):
            return logEvent(.pause, item: item, at: now, position: position)
        case .resumed(let item, let position):
            return logEvent(.resume, item: item, at: now, position: position)
        case .seeked(let item, let from, let to):
            guard var listen = open, listen.item == item else { return [] }
            listen.position = from
            listen.heardBefore = listen.heard
            listen.segmentStart = to
            listen.position = to
            open = listen
            return logEvent(.seek, item: item, at: now, position: to, detail: "\(Self.seconds(from))→\(Self.seconds(to))")
        case .outputLost, .outputRestored, .outputFailed, .queueFinished:
            return []
        }
    }

    /// The entries for the listener's opinion of `trackID`: the opinion itself and its event.
    public func opinion(_ opinion: TrackOpinion?, trackID: Int64, at now: Double) -> [ListeningLogEntry] {
        let kind: ListeningEvent.Kind = switch opinion {
        case .like: .like
        case .dislike: .dislike
        case nil: .unlike
        }
        let position = open?.trackID == trackID ? open?.position : nil
        return [.opinion(trackID: trackID, opinion, at: now),
                .event(ListeningEvent(at: now, kind: kind, trackID: trackID, sessionID: sessions.currentID, position: position))]
    }

    /// Closes the open listen (the app is quitting): what was heard so far counts.
    public mutating func finish(at now: Double) -> [ListeningLogEntry] {
        close(reason: .stopped, at: now, position: nil)
    }

    private func isOpen(_ item: PlaybackItem) -> Bool { open?.item == item }

    private mutating func close(reason: ListenEndReason, at now: Double, position: Double?) -> [ListeningLogEntry] {
        guard var listen = open else { return [] }
        if let position { listen.position = position }
        let duration = listen.duration
        let heard = listen.heard
        open = nil
        previousTrackID = listen.trackID
        sessions.heard(at: now)
        let outcome = ListenRules.outcome(heard: heard, duration: duration, reason: reason)
        return [.listenEnded(token: listen.token, ListenEnd(endedAt: now, position: listen.position, heard: heard,
                                                            reason: reason, outcome: outcome))]
    }

    private func logEvent(_ kind: ListeningEvent.Kind, item: PlaybackItem, at now: Double, position: Double,
                          detail: String? = nil) -> [ListeningLogEntry] {
        guard let listen = open, listen.item == item else { return [] }
        return [.event(ListeningEvent(at: now, kind: kind, trackID: listen.trackID, sessionID: sessions.currentID,
                                      position: position, detail: detail))]
    }

    /// Seconds to the millisecond ("18.812").
    private static func seconds(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
