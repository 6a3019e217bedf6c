import Foundation
import MusicCore

/// Everything the taste model knows, as one value: the weights it learned and the memory of the listener's
/// listens it needs for the features. Stored in the library as JSON (versioned); resetting the model is
/// replacing it with `TasteState()`.
public struct TasteState: Sendable, Equatable, Codable {
    /// Bumped when the meaning of the stored state changes; an older state is relearned from the log.
    public static let currentVersion = 3

    public var version = TasteState.currentVersion
    /// Per feature (`TasteFeature.index`): the weight's mean and precision (1 / variance).
    public var weights: [Double] = TasteFeature.all.map(\.prior)
    public var precision = TasteFeature.all.map(\.priorPrecision)
    public var bias = 0.0
    public var biasPrecision = TasteState.priorPrecision
    /// How many examples the model learned from.
    public var examples = 0
    var artists: [String: Tally] = [:]
    var albums: [String: Tally] = [:]
    var genres: [String: Tally] = [:]
    var tracks: [Int64: TrackMemory] = [:]
    /// Decayed sums of the standardised timbre of what the listener finished and what they skipped.
    var finishedTimbre = Centroid()
    var skippedTimbre = Centroid()
    /// The artists of the latest listens, newest last: "no artist twice within N tracks".
    var recentArtists: [String] = []
    /// The listening session so far: when its last listen ended and how many it holds (a gap of 30
    /// minutes starts a new one, as in the listening log).
    var sessionListens = 0
    var lastListenAt: Double?
    static let sessionGap = 30.0 * 60
    /// Where in the listening log this state has learned up to (kept by whoever feeds it the log).
    public var learnedThrough = LogMark()

    public static let priorPrecision = 1.0

    public init() {}
}

/// A position in the listening log: the last listen row and event row learned from.
public struct LogMark: Sendable, Equatable, Codable {
    public var listenID: Int64 = 0
    public var eventID: Int64 = 0
    public init(listenID: Int64 = 0, eventID: Int64 = 0) {
        self.listenID = listenID
        self.eventID = eventID
    }
}

/// Good and bad outcomes for one artist, album, genre or track, decayed with a half-life, and the last
/// month's listens for the sentences ("You finished 11 of 12 … this month").
struct Tally: Sendable, Equatable, Codable {
    static let halfLifeDays = 90.0
    static let evidenceDays = 30.0
    static let evidenceLimit = 64

    var positive = 0.0
    var negative = 0.0
    var updatedAt = 0.0
    /// Listens of the last `evidenceDays`: when, and whether finished.
    var recent: [Outcome] = []

    struct Outcome: Sendable, Equatable, Codable {
        var at: Double
        var finished: Bool
    }

    /// (positive − negative) / (positive + negative + 2), decayed to `now`: −1…1, near 0 on little evidence.
    func affinity(at now: Double) -> Double {
        let factor = Self.decay(from: updatedAt, to: now)
        let positive = self.positive * factor, negative = self.negative * factor
        return (positive - negative) / (positive + negative + 2)
    }

    mutating func add(positive: Double, negative: Double, at now: Double) {
        let factor = Self.decay(from: updatedAt, to: now)
        self.positive = self.positive * factor + positive
        self.negative = self.negative * factor + negative
        updatedAt = max(updatedAt, now)
    }

    mutating func addListen(finished: Bool, at now: Double) {
        recent.removeAll { now - $0.at > Self.evidenceDays * 86_400 }
        recent.append(Outcome(at: now, finished: finished))
        if recent.count > Self.evidenceLimit { recent.removeFirst(recent.count - Self.evidenceLimit) }
    }

    /// Finished and all listens in the evidence window before `now`.
    func evidence(at now: Double) -> (finished: Int, listens: Int) {
        let window = recent.filter { now - $0.at <= Self.evidenceDays * 86_400 && $0.at <= now + 1 }
        return (window.filter(\.finished).count, window.count)
    }

    static func decay(from then: Double, to now: Double) -> Double {
        let days = max(now - then, 0) / 86_400
        return days == 0 ? 1 : exp2(-days / halfLifeDays)
    }
}

/// What the model remembers of one track.
struct TrackMemory: Sendable, Equatable, Codable {
    static let fatigueHalfLifeHours = 12.0

    var tally = Tally()
    var lastHeardAt: Double?
    var plays = 0
    /// Listens in the last hours, decayed.
    var fatigue = 0.0
    var fatigueAt = 0.0
    /// 1 liked, −1 disliked ("never play this"), 0 neither.
    var opinion = 0
    /// `DayPart.rawValue`s the listener said "not at this hour" for.
    var vetoedDayParts: [Int] = []

    func fatigue(at now: Double) -> Double {
        fatigue * exp2(-max(now - fatigueAt, 0) / 3600 / Self.fatigueHalfLifeHours)
    }

    mutating func addFatigue(at now: Double) {
        fatigue = fatigue(at: now) + 1
        fatigueAt = max(fatigueAt, now)
    }
}

/// A decayed weighted sum of vectors, and its total weight.
struct Centroid: Sendable, Equatable, Codable {
    var sum: [Double] = []
    var weight = 0.0
    var updatedAt = 0.0

    mutating func add(_ vector: ArraySlice<Double>, weight amount: Double, at now: Double) {
        let factor = Tally.decay(from: updatedAt, to: now)
        if sum.count != vector.count { sum = [Double](repeating: 0, count: vector.count) }
        for (index, value) in zip(sum.indices, vector) { sum[index] = sum[index] * factor + value * amount }
        weight = weight * factor + amount
        updatedAt = max(updatedAt, now)
    }

    /// The centroid as a unit vector; nil while empty.
    func unit() -> [Double]? {
        guard weight > 0 else { return nil }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 1e-12 ? sum.map { $0 / norm } : nil
    }

    /// The cosine between `vector` and this centroid; 0 while empty.
    func cosine(_ vector: ArraySlice<Double>) -> Double {
        guard weight > 0, sum.count == vector.count else { return 0 }
        var dot = 0.0, own = 0.0, other = 0.0
        for (a, b) in zip(sum, vector) {
            dot += a * b
            own += a * a
            other += b * b
        }
        let norm = (own * other).squareRoot()
        return norm > 1e-12 ? dot / norm : 0
    }
}
