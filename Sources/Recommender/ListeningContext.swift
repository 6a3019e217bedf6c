import MusicCore

/// When and after what a track would play: the context part of every feature vector.
public struct ListeningContext: Sendable, Equatable, Codable {
    /// Unix seconds.
    public var at: Double
    /// 0–23, the listener's local time.
    public var localHour: Int
    /// 1 Monday … 7 Sunday, local time.
    public var weekday: Int
    /// What played just before, when anything did in this session.
    public var previousTrackID: Int64?

    public init(at: Double, localHour: Int, weekday: Int, previousTrackID: Int64? = nil) {
        self.at = at
        self.localHour = localHour
        self.weekday = weekday
        self.previousTrackID = previousTrackID
    }

    /// The context at a UTC instant for a listener `utcOffsetMinutes` east of Greenwich.
    public init(at: Double, utcOffsetMinutes: Int = 0, previousTrackID: Int64? = nil) {
        let local = at + Double(utcOffsetMinutes * 60)
        let days = (local / 86_400).rounded(.down)
        let hour = Int(((local - days * 86_400) / 3600).rounded(.down))
        // 1970-01-01 was a Thursday (ISO weekday 4).
        let weekday = ((Int(days) % 7 + 7 + 3) % 7) + 1
        self.init(at: at, localHour: min(max(hour, 0), 23), weekday: weekday, previousTrackID: previousTrackID)
    }

    public var dayPart: DayPart { DayPart(hour: localHour) }
    public var isWeekend: Bool { weekday >= 6 }
}
