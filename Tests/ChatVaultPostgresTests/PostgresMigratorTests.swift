import Foundation
import Logging
import PostgresNIO
import Testing

@testable import ChatVaultPostgres

/// The migration runner on the real server: once, race-free, and refusing a newer schema.
@Suite(.enabled(if: PostgresServer.runnable)) struct PostgresMigratorTests {
    static let logger = Logger(label: "test")

    static func appliedMigrations(_ backend: PostgresBackend) async throws -> [String] {
        try await backend.transaction { connection in
            var names: [String] = []
            for try await name in try await connection.query("SELECT name FROM chatvault_migrations ORDER BY name", logger: logger).decode(
                String.self)
            {
                names.append(name)
            }
            return names
        }
    }

    @Test func eachMigrationIsAppliedOnce() async throws {
        try await PostgresServer.withBackend { backend in
            #expect(try await Self.appliedMigrations(backend) == PostgresMigration.all.map(\.name))
            let again = try await backend.client.withConnection { connection in
                try await PostgresMigrator().migrate(connection, logger: Self.logger)
            }
            #expect(again.isEmpty)
            #expect(try await Self.appliedMigrations(backend) == PostgresMigration.all.map(\.name))
        }
    }

    @Test func twoProcessesMigratingAtOnceApplyEachMigrationOnce() async throws {
        try await PostgresServer.withSchema { schema in
            // Separate pools are separate server sessions, as two processes would be. A migration
            // that sleeps holds the first one inside its transaction while the second one arrives.
            let slow = PostgresMigration("0-slow", ["SELECT pg_sleep(0.3)", "CREATE TABLE slow_marker (id integer PRIMARY KEY)"])
            let migrator = PostgresMigrator([slow] + PostgresMigration.all)
            async let first = PostgresServer.backend(schema: schema, migrator: migrator)
            async let second = PostgresServer.backend(schema: schema, migrator: migrator)
            let backends = try await [first, second]
            defer { for backend in backends { Task { await backend.close() } } }
            #expect(try await Self.appliedMigrations(backends[0]) == (["0-slow"] + PostgresMigration.all.map(\.name)).sorted())
            let generations = try await backends[1].transaction { connection in
                var count = 0
                for try await _ in try await connection.query("SELECT generation FROM policy_generation", logger: Self.logger).decode(Int64.self) {
                    count += 1
                }
                return count
            }
            #expect(generations == 1)
            for backend in backends { await backend.close() }
        }
    }

    @Test func aDatabaseWithAnUnknownNewerMigrationIsRefused() async throws {
        try await PostgresServer.withSchema { schema in
            let future = PostgresMigration("9-from-a-newer-build", ["CREATE TABLE future_thing (id integer)"])
            let newer = try await PostgresServer.backend(schema: schema, migrator: PostgresMigrator(PostgresMigration.all + [future]))
            await newer.close()
            let error = await #expect(throws: PostgresStoreError.self) {
                let older = try await PostgresServer.backend(schema: schema)
                await older.close()
            }
            #expect(error?.code == .unknownMigration)
            #expect(error?.message.contains("9-from-a-newer-build") == true)
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        try await PostgresServer.withSchema { schema in
            let broken = PostgresMigration("2-broken", ["CREATE TABLE half_done (id integer)", "SELECT no_such_function()"])
            let error = await #expect(throws: PostgresStoreError.self) {
                let backend = try await PostgresServer.backend(schema: schema, migrator: PostgresMigrator(PostgresMigration.all + [broken]))
                await backend.close()
            }
            #expect(error?.code == .migrationFailed)
            #expect(
                error?.message.hasPrefix("migration 2-broken, statement 2: function no_such_function() does not exist") == true,
                "\(String(describing: error))")
            let backend = try await PostgresServer.backend(schema: schema)
            defer { Task { await backend.close() } }
            #expect(try await Self.appliedMigrations(backend) == PostgresMigration.all.map(\.name))
            let tables = try await backend.transaction { connection in
                var count = 0
                for try await _ in try await connection.query(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = \(schema) AND table_name = 'half_done'", logger: Self.logger
                ).decode(Int.self) { count += 1 }
                return count
            }
            #expect(tables == 0)
            await backend.close()
        }
    }
}
