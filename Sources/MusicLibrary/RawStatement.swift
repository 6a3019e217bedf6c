import Foundation
import GRDB
import GRDBSQLite

/// Binds values straight into one of GRDB's prepared statements and reads its rows by position, for the
/// scanner's row writes and the library's bulk reads.
///
/// GRDB's `StatementArguments` box every value as an existential and convert it again to bind it: for a
/// 37-column row written 100,000 times in an import, that boxing cost as much as SQLite's own insert.
/// Reading is the mirror image: a GRDB `Row` is an object holding an array of `DatabaseValue` enums, made
/// for every row and then converted again; reading the columns in place skips both (see `TrackRowReader`).
/// Used only inside a GRDB transaction (`pool.write` or `pool.read`), on the statement GRDB prepared (and
/// caches), and reset before the transaction ends; errors become GRDB's `DatabaseError`, so callers handle
/// them as any other.
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

    /// The first column of every row as integers (NULL reads as 0), then resets the statement.
    func fetchAllInt64() throws -> [Int64] {
        defer { sqlite3_reset(handle) }
        var values: [Int64] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return values }
            if code != SQLITE_ROW { throw error(code) }
            values.append(sqlite3_column_int64(handle, 0))
        }
    }

    // MARK: Reading rows

    /// Moves to the next row: true while there is one. Call `reset()` when done (or stopping early).
    func step() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw error(code)
    }

    func reset() { sqlite3_reset(handle) }

    func isNull(at column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(at column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func int64OrNil(at column: Int32) -> Int64? { isNull(at: column) ? nil : sqlite3_column_int64(handle, column) }

    func intOrNil(at column: Int32) -> Int? { isNull(at: column) ? nil : Int(sqlite3_column_int64(handle, column)) }

    func doubleOrNil(at column: Int32) -> Double? { isNull(at: column) ? nil : sqlite3_column_double(handle, column) }

    /// The column's text as UTF-8 bytes, valid until the statement moves on; nil for NULL.
    func utf8(at column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard !isNull(at: column) else { return nil }
        // sqlite3_column_text before sqlite3_column_bytes: the count is then that of the UTF-8 form.
        let text = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let text, count > 0 else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: count)
    }

    /// The column's text (invalid UTF-8 repaired with U+FFFD, as GRDB does); nil for NULL.
    func textOrNil(at column: Int32) -> String? {
        utf8(at: column).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The column's bytes; nil for NULL, empty for an empty blob.
    func bytesOrNil(at column: Int32) -> [UInt8]? {
        guard !isNull(at: column) else { return nil }
        let blob = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let blob, count > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: blob, count: count))
    }

    private func error(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(database.sqliteConnection)),
                      sql: statement.sql)
    }
}
