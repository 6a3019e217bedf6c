import Foundation
import GRDB

/// The store's `DatabasePool`, whose reads take turns: one thread reads at a time, while writes still
/// run beside a read (WAL).
///
/// Why: every `DatabasePool.read` goes through the reader pool's `ReadWriteLock`, a concurrent
/// `DispatchQueue` entered with `sync` (the reentrancy check) and `sync(flags: .barrier)` (taking and
/// giving back a connection). When three threads meet there, libdispatch hands the waiting barrier
/// over through one of its worker threads ("-qos.overcommit"), and on Linux the first such job starts
/// the worker pool's monitor, which wakes the process every second from then on: a paused interface
/// whose filter thread, listening log and interface thread had once read at the same moment woke
/// once a second (`SoundTests.pausedDoesNotWake`, three full runs in six; reproduced with three
/// threads reading a GRDB pool, and gone when they took turns). hum's reads are short (milliseconds;
/// the longest, loading the whole library at start, about half a second), so waiting a turn costs
/// little, and writes, which never touch the reader pool, do not wait for reads.
struct ReadsInTurn: Sendable {
    private let pool: DatabasePool
    private let turn = NSLock()

    init(_ pool: DatabasePool) { self.pool = pool }

    func read<T>(_ value: (Database) throws -> T) throws -> T {
        turn.lock()
        defer { turn.unlock() }
        return try pool.read(value)
    }

    func write<T>(_ updates: (Database) throws -> T) throws -> T { try pool.write(updates) }

    func writeWithoutTransaction<T>(_ updates: (Database) throws -> T) throws -> T {
        try pool.writeWithoutTransaction(updates)
    }

    func close() throws {
        turn.lock()
        defer { turn.unlock() }
        try pool.close()
    }
}
