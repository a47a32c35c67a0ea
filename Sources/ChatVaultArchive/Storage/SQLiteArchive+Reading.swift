import GRDB

extension SQLiteArchive {
    /// Runs `body` in one read transaction on the archive's connection: everything it
    /// reads comes from one state of the database.
    ///
    /// GRDB's own `read` makes the connection read-only for the call with
    /// `PRAGMA query_only`, and SQLite expires every prepared statement of a connection
    /// whose flags a pragma changes: after each such read, every cached statement of the
    /// write path (the append, the log, the policy state) was compiled again on its next
    /// use. The archive's reads are its own code, so the guard is not worth that.
    func reading<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.unsafeRead { db in try Self.inReadTransaction(db, body) }
    }

    /// ``reading(_:)`` for callers that are not asynchronous.
    func readingNow<T>(_ body: (Database) throws -> T) throws -> T {
        try database.unsafeRead { db in try Self.inReadTransaction(db, body) }
    }

    /// `body` in a deferred transaction, or in the one already open (as GRDB's `read` does).
    private static func inReadTransaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        if db.isInsideTransaction { return try body(db) }
        var result: T?
        try db.inTransaction(.deferred) {
            result = try body(db)
            return .commit
        }
        return result!
    }
}
