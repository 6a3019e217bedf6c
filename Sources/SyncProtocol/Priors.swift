import Foundation
import MusicCore

/// What `GET /v1/priors` publishes: population rates per trait cell (and part of the day), decoded from
/// the reports of the document's window, only where enough devices contributed. One document per
/// version, the same bytes for everyone, signed by the server (see `SignedPriors`).
public struct PriorsDocument: Sendable, Equatable, Codable {
    public var v: Int
    /// Bumped with every window published; a client keeps the highest it verified.
    public var version: Int
    /// The days the estimates cover (the last published daily windows).
    public var from: Day
    public var to: Day
    /// The minimum estimated contributors of a published bucket.
    public var k: Int
    public var skip: [SkipPrior]
    public var like: [LikePrior]

    public init(version: Int, from: Day, to: Day, k: Int, skip: [SkipPrior], like: [LikePrior]) {
        v = syncProtocolVersion
        self.version = version
        self.from = from
        self.to = to
        self.k = k
        self.skip = skip
        self.like = like
    }

    /// Canonical bytes: what is signed and what is served.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// The skip rate listeners have for `cell` in `quarter`, when published.
    public func skipRate(cell: TraitCell, quarter: DayPart) -> SkipPrior? {
        skip.first { $0.cell == cell.index && $0.quarter == quarter }
    }
}

public struct SkipPrior: Sendable, Equatable, Codable {
    public var cell: Int
    public var quarter: DayPart
    /// Estimated share of listens skipped, 0…1.
    public var skipRate: Double
    /// Estimated devices behind it (rounded).
    public var contributors: Int

    enum CodingKeys: String, CodingKey {
        case cell, quarter, contributors
        case skipRate = "skip_rate"
    }

    public init(cell: Int, quarter: DayPart, skipRate: Double, contributors: Int) {
        self.cell = cell
        self.quarter = quarter
        self.skipRate = skipRate
        self.contributors = contributors
    }
}

public struct LikePrior: Sendable, Equatable, Codable {
    public var cell: Int
    /// Estimated share of liked tracks in this cell, 0…1.
    public var likeShare: Double
    public var contributors: Int

    enum CodingKeys: String, CodingKey {
        case cell, contributors
        case likeShare = "like_share"
    }

    public init(cell: Int, likeShare: Double, contributors: Int) {
        self.cell = cell
        self.likeShare = likeShare
        self.contributors = contributors
    }
}

/// The document as served: its canonical bytes (as a string, so they survive any JSON re-encoding) and
/// an Ed25519 signature over them, base64, with the signing key's public half in hex.
public struct SignedPriors: Sendable, Equatable, Codable {
    public var document: String
    public var signature: String
    public var key: String

    public init(document: String, signature: String, key: String) {
        self.document = document
        self.signature = signature
        self.key = key
    }
}

/// Turns a window's estimated bucket counts into published priors: a bucket group is published only when
/// its estimated contributors reach `k` and stand clear of the mechanism's noise (3σ of an empty
/// bucket's estimate), and only when the window has at least `k` reports in all. Pure.
public enum PriorsBuilder {
    public static let k = 50

    /// `skipCounts`: estimated devices per `SkipBucket` index; `likeCounts`: per trait cell; the report
    /// totals they came from.
    public static func priors(skipCounts: [Double], skipReports: Int, likeCounts: [Double], likeReports: Int,
                              parameters: SyncParameters = .current, k: Int = k)
        -> (skip: [SkipPrior], like: [LikePrior]) {
        var skip: [SkipPrior] = []
        if let hashing = parameters.channel(.skipByTrait)?.hashing, skipReports >= k,
           skipCounts.count == Channel.skipByTrait.domainSize {
            // A group is two buckets: its noise is √2 times one bucket's.
            let noise = 3 * (2 * hashing.estimateVariance(reports: skipReports, holders: 0)).squareRoot()
            for cell in 0..<TraitCell.count {
                for quarter in DayPart.allCases {
                    let skipped = skipCounts[SkipBucket(cell: TraitCell(index: cell), quarter: quarter, skipped: true).index]
                    let finished = skipCounts[SkipBucket(cell: TraitCell(index: cell), quarter: quarter, skipped: false).index]
                    let total = max(skipped, 0) + max(finished, 0)
                    guard total >= Double(k), total >= noise else { continue }
                    skip.append(SkipPrior(cell: cell, quarter: quarter, skipRate: rounded(max(skipped, 0) / total),
                                          contributors: Int(total.rounded())))
                }
            }
        }
        var like: [LikePrior] = []
        if let hashing = parameters.channel(.likeByTrait)?.hashing, likeReports >= k,
           likeCounts.count == Channel.likeByTrait.domainSize {
            let noise = 3 * hashing.estimateVariance(reports: likeReports, holders: 0).squareRoot()
            for (cell, count) in likeCounts.enumerated() where count >= Double(k) && count >= noise {
                like.append(LikePrior(cell: cell, likeShare: rounded(min(count / Double(likeReports), 1)),
                                      contributors: Int(count.rounded())))
            }
        }
        return (skip, like)
    }

    /// Four decimals: the estimates are not finer, and the bytes stay short.
    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }
}
