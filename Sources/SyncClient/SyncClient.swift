import Foundation
import MusicCore
import MusicLibrary
import SyncProtocol
import SyncSignatures

/// What the sync client keeps in the library (`sync_state`, JSON).
public struct SyncClientState: Sendable, Equatable, Codable {
    public var enabled = false
    /// host:port of the sync server.
    public var server: String?
    public var ledger = PrivacyLedger()
    /// 32 random bytes, hex: its SHA-256 goes with every report, so that `hum privacy delete-remote`
    /// can ask for all of them to be dropped. Never sent except in that request.
    public var deleteSecret: String
    /// Per channel, the day of the last sampled event: one report per channel period.
    public var lastSampledDay: [String: Int] = [:]
    /// The server's priors signing key (hex), pinned at the first document verified: a later document
    /// signed with another key is refused.
    public var priorsKey: String?

    public init(deleteSecret: String) { self.deleteSecret = deleteSecret }
}

/// The device side of sync: samples one event per channel period, charges the privacy ledger, noises it,
/// puts the exact bytes in the outbox, and sends what is due. Constructing it opens nothing; `send` is
/// the only method that reaches the network, through the `Sender` it is given, and only when enabled.
public final class SyncClient {
    /// One HTTP exchange: POST `body` to `path` on `server`, the status code back (throws when unreachable).
    public typealias Sender = (_ server: String, _ path: String, _ body: Data) throws -> Int

    public let store: LibraryStore
    public private(set) var state: SyncClientState
    private let parameters = SyncParameters.current

    public init(store: LibraryStore) throws {
        self.store = store
        if let json = try store.syncState(), let stored = try? JSONDecoder().decode(SyncClientState.self, from: json) {
            state = stored
        } else {
            var generator = SystemRandomNumberGenerator()
            state = SyncClientState(deleteSecret: Self.randomHex(bytes: 32, using: &generator))
        }
    }

    // MARK: On and off

    public func enable(server: String, dayCap: Double? = nil, monthCap: Double? = nil) throws {
        state.enabled = true
        state.server = server
        state.ledger.setCaps(day: dayCap ?? state.ledger.dayCap, month: monthCap ?? state.ledger.monthCap)
        try save()
    }

    /// Turns sync off and deletes every report not yet sent. Sends nothing.
    @discardableResult
    public func disable() throws -> Int {
        state.enabled = false
        try save()
        return try store.dropUnsentReports()
    }

    // MARK: Making reports

    /// A report made now, or why not.
    public enum Made: Sendable, Equatable {
        case queued(Channel, Data)
        case notDue(Channel)
        case nothingToSample(Channel)
        case overBudget(Channel, PrivacyLedger.Decision)
    }

    /// For every channel whose period has passed: samples one event of the last period, charges its ε,
    /// and queues the noised report, due at a random time within the next day.
    public func makeDueReports<Random: RandomNumberGenerator>(now: Double, using random: inout Random) throws -> [Made] {
        guard state.enabled else { return [] }
        let today = Day(unixTime: now)
        var made: [Made] = []
        for channel in Channel.allCases {
            if let last = state.lastSampledDay[channel.rawValue], today.number - last < channel.periodDays {
                made.append(.notDue(channel))
                continue
            }
            guard let bucket = try sample(channel, now: now, using: &random) else {
                made.append(.nothingToSample(channel))
                continue
            }
            state.lastSampledDay[channel.rawValue] = today.number
            guard let channelParameters = parameters.channel(channel) else { continue }
            let decision = state.ledger.charge(channelParameters.epsilon, for: channel, at: now)
            guard decision == .charged else {
                // Dropped, not deferred: the sample is spent either way.
                guard try saveIfStillOn() else { return made }
                made.append(.overBudget(channel, decision))
                continue
            }
            let value = channelParameters.hashing.randomize(bucket, using: &random)
            let report = Report(channel: channel, params: channelParameters.version, id: Self.randomHex(bytes: 16, using: &random),
                                day: today, hashedValue: value, deleteHash: deleteHash)
            let body = report.encoded()
            let dueAt = now + Double.random(in: 0..<86_400, using: &random)
            guard try store.enqueueReport(channel: channel.rawValue, day: today.description, body: body, madeAt: now,
                                          dueAt: dueAt, state: try encodedState()) else {
                // Turned off by another process since this one read the state: nothing made, nothing kept.
                state.enabled = false
                return made
            }
            made.append(.queued(channel, body))
        }
        return made
    }

    /// The true bucket of one event sampled uniformly from the channel's last period: a listen of the
    /// last day (its track's trait cell, the part of the day, skipped or not), or a liked track of the
    /// last week. Only analysed tracks can be sampled.
    func sample<Random: RandomNumberGenerator>(_ channel: Channel, now: Double, using random: inout Random) throws -> Int? {
        let since = now - Double(channel.periodDays) * 86_400
        var candidates: [(trackID: Int64, bucket: (TraitCell) -> Int)] = []
        for item in try store.learningLog(afterListen: 0, afterEvent: 0, since: since) where item.at <= now {
            switch (channel, item.kind) {
            case (.skipByTrait, .listen(let outcome)):
                let quarter = DayPart(hour: item.localHour ?? 12)
                let skipped = outcome == .skip || outcome == .earlySkip
                candidates.append((item.trackID, { SkipBucket(cell: $0, quarter: quarter, skipped: skipped).index }))
            case (.likeByTrait, .event(.like)):
                candidates.append((item.trackID, { $0.index }))
            default:
                continue
            }
        }
        var remaining = candidates
        while !remaining.isEmpty {
            let candidate = remaining.remove(at: Int.random(in: 0..<remaining.count, using: &random))
            if let traits = try store.analysis(trackID: candidate.trackID)?.traits {
                return candidate.bucket(TraitCell(energy: traits.energy, tempo: traits.tempoFeel, brightness: traits.brightness))
            }
        }
        return nil
    }

    // MARK: Sending

    public struct SendResult: Sendable, Equatable {
        public var sent = 0
        public var refused = 0
        public var unreachable = 0
        public var expired = 0
    }

    /// Sends the reports due by `dueBy` (default `now`). An unreachable server reschedules with backoff (1 minute doubling,
    /// at most 6 hours); a report whose day the server would no longer accept (more than two days old)
    /// is dropped unsent. Does nothing while sync is off.
    public func sendDue(now: Double, dueBy: Double? = nil, through sender: Sender) throws -> SendResult {
        var result = SendResult()
        guard state.enabled, let server = state.server else { return result }
        let today = Day(unixTime: now)
        for entry in try store.dueReports(at: dueBy ?? now) {
            // Another process may have turned sync off (and deleted what waited) since this one read it.
            guard try store.syncIsOn() else {
                state.enabled = false
                break
            }
            guard let day = Day(entry.day), day.number >= today.number - 2 else {
                result.expired += try store.dropUnsentReports(ids: [entry.id])
                continue
            }
            do {
                let status = try sender(server, "/v1/reports", entry.body)
                if status == 429 || status >= 500 {
                    try store.rescheduleReport(entry.id, dueAt: now + Self.backoff(attempts: entry.attempts))
                    result.unreachable += 1
                } else {
                    try store.markSent(entry.id, at: now, status: status)
                    if status == 202 { result.sent += 1 } else { result.refused += 1 }
                }
            } catch {
                try store.rescheduleReport(entry.id, dueAt: now + Self.backoff(attempts: entry.attempts))
                result.unreachable += 1
            }
        }
        return result
    }

    /// One HTTP GET of `path` on `server`: the status and the body (throws when unreachable).
    public typealias Getter = (_ server: String, _ path: String) throws -> (status: Int, body: Data)

    /// What fetching the priors came to.
    public enum PriorsFetch: Sendable, Equatable {
        /// A newer document was verified and kept.
        case updated(version: Int)
        /// The server's document is the one kept (or older).
        case unchanged(version: Int)
        /// The server has published none yet (404).
        case notPublished
        /// Not kept: the status, a bad signature, or a key other than the pinned one.
        case refused(String)
    }

    /// Fetches `GET /v1/priors` and keeps it when its signature verifies under the pinned key (the first
    /// verified document pins its key) and it is newer than the one kept. Does nothing while sync is off.
    public func fetchPriors(now: Double, through get: Getter) throws -> PriorsFetch? {
        guard state.enabled, let server = state.server else { return nil }
        let (status, body) = try get(server, "/v1/priors")
        if status == 404 { return .notPublished }
        guard status == 200 else { return .refused("the server answered \(status)") }
        guard let key = state.priorsKey ?? PriorsSignature.enclosedKey(body) else { return .refused("not a signed priors document") }
        guard let document = PriorsSignature.verify(body, publicKeyHex: key) else {
            return .refused(state.priorsKey == nil ? "the signature does not verify" : "the signature does not verify under the key first seen (\(key.prefix(16))…)")
        }
        if state.priorsKey == nil {
            state.priorsKey = key
            guard try saveIfStillOn() else { return nil }
        }
        if let kept = try store.sharedPriors(), kept.version >= document.version { return .unchanged(version: kept.version) }
        // Kept as the bytes that were signed, so that it can be checked again.
        let signed = try JSONDecoder().decode(SignedPriors.self, from: body).document
        try store.saveSharedPriors(version: document.version, document: Data(signed.utf8), at: now)
        return .updated(version: document.version)
    }

    /// Asks the server to drop every report sent with this device's delete hash; the server's status.
    public func deleteRemote(through sender: Sender) throws -> Int {
        guard let server = state.server else { throw SyncClientError.noServer }
        return try sender(server, "/v1/delete", Data(#"{"secret":"\#(state.deleteSecret)"}"#.utf8))
    }

    static func backoff(attempts: Int) -> Double { min(60 * pow(2, Double(attempts)), 6 * 3600) }

    // MARK: Kept state

    /// SHA-256 of the delete secret, hex.
    public var deleteHash: String { SHA256Digest.hex(of: Data(hex: state.deleteSecret) ?? Data()) }

    private func encodedState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(state)
    }

    private func save() throws { try store.saveSyncState(try encodedState()) }

    /// Saves unless another process turned sync off since this one read the state; then this one is off too.
    private func saveIfStillOn() throws -> Bool {
        guard try store.saveSyncState(try encodedState(), onlyIfOn: true) else {
            state.enabled = false
            return false
        }
        return true
    }

    static func randomHex<Random: RandomNumberGenerator>(bytes: Int, using random: inout Random) -> String {
        Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &random) }).hexString
    }
}

public enum SyncClientError: Error, CustomStringConvertible {
    case noServer

    public var description: String {
        switch self {
        case .noServer: "no sync server set: hum sync enable --server HOST:PORT"
        }
    }
}
