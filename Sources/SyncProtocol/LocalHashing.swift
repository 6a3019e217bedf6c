import Foundation

/// Optimized local hashing (Wang et al., "Locally Differentially Private Protocols for Frequency
/// Estimation", USENIX Security 2017): the device hashes its true value into `range` = round(e^ε) + 1
/// values with a hash function it picks at random (the seed), then reports the hashed value truthfully
/// with probability p = e^ε / (e^ε + range − 1) and each other hashed value with q = 1 / (e^ε + range − 1).
/// Whatever the true values, the probabilities of any report differ by at most e^ε: that is ε-local
/// differential privacy, before anything leaves the machine. For domains much larger than e^ε (512 and
/// 64 buckets here, at ε = 1) its variance is far below generalized randomized response's.
public struct LocalHashing: Sendable, Equatable, Codable {
    public let epsilon: Double
    public let domainSize: Int
    /// g: the size of the hashed range.
    public let range: Int

    public init(epsilon: Double, domainSize: Int) {
        precondition(epsilon > 0 && epsilon.isFinite, "ε must be positive, not \(epsilon)")
        precondition(domainSize >= 2, "a domain needs two values at least")
        self.epsilon = epsilon
        self.domainSize = domainSize
        range = max(Int(exp(epsilon).rounded()) + 1, 2)
    }

    /// The probability of reporting the true hashed value.
    public var keepProbability: Double { exp(epsilon) / (exp(epsilon) + Double(range) - 1) }
    /// The probability of reporting one given other hashed value.
    public var otherProbability: Double { 1 / (exp(epsilon) + Double(range) - 1) }
    /// The probability that a report supports a value the device did not hold: 1/g (a random hash
    /// function sends that value anywhere).
    public var supportByChance: Double { 1 / Double(range) }

    /// A randomized report of `value`.
    public func randomize<Random: RandomNumberGenerator>(_ value: Int, using random: inout Random) -> HashedValue {
        precondition((0..<domainSize).contains(value), "value \(value) outside 0..<\(domainSize)")
        let seed = random.next()
        let hashed = Self.hash(value, seed: seed, range: range)
        // Keep with p; otherwise one of the g − 1 others, uniformly.
        let draw = Double(random.next() >> 11) / Double(1 << 53)
        if draw < keepProbability { return HashedValue(seed: seed, hashed: hashed) }
        let other = Int(random.next() % UInt64(range - 1))
        return HashedValue(seed: seed, hashed: other >= hashed ? other + 1 : other)
    }

    /// The hash family: value → 0..<range under `seed` (SplitMix64's finalizer over seed and value).
    /// Both sides must compute it identically, so it is part of the protocol (docs/sync-protocol.md).
    @inline(__always)
    public static func hash(_ value: Int, seed: UInt64, range: Int) -> Int {
        var z = seed &+ UInt64(truncatingIfNeeded: value) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(range))
    }

    /// The probability of `report` given the true `value`: p when the value hashes to it, q otherwise.
    public func probability(of report: HashedValue, given value: Int) -> Double {
        Self.hash(value, seed: report.seed, range: range) == report.hashed ? keepProbability : otherProbability
    }

    /// The variance of the unbiased count estimate of a bucket that `holders` of `reports` devices truly
    /// hold: each holder supports it with p, each other device with 1/g.
    public func estimateVariance(reports: Int, holders: Double) -> Double {
        let p = keepProbability, q = supportByChance
        let others = Double(reports) - holders
        return (holders * p * (1 - p) + others * q * (1 - q)) / ((p - q) * (p - q))
    }
}

/// What a report carries instead of its value: the device's hash seed and the randomized hashed value.
public struct HashedValue: Sendable, Hashable, Codable {
    public var seed: UInt64
    public var hashed: Int

    public init(seed: UInt64, hashed: Int) {
        self.seed = seed
        self.hashed = hashed
    }
}

/// The server's side: the reports of one channel and window, and unbiased estimates of how many devices
/// held each bucket. It never sees a true value; it counts, for each bucket, the reports whose hashed value
/// the bucket hashes to under the report's seed, and corrects for chance.
public struct FrequencyEstimator: Sendable {
    public let mechanism: LocalHashing
    public private(set) var reports = 0
    private var support: [Int]

    public init(mechanism: LocalHashing) {
        self.mechanism = mechanism
        support = [Int](repeating: 0, count: mechanism.domainSize)
    }

    public mutating func add(_ report: HashedValue) {
        reports += 1
        let range = mechanism.range
        for value in 0..<support.count where LocalHashing.hash(value, seed: report.seed, range: range) == report.hashed {
            support[value] += 1
        }
    }

    /// The estimated number of devices that held each bucket (unbiased; may be negative for rare ones).
    public var counts: [Double] {
        let p = mechanism.keepProbability, q = mechanism.supportByChance
        let n = Double(reports)
        return support.map { (Double($0) - n * q) / (p - q) }
    }
}
