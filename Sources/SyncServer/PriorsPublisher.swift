import Crypto
import Foundation
import SyncProtocol

/// Publishes priors: when days close, their windows are aggregated once, and a new document version is
/// built from the published windows of the last seven days, signed, stored, and served as those bytes to
/// everyone until the next one.
public final class PriorsPublisher: @unchecked Sendable {
    public static let documentDays = 7

    private let store: any ReportStore
    private let signingKey: Curve25519.Signing.PrivateKey
    private let parameters: SyncParameters
    private let lock = NSLock()
    private var current: Data?

    public init(store: any ReportStore, signingKey: Curve25519.Signing.PrivateKey, parameters: SyncParameters) {
        self.store = store
        self.signingKey = signingKey
        self.parameters = parameters
    }

    public var publicKeyHex: String { signingKey.publicKey.rawRepresentation.hexString }

    /// The bytes `GET /v1/priors` serves; nil before the first document.
    public var served: Data? { lock.withLock { current } }

    /// Loads the latest stored document, then aggregates what has closed by `today`.
    public func start(today: Day) async throws {
        let stored = try await store.latestPriors()
        lock.withLock { current = stored?.body }
        try await publish(today: today)
    }

    /// Aggregates closed days; when any window was published, signs and stores a new document version.
    public func publish(today: Day) async throws {
        let published = try await store.aggregateClosedDays(today: today, parameters: parameters)
        guard let latest = published.map(\.day).max() else {
            // Another instance sharing the database may have published one: serve the latest stored.
            if let stored = try await store.latestPriors() { lock.withLock { current = stored.body } }
            return
        }
        let from = Day(number: latest.number - Self.documentDays + 1)
        let windows = try await store.windows(from: from).filter { $0.day <= latest }
        func sum(_ channel: Channel) -> (counts: [Double], reports: Int) {
            var counts = [Double](repeating: 0, count: channel.domainSize), reports = 0
            for window in windows where window.channel == channel && window.estimates.count == counts.count {
                for index in counts.indices { counts[index] += window.estimates[index] }
                reports += window.reports
            }
            return (counts, reports)
        }
        let skip = sum(.skipByTrait), like = sum(.likeByTrait)
        let priors = PriorsBuilder.priors(skipCounts: skip.counts, skipReports: skip.reports,
                                          likeCounts: like.counts, likeReports: like.reports, parameters: parameters)
        let version = (try await store.latestPriors()?.version ?? 0) + 1
        let document = PriorsDocument(version: version, from: from, to: latest, k: PriorsBuilder.k,
                                      skip: priors.skip, like: priors.like).encoded()
        let signature = try signingKey.signature(for: document)
        let envelope = SignedPriors(document: String(decoding: document, as: UTF8.self),
                                    signature: Data(signature).base64EncodedString(), key: publicKeyHex)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(envelope)
        try await store.savePriors(StoredPriors(version: version, body: body))
        lock.withLock { current = body }
    }

    /// The signing key at `path`, made (mode 0600) when the file does not exist.
    public static func signingKey(at path: String) throws -> Curve25519.Signing.PrivateKey {
        if let data = FileManager.default.contents(atPath: path) {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: data)
        }
        let key = Curve25519.Signing.PrivateKey()
        guard FileManager.default.createFile(atPath: path, contents: key.rawRepresentation,
                                             attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return key
    }
}
