import Logging
public import PostgresNIO

/// Brings a database's schema up to ``PostgresMigration/all``.
///
/// Each migration runs in its own transaction together with its row in
/// `chatvault_migrations`, under a transaction-scoped advisory lock, so two processes that
/// start at once apply each migration exactly once (the second waits, then finds it
/// applied). A database holding a migration this build does not know was written by a
/// newer ChatVault: it is refused before anything runs.
public struct PostgresMigrator: Sendable {
    /// The advisory lock key all ChatVault migrations take ("CVMIGRAT" in ASCII).
    static let lockKey: Int64 = 0x4356_4D49_4752_4154

    public var migrations: [PostgresMigration]

    public init(_ migrations: [PostgresMigration] = PostgresMigration.all) {
        self.migrations = migrations
    }

    /// Applies what is missing; returns the names applied by this call, in order.
    @discardableResult
    public func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var applied: [String] = []
        // One pass checks for unknown migrations even when this build has none to apply.
        for migration in migrations.map(Optional.some) + [nil] {
            let ran = try await PostgresBackend.transaction(connection, logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS chatvault_migrations (
                        name text PRIMARY KEY,
                        applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var known: Set<String> = []
                for try await name in try await connection.query("SELECT name FROM chatvault_migrations", logger: logger).decode(String.self) {
                    known.insert(name)
                }
                let unknown = known.subtracting(migrations.map(\.name)).sorted()
                guard unknown.isEmpty else {
                    throw PostgresStoreError(
                        .unknownMigration,
                        "the database has migrations this ChatVault does not know (\(unknown.joined(separator: ", "))): it was written by a newer version"
                    )
                }
                guard let migration, !known.contains(migration.name) else { return false }
                for (index, statement) in migration.statements.enumerated() {
                    do {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    } catch let error as PSQLError {
                        let reason = error.serverInfo?[.message] ?? "\(error.code)"
                        throw PostgresStoreError(.migrationFailed, "migration \(migration.name), statement \(index + 1): \(reason)")
                    }
                }
                try await connection.query("INSERT INTO chatvault_migrations (name) VALUES (\(migration.name))", logger: logger)
                return true
            }
            if ran, let migration { applied.append(migration.name) }
        }
        return applied
    }
}
