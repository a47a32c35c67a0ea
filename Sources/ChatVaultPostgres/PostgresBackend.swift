public import Logging
import NIOSSL
import PostgresNIO

/// A connection pool to one PostgreSQL database with ChatVault's schema, shared by the
/// PostgreSQL stores. ``open(_:migrator:logger:)`` migrates before it returns;
/// ``close()`` ends the pool.
public final class PostgresBackend: Sendable {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>

    private init(location: PostgresLocation, client: PostgresClient, logger: Logger) {
        self.location = location
        self.client = client
        self.logger = logger
        self.running = Task { await client.run() }
    }

    /// Connects to `location`, applies the missing migrations, and returns the backend.
    public static func open(
        _ location: PostgresLocation, migrator: PostgresMigrator = PostgresMigrator(),
        startupParameters: [(String, String)] = [],
        logger: Logger = Logger(label: "chatvault.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) async throws -> PostgresBackend {
        let tls: PostgresClient.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password, database: location.database,
            tls: tls)
        configuration.options.additionalStartupParameters = startupParameters
        let backend = PostgresBackend(
            location: location, client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
        do {
            try await backend.client.withConnection { connection in
                _ = try await migrator.migrate(connection, logger: logger)
            }
        } catch {
            await backend.close()
            throw error
        }
        return backend
    }

    /// Ends the pool; the backend cannot be used afterwards.
    public func close() async {
        running.cancel()
        await running.value
    }

    /// Runs `body` in one transaction on a pooled connection.
    func transaction<Result: Sendable>(
        _ begin: String = "BEGIN", _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await Self.transaction(connection, begin: begin, logger: logger, body)
        }
    }

    /// `body` between `begin` and COMMIT, or ROLLBACK; rethrows `body`'s own error unchanged
    /// (postgres-nio's `withTransaction` wraps it), so callers can match on it.
    static func transaction<Result: Sendable>(
        _ connection: PostgresConnection, begin: String = "BEGIN", logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return result
    }
}
