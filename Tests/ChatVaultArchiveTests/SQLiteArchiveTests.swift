import ChatVaultArchive
import ChatVaultCore
import Crypto
import Foundation
import GRDB
import Testing

@Suite struct SQLiteArchiveTests {
    func withArchive(_ body: (SQLiteArchive, TemporaryVault) async throws -> Void) async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        try await body(try vault.archive(), vault)
    }

    @Test func appendStoresAndDeduplicates() async throws {
        try await withArchive { a, _ in try await ArchiveConformance.appendStoresAndDeduplicates(a) }
    }
    @Test func searchFindsNormalisedText() async throws {
        try await withArchive { a, _ in try await ArchiveConformance.searchFindsNormalisedTextAndQuotesEverything(a) }
    }
    @Test func searchOrdersAndFilters() async throws { try await withArchive { a, _ in try await ArchiveConformance.searchOrdersAndFilters(a) } }
    @Test func transcriptsAreInSentOrder() async throws {
        try await withArchive { a, _ in try await ArchiveConformance.transcriptsAreInSentOrder(a) }
    }
    @Test func externalParticipants() async throws {
        try await withArchive { a, _ in try await ArchiveConformance.externalParticipantsMarkTheConversation(a) }
    }
    @Test func auditTrail() async throws { try await withArchive { a, _ in try await ArchiveConformance.auditTrailRecordsAppendsAndReads(a) } }
    @Test func countsAndReadsByID() async throws {
        try await withArchive { a, _ in try await ArchiveConformance.countsAndReadsByArchiveAndPlatformID(a) }
    }
    @Test func auditTrailFiltersAndPages() async throws {
        try await withArchive { a, _ in try await ArchiveConformance.auditTrailFiltersAndPages(a) }
    }
    @Test func verifiesAndProves() async throws {
        try await withArchive { a, v in try await ArchiveConformance.verifiesAndProvesEveryMessage(a, publicKey: try v.vault.signer().publicKey) }
    }

    @Test func messagesInTheSameMillisecondGetDistinctOrderedIDs() async throws {
        try await withArchive { archive, _ in
            let receipt = try await archive.append((0..<50).map { incoming("m\($0)", at: 42, text: "same time") }, context: testContext)
            #expect(Set(receipt.storedIDs).count == 50)
            #expect(receipt.storedIDs == receipt.storedIDs.sorted())
            #expect(receipt.storedIDs.allSatisfy { MessageID(rawValue: $0).millisecond == 42_000 })
        }
    }

    @Test func verifyNamesARecordChangedBehindItsBack() async throws {
        try await withArchive { archive, vault in
            let receipt = try await archive.append([incoming("m1", text: "pay 100"), incoming("m2", text: "pay 200")], context: testContext)
            let target = receipt.storedIDs[1]
            let db = try DatabaseQueue(path: vault.vault.databasePath)
            try await db.write { try $0.execute(sql: "UPDATE messages SET text = 'pay 900' WHERE id = ?", arguments: [target]) }
            let report = try await archive.verify()
            #expect(!report.isIntact)
            #expect(report.problems.count == 1)
            #expect(report.problems.first?.recordKind == "message")
            #expect(report.problems.first?.recordID == target)
        }
    }

    @Test func verifyCatchesDeletedRecordsAndRewrittenLeaves() async throws {
        try await withArchive { archive, vault in
            let receipt = try await archive.append((0..<5).map { incoming("m\($0)", at: Int64($0), text: "item \($0)") }, context: testContext)
            let db = try DatabaseQueue(path: vault.vault.databasePath)
            try await db.write { try $0.execute(sql: "DELETE FROM messages WHERE id = ?", arguments: [receipt.storedIDs[2]]) }
            let deleted = try await archive.verify()
            #expect(deleted.problems.contains { $0.recordID == receipt.storedIDs[2] && $0.reason.contains("deleted") })

            // Rewriting the log's hashes breaks the signed roots.
            try await db.write { db in
                try db.execute(sql: "UPDATE messages SET text = 'item X' WHERE id = ?", arguments: [receipt.storedIDs[3]])
                try db.execute(sql: "UPDATE log_blocks SET hashes = zeroblob(length(hashes))")
            }
            let rewritten = try await archive.verify()
            #expect(rewritten.problems.contains { $0.recordKind == "checkpoint" })
        }
    }

    @Test func verifyCatchesAForgedCheckpoint() async throws {
        try await withArchive { archive, vault in
            _ = try await archive.append([incoming("m1", text: "a")], context: testContext)
            let db = try DatabaseQueue(path: vault.vault.databasePath)
            try await db.write { try $0.execute(sql: "UPDATE checkpoints SET at = at + 1") }
            let report = try await archive.verify()
            #expect(report.problems.contains { $0.recordKind == "checkpoint" && $0.reason.contains("signature") })
        }
    }

    @Test func reopeningKeepsEverythingAndContinuesTheLog() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        _ = try await vault.archive().append([incoming("m1", text: "first")], context: testContext)
        let reopened = try vault.archive()
        _ = try await reopened.append([incoming("m2", text: "second")], context: testContext)
        #expect(try await reopened.statistics().messages == 2)
        #expect(try await reopened.verify().isIntact)
    }

    @Test func textWithNULIsStoredWhole() async throws {
        try await withArchive { archive, _ in
            let receipt = try await archive.append([incoming("m1", text: "before\u{0}after")], context: testContext)
            #expect(try await archive.message(id: receipt.storedIDs[0])?.message.text == "before\u{0}after")
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func initRefusesADirectoryWithAnEarlierVault() throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        _ = try vault.archive()
        try FileManager.default.removeItem(at: vault.directory.appendingPathComponent("config.json"))
        #expect(throws: Vault.Failure.self) { try Vault.create(at: vault.directory) }
    }

    @Test func witnessedCheckpointsCatchTruncationAndRewrites() async throws {
        try await withArchive { archive, vault in
            _ = try await archive.append((0..<5).map { incoming("a\($0)", at: Int64($0), text: "first \($0)") }, context: testContext)
            let kept = try #require(try await archive.statistics().latestCheckpoint)
            _ = try await archive.append((0..<5).map { incoming("b\($0)", at: Int64(10 + $0), text: "second \($0)") }, context: testContext)
            let witness = try #require(try await archive.statistics().latestCheckpoint)
            #expect(try await archive.verify(VerificationTrust(witnesses: [witness, kept])).isIntact)

            // A stranger's key does not vouch for this vault's checkpoints.
            let stranger = Curve25519.Signing.PrivateKey().publicKey
            let foreign = try await archive.verify(VerificationTrust(publicKey: stranger))
            #expect(foreign.problems.contains { $0.reason.contains("signature") })

            // Remove the second batch with its part of the log and its checkpoints.
            let db = try DatabaseQueue(path: vault.vault.databasePath)
            try await db.write { db in
                try db.execute(sql: "DELETE FROM messages WHERE source_id LIKE 'b%'")
                try db.execute(sql: "DELETE FROM audit_events WHERE leaf >= ?", arguments: [kept.treeSize])
                try db.execute(sql: "DELETE FROM log_blocks WHERE first_leaf >= ?", arguments: [kept.treeSize])
                try db.execute(sql: "DELETE FROM checkpoints WHERE tree_size > ?", arguments: [kept.treeSize])
            }
            let truncated = try await archive.verify(VerificationTrust(witnesses: [witness]))
            #expect(truncated.problems.contains { $0.recordKind == "witnessed checkpoint" && $0.reason.contains("removed") })
        }
    }

    @Test func verifyChecksTheIndexAndConversationCounters() async throws {
        try await withArchive { archive, vault in
            let receipt = try await archive.append([incoming("m1", text: "hidden words"), incoming("m2", text: "other")], context: testContext)
            let db = try DatabaseQueue(path: vault.vault.databasePath)
            try await db.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO message_index (message_index, rowid, body, meta) SELECT 'delete', id, 'hidden words', '' FROM messages WHERE id = ?",
                    arguments: [receipt.storedIDs[0]])
                try db.execute(sql: "UPDATE conversations SET message_count = 1")
            }
            let report = try await archive.verify()
            #expect(report.problems.contains { $0.recordID == receipt.storedIDs[0] && $0.reason.contains("search index") })
            #expect(report.problems.contains { $0.recordKind == "conversation" && $0.reason.contains("count") })
        }
    }
}

@Suite struct AttachmentStoreTests {
    @Test func contentIsStoredOnceByHashAndVerified() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let archive = try vault.archive()
        let content = Array("quarterly numbers attached".utf8)
        let sha256 = BlobDigest.hex(content)
        func message(_ id: String) -> IncomingMessage {
            var m = incoming(id, text: "see file")
            m.message.attachments = [Attachment(name: "q1.txt", sha256: sha256, size: Int64(content.count), mediaType: "text/plain")]
            m.contents = [sha256: content]
            return m
        }
        _ = try await archive.append([message("m1"), message("m2")], context: testContext)
        #expect(try await archive.attachment(sha256: sha256) == content)
        let file = vault.directory.appendingPathComponent("blobs/\(sha256.prefix(2))/\(sha256)")
        #expect(FileManager.default.fileExists(atPath: file.path))
        let report = try await archive.verify()
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.recordsChecked == report.leaves)

        // Shared twice, recorded once.
        let db = try DatabaseQueue(path: vault.vault.databasePath)
        #expect(try await db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM blobs") } == 1)

        try Data("quarterly numbers altered!".utf8).write(to: file)
        #expect(try await archive.verify().problems.contains { $0.recordKind == "attachment" && $0.reason.contains("altered") })
        try FileManager.default.removeItem(at: file)
        #expect(try await archive.verify().problems.contains { $0.recordKind == "attachment" && $0.reason.contains("missing") })
    }

    @Test func contentThatDoesNotMatchItsHashIsRefused() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        var m = incoming("m1", text: "x")
        m.contents = [String(repeating: "0", count: 64): [1, 2, 3]]
        await #expect(throws: ArchiveError.self) { try await vault.archive().append([m], context: testContext) }
        #expect(try await vault.archive().statistics().messages == 0)
    }
}

/// SHA-256 in hex, computed independently of the archive's own code.
enum BlobDigest {
    static func hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
