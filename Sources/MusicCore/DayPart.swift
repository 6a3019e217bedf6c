/// Four parts of the local day: what people play changes across them more than hour by hour, and it is
/// the finest time of day a sync report may carry.
public enum DayPart: Int, CaseIterable, Sendable, Codable {
    case night, morning, afternoon, evening

    public static let count = allCases.count

    /// The part of the day of a local hour (0–23; out-of-range hours are clamped).
    public init(hour: Int) {
        switch min(max(hour, 0), 23) {
        case 0..<6: self = .night
        case 6..<12: self = .morning
        case 12..<18: self = .afternoon
        default: self = .evening
        }
    }

    public var name: String {
        switch self {
        case .night: "night"
        case .morning: "morning"
        case .afternoon: "afternoon"
        case .evening: "evening"
        }
    }

    /// "at night", "in the morning"… as a sentence says it, with the hours.
    public var phrase: String {
        switch self {
        case .night: "at night (0–6 h)"
        case .morning: "in the morning (6–12 h)"
        case .afternoon: "in the afternoon (12–18 h)"
        case .evening: "in the evening (18–24 h)"
        }
    }
}
