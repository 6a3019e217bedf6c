import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SyncProtocol

/// The request context: Hummingbird's, plus the peer address — read only to key the rate limiter's
/// daily HMAC, never stored or logged.
public struct SyncRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// The server's routes over a store, a publisher and a rate limiter.
public struct SyncService: Sendable {
    public static let maximumBody = 4096

    let store: any ReportStore
    let publisher: PriorsPublisher
    let limiter: RateLimiter
    let metrics: ServerMetrics
    let parameters: SyncParameters
    /// The server's day (UTC, or the `--today` a test fixes) and time for the rate limiter.
    let today: @Sendable () -> Day
    let now: @Sendable () -> Double

    public init(store: any ReportStore, publisher: PriorsPublisher, limiter: RateLimiter, metrics: ServerMetrics,
                parameters: SyncParameters, today: @escaping @Sendable () -> Day, now: @escaping @Sendable () -> Double) {
        self.store = store
        self.publisher = publisher
        self.limiter = limiter
        self.metrics = metrics
        self.parameters = parameters
        self.today = today
        self.now = now
    }

    public func router() -> Router<SyncRequestContext> {
        let router = Router(context: SyncRequestContext.self)
        router.post("v1/reports") { request, context in try await postReport(request, context) }
        router.post("v1/delete") { request, context in try await postDelete(request, context) }
        router.get("v1/priors") { _, _ in
            guard let body = publisher.served else {
                return respond("priors", .notFound, error: "no priors published yet")
            }
            return respond("priors", .ok, body: body)
        }
        router.get("v1/params") { _, _ in respond("params", .ok, body: paramsBody()) }
        router.get("healthz") { _, _ in respond("healthz", .ok, body: Data("ok\n".utf8), type: "text/plain") }
        router.get("metrics") { _, _ in
            let pending = try await store.pendingCount()
            let version = publisher.served.flatMap(PriorsPublisher.version(of:)) ?? 0
            return respond("metrics", .ok, body: Data(metrics.text(pending: pending, priorsVersion: version).utf8),
                           type: "text/plain; version=0.0.4")
        }
        return router
    }

    private func postReport(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        if let wait = limited(context) { return tooMany("reports", wait) }
        guard let body = try await collect(request) else { return respond("reports", .contentTooLarge, error: "body over 4 KiB") }
        guard let report = try? JSONDecoder().decode(Report.self, from: body) else {
            return respond("reports", .badRequest, error: "not a report (docs/sync-protocol.md)")
        }
        let today = today()
        if let problem = report.problem(parameters: parameters, today: today) {
            return respond("reports", .unprocessableContent, error: problem.message)
        }
        guard try await store.insert(report, today: today) else {
            return respond("reports", .conflict, error: "report id already received")
        }
        metrics.accepted(channel: report.channel.rawValue)
        return respond("reports", .accepted, body: Data(#"{"accepted":true}"#.utf8))
    }

    private func postDelete(_ request: Request, _ context: SyncRequestContext) async throws -> Response {
        if let wait = limited(context) { return tooMany("delete", wait) }
        guard let body = try await collect(request) else { return respond("delete", .contentTooLarge, error: "body over 4 KiB") }
        struct DeleteRequest: Decodable { var secret: String }
        guard let secret = (try? JSONDecoder().decode(DeleteRequest.self, from: body))?.secret,
              secret.count == 64, let bytes = Data(hex: secret) else {
            return respond("delete", .badRequest, error: "expected {\"secret\": 64 hex digits}")
        }
        let hash = Data(SHA256.hash(data: bytes)).hexString
        let deleted = try await store.deleteReports(deleteHash: hash)
        metrics.deleted(deleted)
        return respond("delete", .ok, body: Data(#"{"deleted":\#(deleted)}"#.utf8))
    }

    private func collect(_ request: Request) async throws -> Data? {
        var request = request
        do {
            return Data(buffer: try await request.collectBody(upTo: Self.maximumBody))
        } catch is NIOTooManyBytesError {
            return nil
        }
    }

    private func limited(_ context: SyncRequestContext) -> Int? {
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        return limiter.take(address: address, now: now())
    }

    private func tooMany(_ route: String, _ wait: Int) -> Response {
        var response = respond(route, .tooManyRequests, error: "rate limited")
        response.headers[HTTPField.Name("Retry-After")!] = String(wait)
        return response
    }

    func paramsBody() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(ServedParameters(parameters: parameters, priorsKey: publisher.publicKeyHex))
    }

    private func respond(_ route: String, _ status: HTTPResponse.Status, error: String) -> Response {
        let body = try! JSONEncoder().encode(["error": error])
        return respond(route, status, body: body)
    }

    private func respond(_ route: String, _ status: HTTPResponse.Status, body: Data,
                         type: String = "application/json") -> Response {
        metrics.count(route: route, status: status.code)
        return Response(status: status, headers: [.contentType: type],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension PriorsPublisher {
    static func version(of body: Data) -> Int? {
        guard let envelope = try? JSONDecoder().decode(SignedPriors.self, from: body) else { return nil }
        return (try? JSONDecoder().decode(PriorsDocument.self, from: Data(envelope.document.utf8)))?.version
    }
}
