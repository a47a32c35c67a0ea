import Foundation
import GRDB
import GRDBSQLite

/// Direct binding and stepping of a prepared statement on the import and verify paths.
///
/// GRDB's argument arrays box every value; at hundreds of thousands of rows a second
/// that boxing costs more than SQLite itself. Text is bound with its byte length, so a
/// string holding U+0000 is stored whole instead of cut at the NUL.
struct RawStatement {
    /// Held so that GRDB does not finalize the statement while it is in use.
    let statement: Statement
    let pointer: OpaquePointer
    let db: Database

    init(_ statement: Statement, in db: Database) {
        self.statement = statement
        pointer = statement.sqliteStatement
        self.db = db
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: String) {
        var value = value
        value.withUTF8 { bytes in
            // A zero-length text must still be text, not NULL: give SQLite a valid pointer.
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            _ = sqlite3_bind_text(pointer, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
        }
    }

    func bind(_ index: Int32, _ value: String?) {
        if let value { bind(index, value) } else { sqlite3_bind_null(pointer, index) }
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(pointer, index, value)
    }

    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(pointer, index, Int64(value))
    }

    func bind(_ index: Int32, _ value: Bool) {
        sqlite3_bind_int64(pointer, index, value ? 1 : 0)
    }

    /// Runs the statement to completion and resets it for the next row.
    func run() throws {
        let code = sqlite3_step(pointer)
        defer { sqlite3_reset(pointer) }
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
        }
    }

    /// Steps to the next row of a query; `false` when done.
    func next() throws -> Bool {
        let code = sqlite3_step(pointer)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(pointer, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(pointer, column) == SQLITE_NULL }

    /// The bytes of a text or blob column, valid until the next step.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let base = sqlite3_column_blob(pointer, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: Int(sqlite3_column_bytes(pointer, column)))
    }
}

extension RawStatement {
    func reset() {
        sqlite3_reset(pointer)
    }
}
