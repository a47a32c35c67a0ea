import ChatVaultCore
import Foundation
import GRDB
import Testing

@testable import ChatVaultArchive

@Suite struct IndexFlagsMigrationTests {
    /// A vault from before the filter tokens: its messages are re-indexed with them when it is
    /// opened, and disposition afterwards leaves no index entry behind.
    @Test func olderVaultsGetTheirFilterTokensOnOpen() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let sent = Timestamp(iso8601: "2024-01-01T10:00:00Z")!
        var message = Message(
            platform: "slack", conversation: "C1", sourceID: "m1", sender: Handle(id: "client@other.example"), sentAt: sent, text: "terms attached")
        message.attachments = [Attachment(name: "terms.pdf", size: 10)]
        let archive = try vault.archive()
        _ = try await archive.append([IncomingMessage(message: message, origin: "t")], context: testContext)
        // Turn it back into an older vault: index entry without flags, no stored flags, migration not run.
        let queue = try DatabaseQueue(path: vault.vault.databasePath)
        try await queue.write { db in
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT \(StoredMessage.selection(table: "m.")), c.platform, c.source_id, m.index_flags FROM messages m JOIN conversations c ON c.id = m.conversation"
            )!
            let stored = StoredMessage(row: row)
            let archived = stored.archived(platform: row[StoredMessage.width], conversationSourceID: row[StoredMessage.width + 1])
            let body = SQLiteArchive.indexBody(IncomingMessage(message: archived.message, origin: ""))
            var cache: [String: String] = [:]
            let meta = SQLiteArchive.metaTokens(conversationID: stored.conversation, sender: archived.message.sender, cache: &cache)
            let flags: String = row[StoredMessage.width + 2]
            try db.execute(
                sql: "INSERT INTO message_index (message_index, rowid, body, meta) VALUES ('delete', ?, ?, ?)",
                arguments: [stored.id, body, meta + flags])
            try db.execute(sql: "INSERT INTO message_index (rowid, body, meta) VALUES (?, ?, ?)", arguments: [stored.id, body, meta])
            try db.execute(sql: "UPDATE messages SET index_flags = NULL")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v4-backfill-index-flags'")
        }
        var filtered = SearchRequest(query: nil)
        filtered.withAttachments = true
        #expect(try await archive.count(filtered) == 0, "the older vault has no filter tokens")
        let reopened = try vault.archive()
        #expect(try await reopened.count(filtered) == 1)
        filtered.withAttachments = false
        filtered.externalOnly = true
        #expect(try await reopened.count(filtered) == 1)
        #expect(try await reopened.verify().isIntact)
    }
}
