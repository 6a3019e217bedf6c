import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SyncProtocol
import SyncServer

/// `hum-sync-server`: receives noised reports, publishes signed priors. See docs/sync-protocol.md.
@main
struct SyncServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hum-sync-server",
        abstract: "The hum sync server: takes local-DP reports, publishes signed population priors.",
        discussion: """
            Reports carry no account, no install id, no track and no time finer than the day; the server \
            stores no address (the rate limiter keys an HMAC of it under a key kept in memory and replaced \
            daily). A day's reports are aggregated once, two days after it ends, then deleted; priors are \
            published only for buckets with at least 50 estimated contributors. Prints \
            "listening on HOST:PORT" once it accepts connections.
            """)

    @Option(help: "Address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "Port (0: any free one; the line printed at start says which).") var port = 8088
    @Option(help: "Storage: sqlite:PATH, or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (several instances may share one).")
    var db = "sqlite:hum-sync.sqlite"
    @Option(help: """
        The Ed25519 key that signs the priors (made, mode 0600, if missing). Default: beside the SQLite file,         or hum-sync.signing-key here with PostgreSQL; instances sharing a database must share it.
        """)
    var signingKey: String?
    @Option(help: "Requests a client may make at once.") var burst = 20
    @Option(help: "Requests a client regains per minute.") var ratePerMinute = 6.0
    @Option(help: "Pretend today is this day (YYYY-MM-DD), for tests and replays.") var today: String?
    @Option(help: "Seconds between aggregation passes.") var aggregateEvery = 60.0

    func validate() throws {
        guard (db.hasPrefix("sqlite:") && db.count > 7) || db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") else {
            throw ValidationError("--db: expected sqlite:PATH or postgres://USER@HOST[:PORT]/DATABASE, got '\(db)'")
        }
        if let today, Day(today) == nil { throw ValidationError("--today: '\(today)' is not a YYYY-MM-DD day") }
    }

    func run() async throws {
        let store: any ReportStore
        let defaultKeyPath: String
        if db.hasPrefix("sqlite:") {
            let path = String(db.dropFirst("sqlite:".count))
            store = try SQLiteReportStore(path: path)
            defaultKeyPath = path + ".signing-key"
        } else {
            store = try await PostgresReportStore(url: db)
            defaultKeyPath = "hum-sync.signing-key"
        }
        let key = try PriorsPublisher.signingKey(at: signingKey ?? defaultKeyPath)
        let parameters = SyncParameters.current
        let publisher = PriorsPublisher(store: store, signingKey: key, parameters: parameters)
        let fixedDay = today.flatMap(Day.init)
        let dayNow: @Sendable () -> Day = { fixedDay ?? Day(unixTime: Date().timeIntervalSince1970) }
        try await publisher.start(today: dayNow())
        let service = SyncService(store: store, publisher: publisher, limiter: RateLimiter(burst: burst, perMinute: ratePerMinute),
                                  metrics: ServerMetrics(), parameters: parameters, today: dayNow,
                                  now: { Date().timeIntervalSince1970 })
        let interval = aggregateEvery
        let aggregation = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                do { try await publisher.publish(today: dayNow()) } catch {
                    FileHandle.standardError.write(Data("hum-sync-server: aggregation failed: \(error)\n".utf8))
                }
            }
        }
        defer { aggregation.cancel() }
        var logger = Logger(label: "hum-sync-server")
        logger.logLevel = .warning
        let app = Application(router: service.router(),
                              configuration: .init(address: .hostname(hostname, port: port), serverName: "hum-sync-server"),
                              onServerRunning: { channel in
                                  let port = channel.localAddress?.port ?? 0
                                  FileHandle.standardOutput.write(Data("listening on \(hostname):\(port)\n".utf8))
                              },
                              logger: logger)
        try await app.runService()
    }
}
