import Crypto
import Foundation

/// A token bucket per client, keyed by an HMAC of the client's address under a key that is random,
/// kept only in memory and replaced every UTC day (with every bucket): the server can tell two requests
/// of one day apart from another client's, and nothing more, and stores no address anywhere.
public final class RateLimiter: @unchecked Sendable {
    public let burst: Double
    public let perSecond: Double
    private let lock = NSLock()
    private var key = SymmetricKey(size: .bits256)
    private var keyDay = Int.min
    private var buckets: [Data: (tokens: Double, at: Double)] = [:]

    public init(burst: Int, perMinute: Double) {
        self.burst = Double(max(burst, 1))
        perSecond = max(perMinute, 0) / 60
    }

    /// Takes a token for `address` at `now`; nil when granted, else the seconds until one is free.
    public func take(address: String, now: Double) -> Int? {
        lock.withLock {
            let day = Int((now / 86_400).rounded(.down))
            if day != keyDay {
                key = SymmetricKey(size: .bits256)
                keyDay = day
                buckets.removeAll()
            }
            let client = Data(HMAC<SHA256>.authenticationCode(for: Data(address.utf8), using: key).prefix(16))
            var bucket = buckets[client] ?? (burst, now)
            bucket.tokens = min(burst, bucket.tokens + max(now - bucket.at, 0) * perSecond)
            bucket.at = now
            defer { buckets[client] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return perSecond > 0 ? Int(((1 - bucket.tokens) / perSecond).rounded(.up)) : 86_400
        }
    }
}
