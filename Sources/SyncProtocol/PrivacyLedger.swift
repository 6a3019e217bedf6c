/// The privacy budget, charged before a report is made: each report costs its channel's ε, and the
/// rolling 24-hour and 30-day sums may not pass their caps. A report over a cap is dropped, not deferred.
///
/// A window counts every charge stamped after its start, *including charges stamped later than the clock
/// now reads*: setting the clock back therefore never lets a charge fall out of a window early. (A clock
/// set forward is believed — the device has no other time — so charges made before it can age out early;
/// docs/sync-protocol.md says so.) A value: stored as JSON in the library and reloaded on restart.
public struct PrivacyLedger: Sendable, Equatable, Codable {
    public static let dayWindow = 86_400.0
    public static let monthWindow = 30 * 86_400.0
    public static let defaultDayCap = 2.0
    public static let defaultMonthCap = 10.0

    public struct Charge: Sendable, Equatable, Codable {
        /// The clock's reading when the report was made (Unix seconds).
        public var at: Double
        public var epsilon: Double
        public var channel: Channel
    }

    public private(set) var dayCap: Double
    public private(set) var monthCap: Double
    /// The charges of the last 30 days, in the order they were made.
    public private(set) var charges: [Charge] = []

    /// Caps above the defaults are lowered to them: the listener may spend less, never more.
    public init(dayCap: Double = defaultDayCap, monthCap: Double = defaultMonthCap) {
        self.dayCap = Self.clamp(dayCap, to: Self.defaultDayCap)
        self.monthCap = Self.clamp(monthCap, to: Self.defaultMonthCap)
    }

    public mutating func setCaps(day: Double, month: Double) {
        dayCap = Self.clamp(day, to: Self.defaultDayCap)
        monthCap = Self.clamp(month, to: Self.defaultMonthCap)
    }

    public enum Decision: Sendable, Equatable {
        case charged
        /// Over the 24-hour or the 30-day cap: the report is dropped.
        case overDayCap(spent: Double)
        case overMonthCap(spent: Double)
    }

    /// Charges `epsilon` for one report of `channel` at clock time `now`, if both windows have room.
    public mutating func charge(_ epsilon: Double, for channel: Channel, at now: Double) -> Decision {
        precondition(epsilon > 0 && epsilon.isFinite, "a report costs a positive ε")
        precondition(now.isFinite, "a clock reading is finite")
        // Charges older than 30 days by this reading count in no window any more.
        charges.removeAll { $0.at <= now - Self.monthWindow }
        let day = spent(within: Self.dayWindow, at: now), month = spent(within: Self.monthWindow, at: now)
        if day + epsilon > dayCap + 1e-12 { return .overDayCap(spent: day) }
        if month + epsilon > monthCap + 1e-12 { return .overMonthCap(spent: month) }
        charges.append(Charge(at: now, epsilon: epsilon, channel: channel))
        return .charged
    }

    /// ε spent in the `window` seconds up to clock time `now`, and by any charge stamped after `now`.
    public func spent(within window: Double, at now: Double) -> Double {
        charges.reduce(0) { $0 + ($1.at > now - window ? $1.epsilon : 0) }
    }

    /// ε left now in each window.
    public func remaining(at now: Double) -> (day: Double, month: Double) {
        (max(dayCap - spent(within: Self.dayWindow, at: now), 0),
         max(monthCap - spent(within: Self.monthWindow, at: now), 0))
    }

    private static func clamp(_ cap: Double, to limit: Double) -> Double {
        cap.isFinite ? min(max(cap, 0), limit) : limit
    }
}
