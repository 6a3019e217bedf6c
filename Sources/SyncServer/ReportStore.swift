import Foundation
import GRDB
import SyncProtocol

/// Where the server keeps what it must: raw reports until their day is aggregated, the ids of the last
/// 30 days (replays), each published window's estimates, and every priors document. No address, no
/// time finer than the report's day, no connection between reports.
public protocol ReportStore: Sendable {
    /// Stores a valid report; false when its id was seen in the last 30 days.
    func insert(_ report: Report, today: Day) async throws -> Bool
    /// Deletes the unaggregated reports whose delete hash is `hash`; how many.
    func deleteReports(deleteHash: String) async throws -> Int
    /// Reports waiting for aggregation.
    func pendingCount() async throws -> Int
    /// Aggregates every day before `today − 2` that has reports: estimates stored per window, raw
    /// reports and ids older than 30 days deleted. Returns the windows published.
    func aggregateClosedDays(today: Day, parameters: SyncParameters) async throws -> [PublishedWindow]
    /// The published windows of channel-days from `from` on.
    func windows(from: Day) async throws -> [PublishedWindow]
    func latestPriors() async throws -> StoredPriors?
    func savePriors(_ priors: StoredPriors) async throws
}

/// One channel-day's estimates, computed once from its raw reports and never again.
public struct PublishedWindow: Sendable, Equatable {
    public var channel: Channel
    public var day: Day
    public var reports: Int
    public var estimates: [Double]
}

/// Builds one channel-day's window from its raw reports, the same way for every store.
struct WindowBuilder {
    private let channel: Channel
    private let day: Int
    private var estimator: FrequencyEstimator

    init(channel: Channel, day: Int, hashing: LocalHashing) {
        self.channel = channel
        self.day = day
        estimator = FrequencyEstimator(mechanism: hashing)
    }

    /// One stored report: its seed (16 hex digits) and hashed value.
    mutating func add(seed: String, value: Int) {
        if let seed = UInt64(seed, radix: 16) { estimator.add(HashedValue(seed: seed, hashed: value)) }
    }

    /// The window, nil when no report was added.
    var window: PublishedWindow? {
        estimator.reports == 0 ? nil
            : PublishedWindow(channel: channel, day: Day(number: day), reports: estimator.reports, estimates: estimator.counts)
    }
}

extension PublishedWindow {
    /// The estimates as stored: a JSON array.
    var estimatesJSON: String { String(decoding: try! JSONEncoder().encode(estimates), as: UTF8.self) }

    /// A stored window; nil for an unknown channel or unreadable estimates.
    init?(channel: String, day: Int, reports: Int, estimatesJSON: String) {
        guard let channel = Channel(rawValue: channel),
              let values = try? JSONDecoder().decode([Double].self, from: Data(estimatesJSON.utf8)) else { return nil }
        self.init(channel: channel, day: Day(number: day), reports: reports, estimates: values)
    }
}

public struct StoredPriors: Sendable, Equatable {
    public var version: Int
    public var body: Data
}

/// SQLite through GRDB, in WAL mode: the single file a small deployment needs.
///
/// The WAL is checkpointed by a connection of its own four times a second, in PASSIVE mode (it never
/// waits for writers), so the copying is done beside the writes rather than inside the commit that
/// happens to fill the log, which made every report waiting on that commit late. PASSIVE alone never
/// lets the log start over while writes keep coming (new frames arrive during each pass), so SQLite's
/// own checkpoint stays on, at a larger threshold, as the bound: when it runs, the pages are mostly
/// copied already, the pause is short, and the log restarts.
public final class SQLiteReportStore: ReportStore {
    private let pool: DatabasePool
    private let batcher: InsertBatcher
    private let checkpointer: Task<Void, Never>

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.walPagesBound)")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        batcher = InsertBatcher(pool: pool)
        let checkpoints = try DatabaseQueue(path: path)
        checkpointer = Task.detached(priority: .background) {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                _ = try? await checkpoints.writeWithoutTransaction { try $0.checkpoint(.passive) }
            }
        }
    }

    deinit { checkpointer.cancel() }

    /// The WAL pages after which a commit checkpoints (SQLite's default is 1,000): about 16 MiB of log.
    static let walPagesBound = 4000

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE reports (channel TEXT NOT NULL, params INTEGER NOT NULL, day INTEGER NOT NULL,
                                      seed TEXT NOT NULL, value INTEGER NOT NULL, delete_hash TEXT);
                CREATE INDEX reports_by_day ON reports(day, channel);
                CREATE INDEX reports_by_delete_hash ON reports(delete_hash) WHERE delete_hash IS NOT NULL;
                CREATE TABLE seen_ids (id TEXT PRIMARY KEY, day INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE windows (channel TEXT NOT NULL, day INTEGER NOT NULL, reports INTEGER NOT NULL,
                                      estimates TEXT NOT NULL, PRIMARY KEY (channel, day));
                CREATE TABLE priors (version INTEGER PRIMARY KEY, body BLOB NOT NULL);
                """)
        }
        return migrator
    }

    public func insert(_ report: Report, today: Day) async throws -> Bool {
        try await batcher.insert(report, today: today)
    }

    /// Stores one report in an open transaction; false when its id was seen.
    static func insert(_ report: Report, today: Day, in db: Database) throws -> Bool {
        try db.execute(sql: "INSERT OR IGNORE INTO seen_ids (id, day) VALUES (?, ?)", arguments: [report.id, today.number])
        guard db.changesCount == 1 else { return false }
        try db.execute(sql: """
            INSERT INTO reports (channel, params, day, seed, value, delete_hash) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [report.channel.rawValue, report.params, report.day.number, report.seed,
                             report.value, report.deleteHash])
        return true
    }

    public func deleteReports(deleteHash: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM reports WHERE delete_hash = ?", arguments: [deleteHash])
            return db.changesCount
        }
    }

    public func pendingCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reports") ?? 0 }
    }

    public func aggregateClosedDays(today: Day, parameters: SyncParameters) async throws -> [PublishedWindow] {
        try await pool.write { db in
            let closedBefore = today.number - 2
            var published: [PublishedWindow] = []
            let days = try Int.fetchAll(db, sql: "SELECT DISTINCT day FROM reports WHERE day < ? ORDER BY day",
                                        arguments: [closedBefore])
            for day in days {
                for channel in Channel.allCases {
                    guard let hashing = parameters.channel(channel)?.hashing else { continue }
                    // A window is published once: reports that arrive for a published day are dropped unread.
                    let already = try Bool.fetchOne(db, sql: "SELECT 1 FROM windows WHERE channel = ? AND day = ?",
                                                    arguments: [channel.rawValue, day]) ?? false
                    if already { continue }
                    var builder = WindowBuilder(channel: channel, day: day, hashing: hashing)
                    let rows = try Row.fetchCursor(db, sql: "SELECT seed, value FROM reports WHERE day = ? AND channel = ?",
                                                   arguments: [day, channel.rawValue])
                    while let row = try rows.next() { builder.add(seed: row["seed"], value: row["value"]) }
                    guard let window = builder.window else { continue }
                    try db.execute(sql: "INSERT INTO windows (channel, day, reports, estimates) VALUES (?, ?, ?, ?)",
                                   arguments: [channel.rawValue, day, window.reports, window.estimatesJSON])
                    published.append(window)
                }
                try db.execute(sql: "DELETE FROM reports WHERE day = ?", arguments: [day])
            }
            try db.execute(sql: "DELETE FROM seen_ids WHERE day < ?", arguments: [today.number - 30])
            return published
        }
    }

    public func windows(from: Day) async throws -> [PublishedWindow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT channel, day, reports, estimates FROM windows WHERE day >= ? ORDER BY day, channel",
                             arguments: [from.number]).compactMap { row in
                PublishedWindow(channel: row["channel"], day: row["day"], reports: row["reports"], estimatesJSON: row["estimates"])
            }
        }
    }

    public func latestPriors() async throws -> StoredPriors? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT version, body FROM priors ORDER BY version DESC LIMIT 1").map {
                StoredPriors(version: $0["version"], body: $0["body"])
            }
        }
    }

    public func savePriors(_ priors: StoredPriors) async throws {
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO priors (version, body) VALUES (?, ?)", arguments: [priors.version, priors.body])
        }
    }
}

/// Group commit: reports that arrive while a write is in flight go into the next transaction together,
/// so a burst costs one commit, not one per report. No waiting is added: a lone report is written at once.
private final class InsertBatcher: @unchecked Sendable {
    private typealias Waiting = (report: Report, today: Day, continuation: CheckedContinuation<Bool, any Error>)

    private let pool: DatabasePool
    private let lock = NSLock()
    private var waiting: [Waiting] = []
    private var writing = false

    init(pool: DatabasePool) { self.pool = pool }

    func insert(_ report: Report, today: Day) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            let startsWriter = lock.withLock {
                waiting.append((report, today, continuation))
                defer { writing = true }
                return !writing
            }
            if startsWriter { Task { await self.writeAll() } }
        }
    }

    private func writeAll() async {
        while true {
            let batch: [Waiting] = lock.withLock {
                let batch = waiting
                waiting = []
                if batch.isEmpty { writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let reports = batch.map { ($0.report, $0.today) }
            do {
                let stored = try await pool.write { db in
                    try reports.map { try SQLiteReportStore.insert($0.0, today: $0.1, in: db) }
                }
                for (waiting, result) in zip(batch, stored) { waiting.continuation.resume(returning: result) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}
