import Foundation
import GRDB

/// A report in the outbox: made on the device, sent or waiting.
public struct OutboxEntry: Sendable, Equatable {
    public var id: Int64
    public var madeAt: Double
    public var channel: String
    public var day: String
    public var body: Data
    public var dueAt: Double
    public var attempts: Int
    public var sentAt: Double?
    public var status: Int?
}

extension LibraryStore {
    /// The sync client's stored state (JSON), nil before sync was ever turned on.
    public func syncState() throws -> Data? {
        try pool.read { db in try Data.fetchOne(db, sql: "SELECT state FROM sync_state WHERE id = 1") }
    }

    /// Saves the state; with `onlyIfOn`, only while the stored state still says on (false if it did not),
    /// so that a process that read "on" cannot write it back over a `hum sync disable` made meanwhile.
    @discardableResult
    public func saveSyncState(_ json: Data, onlyIfOn: Bool = false) throws -> Bool {
        try pool.write { db in
            if onlyIfOn, try !Self.syncIsOn(db) { return false }
            try db.execute(sql: "INSERT INTO sync_state (id, state) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state",
                           arguments: [json])
            return true
        }
    }

    /// Whether the stored sync state says on: what every process holds to, whatever it read before
    /// (`hum sync disable` in one terminal stops the interface running in another).
    public func syncIsOn() throws -> Bool {
        try pool.read { db in try Self.syncIsOn(db) }
    }

    private static func syncIsOn(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT json_extract(state, '$.enabled') FROM sync_state WHERE id = 1") ?? false
    }

    /// Puts a report in the outbox; `state` (the ledger that was charged for it) is saved in the same
    /// transaction, so a crash can neither send an uncharged report nor charge one that is not kept.
    /// Nothing is written, and false returned, when the stored state says sync was turned off meanwhile.
    @discardableResult
    public func enqueueReport(channel: String, day: String, body: Data, madeAt: Double, dueAt: Double,
                              state: Data) throws -> Bool {
        try pool.write { db in
            guard try Self.syncIsOn(db) else { return false }
            try db.execute(sql: """
                INSERT INTO sync_outbox (made_at, channel, day, body, due_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [Int64(madeAt), channel, day, body, Int64(dueAt)])
            try db.execute(sql: "INSERT INTO sync_state (id, state) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET state = excluded.state",
                           arguments: [state])
            return true
        }
    }

    /// The priors document kept (its canonical JSON bytes) and its version; nil before the first fetch.
    public func sharedPriors() throws -> (version: Int, document: Data)? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT version, document FROM sync_priors WHERE id = 1").map { ($0["version"], $0["document"]) }
        }
    }

    /// Keeps a verified priors document, replacing an older one.
    public func saveSharedPriors(version: Int, document: Data, at now: Double) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO sync_priors (id, version, document, fetched_at) VALUES (1, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET version = excluded.version, document = excluded.document,
                    fetched_at = excluded.fetched_at
                """, arguments: [version, document, Int64(now)])
        }
    }

    /// Every report made, oldest first.
    public func outbox() throws -> [OutboxEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sync_outbox ORDER BY id").map(Self.outboxEntry)
        }
    }

    /// The unsent reports due by `now`.
    public func dueReports(at now: Double) throws -> [OutboxEntry] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sync_outbox WHERE sent_at IS NULL AND due_at <= ? ORDER BY due_at, id",
                             arguments: [Int64(min(max(now, 0), 1e15).rounded(.up))]).map(Self.outboxEntry)
        }
    }

    /// The server answered `status` for the report `id` (it is not sent again).
    public func markSent(_ id: Int64, at now: Double, status: Int) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE sync_outbox SET sent_at = ?, status = ?, attempts = attempts + 1 WHERE id = ?",
                           arguments: [Int64(now), status, id])
        }
    }

    /// The server could not be reached: try again at `dueAt`.
    public func rescheduleReport(_ id: Int64, dueAt: Double) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE sync_outbox SET due_at = ?, attempts = attempts + 1 WHERE id = ?",
                           arguments: [Int64(dueAt), id])
        }
    }

    /// Deletes every report not yet sent (sync turned off, or the report too old to be accepted).
    @discardableResult
    public func dropUnsentReports(ids: [Int64]? = nil) throws -> Int {
        try pool.write { db in
            guard let ids else {
                try db.execute(sql: "DELETE FROM sync_outbox WHERE sent_at IS NULL")
                return db.changesCount
            }
            var dropped = 0
            for id in ids {
                try db.execute(sql: "DELETE FROM sync_outbox WHERE id = ? AND sent_at IS NULL", arguments: [id])
                dropped += db.changesCount
            }
            return dropped
        }
    }

    private static func outboxEntry(_ row: Row) -> OutboxEntry {
        OutboxEntry(id: row["id"], madeAt: Double(row["made_at"] as Int64), channel: row["channel"], day: row["day"],
                    body: row["body"], dueAt: Double(row["due_at"] as Int64), attempts: row["attempts"],
                    sentAt: (row["sent_at"] as Int64?).map(Double.init), status: row["status"])
    }
}
