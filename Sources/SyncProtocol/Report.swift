import Foundation

/// The protocol's version: the `v` of every report and of the parameters document.
public let syncProtocolVersion = 1

/// One report, exactly as it leaves the machine: no account, no install id, no track, no time finer than
/// the day. `id` is random and used only to refuse replays; `deleteHash` is optional and lets the sender,
/// and only the sender, ask for the report's deletion later.
public struct Report: Sendable, Equatable, Codable {
    public var v: Int
    public var channel: Channel
    /// The parameter version the value was randomized under (`GET /v1/params`).
    public var params: Int
    /// 128 random bits, 32 lowercase hex digits.
    public var id: String
    public var day: Day
    /// The hash function's seed, 16 lowercase hex digits (a JSON number would lose bits above 2^53).
    public var seed: String
    /// The randomized hashed value, 0 ..< the channel's range.
    public var value: Int
    /// SHA-256 of the sender's delete secret, 64 lowercase hex digits.
    public var deleteHash: String?

    enum CodingKeys: String, CodingKey {
        case v, channel, params, id, day, seed, value
        case deleteHash = "delete_hash"
    }

    public init(channel: Channel, params: Int, id: String, day: Day, hashedValue: HashedValue,
                deleteHash: String? = nil) {
        v = syncProtocolVersion
        self.channel = channel
        self.params = params
        self.id = id
        self.day = day
        seed = String(hashedValue.seed, radix: 16).leftPadded(to: 16)
        value = hashedValue.hashed
        self.deleteHash = deleteHash
    }

    /// The seed and value as the estimator reads them; nil when the seed is not 16 hex digits.
    public var hashedValue: HashedValue? {
        guard seed.count == 16, seed.allSatisfy(\.isLowercaseHexDigit), let seed = UInt64(seed, radix: 16) else {
            return nil
        }
        return HashedValue(seed: seed, hashed: value)
    }

    /// The bytes that are sent, and kept in the outbox: sorted keys, no spaces, so the same report is
    /// always the same bytes.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)
    }

    /// Why a report is refused, checked in this order.
    public enum Problem: Error, Equatable, Sendable {
        case unsupportedVersion(Int)
        case unknownParameters(channel: Channel, version: Int)
        case malformedID
        case malformedSeed
        case valueOutOfRange(Int)
        case malformedDeleteHash
        /// Outside [today − 2, today].
        case dayOutOfWindow(Day)

        public var message: String {
            switch self {
            case .unsupportedVersion(let version): "protocol version \(version) is not supported (expected \(syncProtocolVersion))"
            case .unknownParameters(let channel, let version): "no parameters version \(version) for \(channel.rawValue)"
            case .malformedID: "id must be 32 lowercase hex digits"
            case .malformedSeed: "seed must be 16 lowercase hex digits"
            case .valueOutOfRange(let value): "value \(value) is outside the channel's range"
            case .malformedDeleteHash: "delete_hash must be 64 lowercase hex digits"
            case .dayOutOfWindow(let day): "day \(day) is outside the last three days"
            }
        }
    }

    /// Checks the report against the published parameters and the server's `today`.
    public func problem(parameters: SyncParameters, today: Day) -> Problem? {
        guard v == syncProtocolVersion else { return .unsupportedVersion(v) }
        guard let channelParameters = parameters.channel(channel), channelParameters.version == params else {
            return .unknownParameters(channel: channel, version: params)
        }
        guard id.count == 32, id.allSatisfy(\.isLowercaseHexDigit) else { return .malformedID }
        guard hashedValue != nil else { return .malformedSeed }
        guard (0..<channelParameters.range).contains(value) else { return .valueOutOfRange(value) }
        if let deleteHash, deleteHash.count != 64 || !deleteHash.allSatisfy(\.isLowercaseHexDigit) {
            return .malformedDeleteHash
        }
        guard day.number >= today.number - 2, day.number <= today.number else { return .dayOutOfWindow(day) }
        return nil
    }
}

/// A calendar day (UTC), written "YYYY-MM-DD": the finest time a report carries.
public struct Day: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let number: Int

    public init(number: Int) { self.number = number }

    /// The UTC day of a Unix time.
    public init(unixTime: Double) { number = Int((unixTime / 86_400).rounded(.down)) }

    /// Strictly "YYYY-MM-DD", a real date; nil otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day) else { return nil }
        number = Self.daysFromCivil(year: year, month: month, day: day)
    }

    public var description: String {
        let (year, month, day) = Self.civil(fromDays: number)
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (a: Day, b: Day) -> Bool { a.number < b.number }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD day: \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Howard Hinnant's days-from-civil, proleptic Gregorian.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// What the server publishes at `GET /v1/params`: the mechanism of every channel.
public struct SyncParameters: Sendable, Equatable, Codable {
    public var v: Int
    public var channels: [ChannelParameters]

    public init(channels: [ChannelParameters]) {
        v = syncProtocolVersion
        self.channels = channels
    }

    /// Version 1 of every channel, at ε = 1.
    public static let current = SyncParameters(channels: Channel.allCases.map {
        ChannelParameters(channel: $0, version: 1, epsilon: 1)
    })

    public func channel(_ channel: Channel) -> ChannelParameters? { channels.first { $0.channel == channel } }
}

/// The body of `GET /v1/params`: every channel's parameters and the public key that signs the priors.
public struct ServedParameters: Sendable, Equatable, Codable {
    public var parameters: SyncParameters
    /// Ed25519 public key, hex.
    public var priorsKey: String

    enum CodingKeys: String, CodingKey {
        case parameters
        case priorsKey = "priors_key"
    }

    public init(parameters: SyncParameters, priorsKey: String) {
        self.parameters = parameters
        self.priorsKey = priorsKey
    }
}

public struct ChannelParameters: Sendable, Equatable, Codable {
    public var channel: Channel
    public var version: Int
    public var epsilon: Double
    public var mechanism: String
    public var domain: Int
    public var range: Int

    public init(channel: Channel, version: Int, epsilon: Double) {
        let hashing = LocalHashing(epsilon: epsilon, domainSize: channel.domainSize)
        self.channel = channel
        self.version = version
        self.epsilon = epsilon
        mechanism = "olh-splitmix64"
        domain = channel.domainSize
        range = hashing.range
    }

    public var hashing: LocalHashing { LocalHashing(epsilon: epsilon, domainSize: domain) }
}

extension Character {
    var isLowercaseHexDigit: Bool { ("0"..."9").contains(self) || ("a"..."f").contains(self) }
}

extension String {
    func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}
