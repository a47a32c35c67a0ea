import ChatVaultArchive
import ChatVaultCore
import Crypto
import Foundation
import PostgresNIO
import Testing

@testable import ChatVaultPostgres

/// What only the PostgreSQL message store can show: the same root as the embedded store,
/// one log under concurrent writers, attachments in the database, and verify catching
/// changes made behind its back.
@Suite(.enabled(if: PostgresServer.runnable)) struct PostgresArchiveTests {
    static let content = Array("quarterly numbers attached".utf8)
    static let sha256 = Array(SHA256.hash(data: content)).hexString

    /// A message naming the attachment ``content`` and carrying it.
    static func withFile(_ id: String, at seconds: Int64 = 1_709_284_600) -> IncomingMessage {
        var message = incoming(id, at: seconds, text: "see file", recipients: ["client@acme.example"])
        message.message.attachments = [Attachment(name: "q1.txt", sha256: sha256, size: Int64(content.count), mediaType: "text/plain")]
        message.contents = [sha256: content]
        return message
    }

    /// Two batches with new conversations, an attachment, an alert, a duplicate and an id
    /// reused for other content.
    static func batches() -> [(messages: [IncomingMessage], alerts: [Alert])] {
        let alert = Alert(
            rule: "insider", severity: .high, description: "rule insider",
            message: Message.DedupKey(platform: "slack", conversation: "C1", sourceID: "m2"), participants: ["alice@bank.example"],
            matches: [Alert.Match(start: 0, end: 4, text: "wire")], raisedAt: Timestamp(microseconds: 1_709_284_700_000_000))
        return [
            (
                [
                    incoming("m1", name: "Alice", text: "hello", recipients: ["bob@bank.example"]),
                    incoming("m2", at: 1_709_284_501, text: "wire the money", editedFrom: ["wire it"]), withFile("f1"),
                    incoming("m1", name: "Alice", text: "hello", recipients: ["bob@bank.example"]),
                    incoming("t1", conversation: "19:abc", platform: "teams", text: "zürich café \u{1F4B8}"),
                ], [alert]
            ),
            ([incoming("m1", text: "other content, same id"), incoming("m3", conversation: "C2", text: "new room"), withFile("f2")], []),
        ]
    }

    @Test func theSameBatchesGiveTheSameRootOnBothBackends() async throws {
        let now = Timestamp(microseconds: 1_709_300_000_000_000)
        try await PostgresServer.withArchive(clock: { now }) { postgres, keys in
            let sqlite = try keys.vault.openSQLiteArchive(clock: { now })
            for (messages, alerts) in Self.batches() {
                let onSQLite = try await sqlite.append(messages, alerts: alerts, context: testContext)
                let onPostgres = try await postgres.append(messages, alerts: alerts, context: testContext)
                #expect(onPostgres.storedIDs == onSQLite.storedIDs)
                #expect(onPostgres.alertIDs == onSQLite.alertIDs)
                #expect(onPostgres.duplicatePositions == onSQLite.duplicatePositions)
                #expect(onPostgres.checkpoint?.treeSize == onSQLite.checkpoint?.treeSize)
                #expect(onPostgres.checkpoint?.root == onSQLite.checkpoint?.root, "same records, same leaves, same root")
            }
            let detail = JSONValue.object([("query", .string("wire"))])
            try await sqlite.recordAudit(action: "archive.search", actor: "officer", detail: detail)
            try await postgres.recordAudit(action: "archive.search", actor: "officer", detail: detail)
            let onSQLite = try await sqlite.statistics()
            let onPostgres = try await postgres.statistics()
            #expect(onPostgres.latestCheckpoint?.root == onSQLite.latestCheckpoint?.root)
            #expect(onPostgres.messages == onSQLite.messages && onPostgres.messages == 7)
            let report = try await postgres.verify()
            #expect(report.isIntact, "\(report.problems)")
            #expect(report.recordsChecked == report.leaves)
            let alerted = try #require(try await postgres.alerts(state: nil, rule: "insider", limit: 10).first)
            #expect(try await sqlite.alerts(state: nil, rule: "insider", limit: 10).first == alerted)
            let proof = try await postgres.inclusionProof(messageID: alerted.messageID)
            #expect(throws: Never.self) { try proof.verify(publicKey: try keys.vault.signer().publicKey) }
            #expect(try await sqlite.inclusionProof(messageID: alerted.messageID) == proof)
        }
    }

    @Test func concurrentAppendersWriteOneLog() async throws {
        try await KeyVault.with { keys in
            try await PostgresServer.withSchema { schema in
                let backends = [try await PostgresServer.backend(schema: schema), try await PostgresServer.backend(schema: schema)]
                do {
                    try await Self.appendConcurrently(backends, keys: keys)
                } catch {
                    for backend in backends { await backend.close() }
                    throw error
                }
                for backend in backends { await backend.close() }
            }
        }
    }

    /// Two importers, each with its own pool, store the same messages in batches, in opposite orders.
    static func appendConcurrently(_ backends: [PostgresBackend], keys: KeyVault) async throws {
        let archives = try backends.map { PostgresArchive(backend: $0, signer: try keys.vault.signer()) }
        // Both importers read the same 60 messages in batches of 6, in opposite orders.
        let messages = (0..<60).map { incoming("m\($0)", at: 1_709_284_500 + Int64($0 % 7), text: "message \($0)") }
        let batches = stride(from: 0, to: 60, by: 6).map { Array(messages[$0..<$0 + 6]) }
        let stored = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, archive) in archives.enumerated() {
                group.addTask {
                    var stored = 0
                    for batch in index == 0 ? batches : batches.reversed() {
                        stored += try await archive.append(batch, context: testContext).stored
                    }
                    return stored
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(stored == 60, "each message stored once")
        let statistics = try await archives[0].statistics()
        #expect(statistics.messages == 60 && statistics.conversations == 1)
        #expect(statistics.auditEvents == 20, "one audit event per batch")
        let report = try await archives[1].verify()
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.checkpointsChecked == 20)
        #expect(report.leaves == 1 + 60 + 20)
        let ids = try await archives[0].messageIDs(platform: nil, conversation: nil, sourceID: "m7")
        #expect(ids.count == 1)
    }

    @Test func messagesInTheSameMillisecondGetDistinctOrderedIDs() async throws {
        try await PostgresServer.withArchive { archive, _ in
            let receipt = try await archive.append((0..<50).map { incoming("m\($0)", at: 42, text: "same time") }, context: testContext)
            #expect(Set(receipt.storedIDs).count == 50)
            #expect(receipt.storedIDs == receipt.storedIDs.sorted())
            #expect(receipt.storedIDs.allSatisfy { MessageID(rawValue: $0).millisecond == 42_000 })
            let more = try await archive.append([incoming("n1", at: 42, text: "later, same time")], context: testContext)
            #expect(more.storedIDs[0] > receipt.storedIDs.max()!)
        }
    }

    @Test func contentIsStoredOnceByHashAndVerified() async throws {
        try await PostgresServer.withArchive { archive, _ in
            _ = try await archive.append([Self.withFile("m1"), Self.withFile("m2")], context: testContext)
            #expect(try await archive.attachment(sha256: Self.sha256) == Self.content)
            #expect(try await archive.attachment(sha256: String(repeating: "0", count: 64)) == nil)
            let report = try await archive.verify()
            #expect(report.isIntact, "\(report.problems)")
            #expect(report.recordsChecked == report.leaves)
            #expect(report.leaves == 1 + 1 + 2 + 1, "conversation, one attachment, two messages, the audit event")
            try await PostgresServer.tamper(archive.backend, "UPDATE blobs SET content = 'quarterly numbers altered!'::bytea")
            #expect(try await archive.verify().problems.contains { $0.recordKind == "attachment" && $0.reason.contains("altered") })
        }
    }

    @Test func contentThatDoesNotMatchItsHashIsRefused() async throws {
        try await PostgresServer.withArchive { (archive: PostgresArchive, _: KeyVault) async throws in
            var message = incoming("m1", text: "x")
            message.contents = [String(repeating: "0", count: 64): [1, 2, 3]]
            let error = await #expect(throws: ArchiveError.self) { try await archive.append([message], context: testContext) }
            #expect(error?.code == .invalid)
            #expect(try await archive.statistics().messages == 0, "the batch rolled back")
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func verifyNamesARecordChangedBehindItsBack() async throws {
        try await PostgresServer.withArchive { archive, _ in
            let receipt = try await archive.append([incoming("m1", text: "pay 100"), incoming("m2", text: "pay 200")], context: testContext)
            let target = receipt.storedIDs[1]
            try await PostgresServer.tamper(archive.backend, "UPDATE messages SET text = 'pay 900' WHERE id = \(target)")
            let report = try await archive.verify()
            #expect(report.problems.count == 1)
            #expect(report.problems.first?.recordKind == "message" && report.problems.first?.recordID == target)
        }
    }

    @Test func verifyCatchesDeletedRecordsAndRewrittenLeaves() async throws {
        try await PostgresServer.withArchive { archive, _ in
            let receipt = try await archive.append((0..<5).map { incoming("m\($0)", at: Int64($0), text: "item \($0)") }, context: testContext)
            try await PostgresServer.tamper(archive.backend, "DELETE FROM messages WHERE id = \(receipt.storedIDs[2])")
            let deleted = try await archive.verify()
            #expect(deleted.problems.contains { $0.recordID == receipt.storedIDs[2] && $0.reason.contains("deleted") })
            // Rewriting the log's hashes to match breaks the signed roots.
            try await PostgresServer.tamper(archive.backend, "UPDATE log_blocks SET hashes = decode(repeat('00', length(hashes)), 'hex')")
            #expect(try await archive.verify().problems.contains { $0.recordKind == "checkpoint" })
            // A log whose saved frontier no longer gives its signed root is never extended.
            try await PostgresServer.tamper(archive.backend, "UPDATE checkpoints SET frontier = decode(repeat('00', length(frontier)), 'hex')")
            let error = await #expect(throws: ArchiveError.self) {
                try await archive.append([incoming("m9", text: "after")], context: testContext)
            }
            #expect(error?.code == .corrupt)
        }
    }

    @Test func verifyCatchesAForgedCheckpoint() async throws {
        try await PostgresServer.withArchive { archive, _ in
            _ = try await archive.append([incoming("m1", text: "a")], context: testContext)
            try await PostgresServer.tamper(archive.backend, "UPDATE checkpoints SET at = at + 1")
            #expect(try await archive.verify().problems.contains { $0.recordKind == "checkpoint" && $0.reason.contains("signature") })
        }
    }

    @Test func aSearchOverItsTimeLimitSaysSo() async throws {
        try await PostgresServer.withArchive { archive, _ in
            _ = try await archive.append([incoming("m1", text: "budget")], context: testContext)
            // pg_sleep stands in for an expensive search: the limit is the server's statement timeout.
            let error = await #expect(throws: ArchiveError.self) {
                try await archive.within(.milliseconds(20)) { connection, logger in
                    for try await _ in try await connection.query("SELECT pg_sleep(2)", logger: logger) {}
                }
            }
            #expect(error?.code == .tooExpensive)
            var request = SearchRequest(query: SearchQuery.parse("budget"))
            request.timeLimit = .seconds(5)
            #expect(try await archive.search(request).hits.count == 1)
        }
    }
}

extension PostgresArchiveTests {
    @Test func textWithNULIsRefusedWithNothingStored() async throws {
        try await PostgresServer.withArchive { (archive: PostgresArchive, _: KeyVault) async throws in
            let error = await #expect(throws: ArchiveError.self) {
                try await archive.append([incoming("m1", text: "ok"), incoming("m2", text: "a\u{0}b")], context: testContext)
            }
            #expect(error?.code == .invalid && error?.message.contains("U+0000") == true)
            #expect(try await archive.statistics().messages == 0)
            #expect(try await archive.verify().isIntact)
            #expect(try await archive.append([incoming("m1", text: "ok")], context: testContext).stored == 1)
        }
    }
}

extension PostgresArchiveTests {
    @Test func aProofSessionProvesMessagesAtACheckpoint() async throws {
        try await PostgresServer.withArchive { archive, keys in
            let first = try await archive.append((0..<5).map { incoming("a\($0)", at: Int64($0), text: "first \($0)") }, context: testContext)
            let second = try await archive.append((0..<5).map { incoming("b\($0)", at: Int64(10 + $0), text: "second \($0)") }, context: testContext)
            let publicKey = try keys.vault.signer().publicKey
            let latest = try await archive.proofSession()
            let proofs = try await latest.proofs(messageIDs: second.storedIDs.reversed() + first.storedIDs)
            #expect(proofs.map(\.recordID) == second.storedIDs.reversed() + first.storedIDs, "in the order asked")
            for proof in proofs {
                #expect(throws: Never.self) { try proof.verify(publicKey: publicKey) }
                #expect(proof == (try await archive.inclusionProof(messageID: proof.recordID)))
            }
            // At the first batch's checkpoint the second batch cannot be proven.
            let earlier = try await archive.proofSession(treeSize: try #require(first.checkpoint).treeSize)
            #expect(try await earlier.proofs(messageIDs: first.storedIDs + second.storedIDs).map(\.recordID) == first.storedIDs)
            await #expect(throws: ArchiveError.self) { try await archive.proofSession(treeSize: 3) }
        }
    }
}

extension PostgresArchiveTests {
    @Test func verifyChecksTheIndexCountersAndParticipants() async throws {
        try await PostgresServer.withArchive { archive, _ in
            let receipt = try await archive.append((0..<3).map { incoming("m\($0)", at: Int64($0), text: "item \($0)") }, context: testContext)
            #expect(try await archive.verify().isIntact)
            try await PostgresServer.tamper(archive.backend, "UPDATE messages SET search = NULL WHERE id = \(receipt.storedIDs[1])")
            try await PostgresServer.tamper(archive.backend, "UPDATE conversations SET message_count = 7")
            try await PostgresServer.tamper(archive.backend, "DELETE FROM participants")
            let problems = try await archive.verify().problems
            #expect(problems.contains { $0.recordID == receipt.storedIDs[1] && $0.reason.contains("search index") })
            #expect(problems.contains { $0.recordKind == "conversation" && $0.reason.contains("message count") })
            #expect(problems.contains { $0.reason.contains("1 senders are missing") })
        }
    }
}
