import ChatVaultArchive
import ChatVaultCore
import Foundation
import Testing

@testable import ChatVaultPostgres

/// The embedded vault: batches go through ``SQLiteArchive``'s append.
struct SQLiteSubject: PolicyStateStoreSubject {
    let archive: SQLiteArchive
    var store: any PolicyStateStore { archive }

    func write(_ batch: [IncomingMessage], _ delta: PolicyStateDelta) async throws {
        _ = try await archive.append(batch, alerts: [], policyState: delta, context: AppendContext(actor: "test", source: "conformance"))
    }

    static func withSubject(_ body: (SQLiteSubject) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-conformance-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try await body(SQLiteSubject(archive: try Vault.create(at: root).openSQLiteArchive()))
    }
}

@Suite struct SQLitePolicyStateStoreConformanceTests {
    @Test func emptyState() async throws { try await SQLiteSubject.withSubject(PolicyStateStoreConformance.emptyState) }
    @Test func deltaStoredThenRead() async throws { try await SQLiteSubject.withSubject(PolicyStateStoreConformance.deltaStoredThenRead) }
    @Test func staleGenerationWritesNothing() async throws {
        try await SQLiteSubject.withSubject(PolicyStateStoreConformance.staleGenerationWritesNothing)
    }
    @Test func concurrentWritersOneWinsPerGeneration() async throws {
        try await SQLiteSubject.withSubject(PolicyStateStoreConformance.concurrentWritersOneWinsPerGeneration)
    }
    @Test func duplicatesAreDetected() async throws { try await SQLiteSubject.withSubject(PolicyStateStoreConformance.duplicatesAreDetected) }
}

/// The message store on PostgreSQL: batches go through ``PostgresArchive``'s append, with
/// the integrity log, in the transaction that checks the generation and stores the delta.
struct PostgresArchiveSubject: PolicyStateStoreSubject {
    let archive: PostgresArchive
    var store: any PolicyStateStore { archive }

    func write(_ batch: [IncomingMessage], _ delta: PolicyStateDelta) async throws {
        _ = try await archive.append(batch, alerts: [], policyState: delta, context: AppendContext(actor: "test", source: "conformance"))
    }

    static func withSubject(_ body: (PostgresArchiveSubject) async throws -> Void) async throws {
        try await PostgresServer.withArchive { archive, _ in
            try await body(PostgresArchiveSubject(archive: archive))
            #expect(try await archive.verify().isIntact)
        }
    }
}

@Suite(.enabled(if: PostgresServer.runnable)) struct PostgresArchivePolicyStateConformanceTests {
    @Test func emptyState() async throws { try await PostgresArchiveSubject.withSubject(PolicyStateStoreConformance.emptyState) }
    @Test func deltaStoredThenRead() async throws {
        try await PostgresArchiveSubject.withSubject(PolicyStateStoreConformance.deltaStoredThenRead)
    }
    @Test func staleGenerationWritesNothing() async throws {
        try await PostgresArchiveSubject.withSubject(PolicyStateStoreConformance.staleGenerationWritesNothing)
    }
    @Test func concurrentWritersOneWinsPerGeneration() async throws {
        try await PostgresArchiveSubject.withSubject(PolicyStateStoreConformance.concurrentWritersOneWinsPerGeneration)
    }
    @Test func duplicatesAreDetected() async throws {
        try await PostgresArchiveSubject.withSubject(PolicyStateStoreConformance.duplicatesAreDetected)
    }

    @Test func aPlainAppendRaisesTheGeneration() async throws {
        try await PostgresArchiveSubject.withSubject { subject in
            _ = try await subject.archive.append([PolicyStateStoreConformance.message("m1", "hi")], context: testContext)
            let snapshot = try await subject.archive.policyState(for: PolicyStateStoreConformance.keys, messages: [])
            #expect(snapshot.generation == 1, "a batch evaluated before it must not be stored on a stale basis")
            _ = try await subject.archive.append([PolicyStateStoreConformance.message("m1", "hi")], context: testContext)
            #expect(try await subject.archive.policyState(for: PolicyStateStoreConformance.keys, messages: []).generation == 1)
        }
    }
}
