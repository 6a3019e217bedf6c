import MusicCore

/// What a report is about. Each channel has a domain of buckets, a mechanism and a privacy cost; a
/// report says which bucket one sampled event fell in, randomized on the device.
public enum Channel: String, Sendable, Codable, CaseIterable {
    /// One sampled listen a day: its trait cell × part of the day × skipped or not.
    case skipByTrait = "skip-by-trait"
    /// One sampled liked track a week: its trait cell.
    case likeByTrait = "like-by-trait"

    /// How many buckets a report's true value ranges over.
    public var domainSize: Int {
        switch self {
        case .skipByTrait: TraitCell.count * DayPart.count * 2
        case .likeByTrait: TraitCell.count
        }
    }

    /// Days between two reports of this channel: one sampled event per period.
    public var periodDays: Int {
        switch self {
        case .skipByTrait: 1
        case .likeByTrait: 7
        }
    }
}

/// A bucket of `skip-by-trait`: the true value one sampled listen is reported as.
public struct SkipBucket: Sendable, Hashable {
    public var cell: TraitCell
    public var quarter: DayPart
    public var skipped: Bool

    public init(cell: TraitCell, quarter: DayPart, skipped: Bool) {
        self.cell = cell
        self.quarter = quarter
        self.skipped = skipped
    }

    public init(index: Int) {
        precondition((0..<Channel.skipByTrait.domainSize).contains(index), "skip bucket \(index) out of range")
        cell = TraitCell(index: index / (DayPart.count * 2))
        quarter = DayPart(rawValue: index / 2 % DayPart.count)!
        skipped = index % 2 == 1
    }

    public var index: Int { (cell.index * DayPart.count + quarter.rawValue) * 2 + (skipped ? 1 : 0) }
}
