import ChatVaultArchive
import ChatVaultCore
import Testing

@testable import ChatVaultPostgres

/// ``ArchiveConformance``, written once for every message store, on PostgreSQL.
@Suite(.enabled(if: PostgresServer.runnable)) struct PostgresArchiveConformanceTests {
    @Test func appendStoresAndDeduplicates() async throws {
        try await PostgresServer.withArchive { archive, _ in try await ArchiveConformance.appendStoresAndDeduplicates(archive) }
    }
    @Test func searchFindsNormalisedTextAndQuotesEverything() async throws {
        try await PostgresServer.withArchive { archive, _ in try await ArchiveConformance.searchFindsNormalisedTextAndQuotesEverything(archive) }
    }
    @Test func searchOrdersAndFilters() async throws {
        try await PostgresServer.withArchive { archive, _ in try await ArchiveConformance.searchOrdersAndFilters(archive) }
    }
    @Test func transcriptsAreInSentOrder() async throws {
        try await PostgresServer.withArchive { archive, _ in try await ArchiveConformance.transcriptsAreInSentOrder(archive) }
    }
    @Test func externalParticipantsMarkTheConversation() async throws {
        try await PostgresServer.withArchive { archive, _ in try await ArchiveConformance.externalParticipantsMarkTheConversation(archive) }
    }
    @Test func verifiesAndProvesEveryMessage() async throws {
        try await PostgresServer.withArchive { archive, keys in
            try await ArchiveConformance.verifiesAndProvesEveryMessage(archive, publicKey: try keys.vault.signer().publicKey)
        }
    }
    @Test func auditTrailRecordsAppendsAndReads() async throws {
        try await PostgresServer.withArchive { archive, _ in try await ArchiveConformance.auditTrailRecordsAppendsAndReads(archive) }
    }
    @Test func countsAndReadsByArchiveAndPlatformID() async throws {
        try await PostgresServer.withArchive { archive, _ in try await ArchiveConformance.countsAndReadsByArchiveAndPlatformID(archive) }
    }
    @Test func auditTrailFiltersAndPages() async throws {
        try await PostgresServer.withArchive { archive, _ in try await ArchiveConformance.auditTrailFiltersAndPages(archive) }
    }
}
