import Foundation
import GRDB
import GRDBSQLite

/// Binds values straight into one of GRDB's prepared statements, for the scanner's row writes.
///
/// GRDB's `StatementArguments` box every value as an existential and convert it again to bind it: for a
/// 37-column row written 100,000 times in an import, that boxing cost as much as SQLite's own insert.
/// Used only inside a GRDB write transaction, on the statement GRDB prepared (and caches); errors become
/// GRDB's `DatabaseError`, so callers handle them as any other.
struct RawStatement {
    let statement: Statement
    let database: Database
    private var handle: SQLiteStatement { statement.sqliteStatement }

    /// SQLite copies bound text and blobs (SQLITE_TRANSIENT): the Swift values need not outlive the call.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ database: Database, sql: String) throws {
        self.database = database
        self.statement = try database.cachedStatement(sql: sql)
        sqlite3_reset(statement.sqliteStatement)
    }

    func bind(_ value: String?, at index: Int32) {
        guard var text = value else { return bindNull(at: index) }
        text.withUTF8 { bytes in
            if let base = bytes.baseAddress, !bytes.isEmpty {
                _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                                      Int32(bytes.count), Self.transient)
            } else {
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)  // empty text, not NULL
            }
        }
    }

    func bind(_ value: Int64?, at index: Int32) {
        guard let value else { return bindNull(at: index) }
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ value: Int?, at index: Int32) { bind(value.map(Int64.init), at: index) }

    func bind(_ value: Double?, at index: Int32) {
        guard let value else { return bindNull(at: index) }
        sqlite3_bind_double(handle, index, value)
    }

    func bind(_ value: [UInt8]?, at index: Int32) {
        guard let value else { return bindNull(at: index) }
        value.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress, !bytes.isEmpty {
                _ = sqlite3_bind_blob(handle, index, base, Int32(bytes.count), Self.transient)
            } else {
                _ = sqlite3_bind_zeroblob(handle, index, 0)  // an empty blob, not NULL
            }
        }
    }

    func bindNull(at index: Int32) { sqlite3_bind_null(handle, index) }

    /// Runs the statement to its end, then resets it for the next row.
    func execute() throws {
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            if code != SQLITE_ROW { throw error(code) }
        }
    }

    /// The first column of the first row as an integer, if there is a row.
    func fetchInt64() throws -> Int64? {
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return sqlite3_column_int64(handle, 0) }
        if code == SQLITE_DONE { return nil }
        throw error(code)
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(database.sqliteConnection)),
                      sql: statement.sql)
    }
}
