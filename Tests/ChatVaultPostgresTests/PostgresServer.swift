import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ChatVaultPostgres

/// The real PostgreSQL of `scripts/peers/start_postgres.sh`, started once per test process.
///
/// A server that cannot be started (not root and no PostgreSQL installed) skips the
/// PostgreSQL tests, unless `CHATVAULT_REQUIRE_PEERS=1` (CI) makes that a failure. Each
/// test gets a schema of its own, so tests run in parallel on one database.
enum PostgresServer {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var required: Bool { ProcessInfo.processInfo.environment["CHATVAULT_REQUIRE_PEERS"] == "1" }
    static var directory: String { ProcessInfo.processInfo.environment["PEERS_DIR"] ?? "/tmp/chatvault-peers" }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Whether the PostgreSQL suites run: the server started, or it must.
    static var runnable: Bool {
        if required { return true }
        if case .success = started { return true }
        return false
    }

    /// The test database's location, or why the server could not be started.
    static func location() throws -> PostgresLocation { try started.get() }

    static let started: Result<PostgresLocation, StartFailure> = start()

    private static func start() -> Result<PostgresLocation, StartFailure> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/peers/start_postgres.sh").path]
        var environment = ProcessInfo.processInfo.environment
        environment["PEERS_DIR"] = directory
        process.environment = environment
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("postgres-start-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        do {
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            try handle.close()
        } catch {
            return .failure(StartFailure(description: "cannot run start_postgres.sh: \(error)"))
        }
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            return .failure(StartFailure(description: "start_postgres.sh failed (\(process.terminationStatus)):\n\(output)"))
        }
        let state = directory + "/postgres"
        do {
            let url = try String(contentsOfFile: state + "/url", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            return .success(try PostgresLocation(url: url, passwordFile: state + "/password"))
        } catch {
            return .failure(StartFailure(description: "start_postgres.sh left no usable url/password: \(error)"))
        }
    }

    /// Runs `body` with a new, empty schema of the test database, dropped afterwards.
    static func withSchema<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await execute("CREATE SCHEMA \(schema)")
        do {
            let result = try await body(schema)
            try await execute("DROP SCHEMA \(schema) CASCADE")
            return result
        } catch {
            try? await execute("DROP SCHEMA \(schema) CASCADE")
            throw error
        }
    }

    /// Runs one statement (made of test constants only) in the database's public schema.
    private static func execute(_ sql: String) async throws {
        let admin = try await PostgresBackend.open(try location(), migrator: PostgresMigrator([]))
        do {
            _ = try await admin.transaction { connection in
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test"))
            }
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
    }

    /// A backend on `schema`, migrated by `migrator`.
    static func backend(schema: String, migrator: PostgresMigrator = PostgresMigrator()) async throws -> PostgresBackend {
        try await PostgresBackend.open(try location(), migrator: migrator, startupParameters: [("search_path", schema)])
    }

    /// Runs `body` with a backend on a new schema; closes it and drops the schema afterwards.
    static func withBackend<Result>(migrator: PostgresMigrator = PostgresMigrator(), _ body: (PostgresBackend) async throws -> Result)
        async throws -> Result
    {
        try await withSchema { schema in
            let backend = try await backend(schema: schema, migrator: migrator)
            do {
                let result = try await body(backend)
                await backend.close()
                return result
            } catch {
                await backend.close()
                throw error
            }
        }
    }
}
