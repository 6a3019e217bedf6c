import Foundation
import Glibc
import GRDB

/// hum's one SQLite file: the library, the listening log, playlists and settings.
///
/// Owns a GRDB `DatabasePool` in WAL mode, so readers (the UI, search, export) never wait for the
/// listening log's writes (they wait for each other: `ReadsInTurn`) and a crash never leaves a
/// half-written transaction. The schema is built and upgraded by `LibraryStore.migrator`. Writes are named after intentions (`recordListens`,
/// `savePlaylist`, `forget`…); reads return Sendable values, never GRDB rows.
public final class LibraryStore: Sendable {
    public let path: String
    /// Reads take turns (see `ReadsInTurn`); writes go beside them.
    let pool: ReadsInTurn

    /// Opens (creating folders and file if needed) and upgrades the database at `path`.
    /// - Throws: `LibraryError.cannotOpen`, naming the file.
    public init(path: String) throws {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // Erased rows are overwritten with zeros, so `hum forget` leaves no readable trace in the file.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // WAL + NORMAL: a commit survives a killed process (the WAL is in the OS cache); only a power
            // cut can lose the last transactions, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // An import lets the log grow to ~40 MiB (see `prepareForImport`); once copied into the file
            // it is cut back to this, not left that size on disk.
            try db.execute(sql: "PRAGMA journal_size_limit = 8388608")
        }
        configuration.busyMode = .timeout(5)
        do {
            pool = ReadsInTurn(try Self.openAndMigrate(path: path, configuration: configuration))
        } catch {
            throw LibraryError.cannotOpen(path: path, reason: LibraryError.describe(error))
        }
    }

    /// Opens and upgrades the file, holding an exclusive `flock` on its folder meanwhile.
    ///
    /// Two hums starting at once on a new library would both switch it to WAL and create the schema (the
    /// second gets "database is locked" or "table tracks already exists"): GRDB's migrator checks what
    /// is applied and applies the rest in separate steps. The folder's lock (not the file's: closing any
    /// descriptor of the database file would drop SQLite's own POSIX locks) makes the two opens take turns;
    /// it is held for milliseconds.
    private static func openAndMigrate(path: String, configuration: Configuration) throws -> DatabasePool {
        let folder = (path as NSString).deletingLastPathComponent
        let lock = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer {
            if lock >= 0 {
                flock(lock, LOCK_UN)
                Glibc.close(lock)
            }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        try pool.write { db in
            try closeInterruptedListens(db)
            try indexDeferredSearch(db)  // an import killed before it indexed its tracks
        }
        return pool
    }

    /// Where the library lives: `$XDG_DATA_HOME/hum/hum.sqlite`, by default `~/.local/share/hum/hum.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return data + "/hum/hum.sqlite"
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/hum/hum.sqlite"
    }

    /// The schema version the file is at (the last migration applied).
    public func schemaVersion() throws -> String? {
        let applied = try pool.read { db in try Self.migrator.appliedIdentifiers(db) }
        return Self.migrationIdentifiers.last(where: applied.contains)
    }

    /// Runs `PRAGMA integrity_check`; "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// Closes the file; later calls fail.
    public func close() throws { try pool.close() }
}

/// What can go wrong with the library file, as one line that names it.
public enum LibraryError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case invalidValue(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open the library \(path): \(reason)"
        case .cannotWrite(let path, let reason): "cannot write to the library \(path): \(reason)"
        case .invalidValue(let what): what
        }
    }

    /// SQLite's message without GRDB's decoration ("SQLite error 13: database or disk is full - while…").
    static func describe(_ error: any Error) -> String {
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_FULL: return "the disk is full"
            case .SQLITE_READONLY: return "the file is read-only"
            case .SQLITE_CANTOPEN: return "cannot open the file (missing folder or permission denied)"
            case .SQLITE_NOTADB: return "not a hum library (not an SQLite database)"
            case .SQLITE_CORRUPT: return "the file is damaged"
            default: return db.message ?? "\(db.resultCode)"
            }
        }
        return "\(error)"
    }
}
