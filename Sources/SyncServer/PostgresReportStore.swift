import Foundation
import Logging
import PostgresNIO
import SyncProtocol

/// PostgreSQL through postgres-nio, for deployments that outgrow one machine: the same tables as the
/// SQLite store, and several server instances may share one database. What must happen once — creating
/// the schema, aggregating a closed day, numbering a priors version — happens under a transaction-scoped
/// advisory lock, so two instances never both do it; an id seen twice is refused by the primary key
/// whichever instance sees it.
public final class PostgresReportStore: ReportStore {
    /// The advisory lock every once-only step takes (any 64-bit number, the same in every instance).
    static let lockKey: Int64 = 0x68756D_73796E63  // "humsync"

    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger = Logger(label: "hum-sync-server.postgres")

    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, no TLS: loopback or a
    /// private network) and creates the tables when they are missing; a database that does not answer
    /// within `timeout` seconds is an error (the pool would otherwise retry for ever).
    public init(url: String, timeout: Double = 15) async throws {
        let configuration = try Self.configuration(url)
        client = PostgresClient(configuration: configuration)
        let client = client, logger = logger
        runner = Task { await client.run() }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.withTransaction(logger: logger) { connection in
                        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                        for statement in Self.schema { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    throw PostgresStoreError(description: "no answer in \(Int(timeout)) s")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            runner.cancel()
            let reason = (error as? PostgresStoreError)?.description ?? String(reflecting: error)
            throw PostgresStoreError(description: "cannot use \(Self.redacted(url)): \(reason)")
        }
    }

    deinit { runner.cancel() }

    static let schema = [
        """
        CREATE TABLE IF NOT EXISTS reports (channel TEXT NOT NULL, params INTEGER NOT NULL, day INTEGER NOT NULL,
                                            seed TEXT NOT NULL, value BIGINT NOT NULL, delete_hash TEXT)
        """,
        "CREATE INDEX IF NOT EXISTS reports_by_day ON reports(day, channel)",
        "CREATE INDEX IF NOT EXISTS reports_by_delete_hash ON reports(delete_hash) WHERE delete_hash IS NOT NULL",
        "CREATE TABLE IF NOT EXISTS seen_ids (id TEXT PRIMARY KEY, day INTEGER NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS windows (channel TEXT NOT NULL, day INTEGER NOT NULL, reports INTEGER NOT NULL,
                                            estimates TEXT NOT NULL, PRIMARY KEY (channel, day))
        """,
        "CREATE TABLE IF NOT EXISTS priors (version INTEGER PRIMARY KEY, body BYTEA NOT NULL)",
    ]

    /// The client configuration of a `postgres://` URL.
    static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty else {
            throw PostgresStoreError(description: "expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, got '\(redacted(url))'")
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        return PostgresClient.Configuration(host: host, port: components.port ?? 5432, username: user,
                                            password: components.password, database: database.isEmpty ? nil : database,
                                            tls: .disable)
    }

    /// The URL with its password hidden, for error messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "****"
        return components.string ?? url
    }

    /// One statement: the id is claimed and the report stored together, or neither (a seen id).
    public func insert(_ report: Report, today: Day) async throws -> Bool {
        let rows = try await client.query("""
            WITH claimed AS (INSERT INTO seen_ids (id, day) VALUES (\(report.id), \(today.number))
                             ON CONFLICT DO NOTHING RETURNING id)
            INSERT INTO reports (channel, params, day, seed, value, delete_hash)
            SELECT \(report.channel.rawValue), \(report.params), \(report.day.number), \(report.seed), \(Int64(report.value)),
                   \(report.deleteHash) FROM claimed RETURNING 1
            """, logger: logger).collect()
        return !rows.isEmpty
    }

    public func deleteReports(deleteHash: String) async throws -> Int {
        try await client.query("DELETE FROM reports WHERE delete_hash = \(deleteHash) RETURNING 1", logger: logger).collect().count
    }

    public func pendingCount() async throws -> Int {
        for try await count in try await client.query("SELECT COUNT(*) FROM reports", logger: logger).decode(Int64.self) {
            return Int(count)
        }
        return 0
    }

    public func aggregateClosedDays(today: Day, parameters: SyncParameters) async throws -> [PublishedWindow] {
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            let closedBefore = today.number - 2
            var days: [Int] = []
            for try await day in try await connection.query(
                "SELECT DISTINCT day FROM reports WHERE day < \(closedBefore) ORDER BY day", logger: logger).decode(Int.self) {
                days.append(day)
            }
            var published: [PublishedWindow] = []
            for day in days {
                for channel in Channel.allCases {
                    guard let hashing = parameters.channel(channel)?.hashing else { continue }
                    // A window is published once: reports that arrive for a published day are dropped unread.
                    let already = try await connection.query(
                        "SELECT 1 FROM windows WHERE channel = \(channel.rawValue) AND day = \(day)", logger: logger).collect()
                    if !already.isEmpty { continue }
                    var builder = WindowBuilder(channel: channel, day: day, hashing: hashing)
                    for try await (seed, value) in try await connection.query(
                        "SELECT seed, value FROM reports WHERE day = \(day) AND channel = \(channel.rawValue)",
                        logger: logger).decode((String, Int64).self) {
                        builder.add(seed: seed, value: Int(value))
                    }
                    guard let window = builder.window else { continue }
                    try await connection.query("""
                        INSERT INTO windows (channel, day, reports, estimates)
                        VALUES (\(channel.rawValue), \(day), \(window.reports), \(window.estimatesJSON))
                        """, logger: logger)
                    published.append(window)
                }
                try await connection.query("DELETE FROM reports WHERE day = \(day)", logger: logger)
            }
            try await connection.query("DELETE FROM seen_ids WHERE day < \(today.number - 30)", logger: logger)
            return published
        }
    }

    public func windows(from: Day) async throws -> [PublishedWindow] {
        var windows: [PublishedWindow] = []
        for try await (channel, day, reports, estimates) in try await client.query(
            "SELECT channel, day, reports, estimates FROM windows WHERE day >= \(from.number) ORDER BY day, channel",
            logger: logger).decode((String, Int, Int, String).self) {
            if let window = PublishedWindow(channel: channel, day: day, reports: reports, estimatesJSON: estimates) {
                windows.append(window)
            }
        }
        return windows
    }

    public func latestPriors() async throws -> StoredPriors? {
        for try await (version, body) in try await client.query(
            "SELECT version, body FROM priors ORDER BY version DESC LIMIT 1", logger: logger).decode((Int, ByteBuffer).self) {
            return StoredPriors(version: version, body: Data(body.readableBytesView))
        }
        return nil
    }

    public func savePriors(_ priors: StoredPriors) async throws {
        try await client.query("INSERT INTO priors (version, body) VALUES (\(priors.version), \(ByteBuffer(bytes: priors.body)))",
                               logger: logger)
    }
}

public struct PostgresStoreError: Error, CustomStringConvertible {
    public var description: String
}
