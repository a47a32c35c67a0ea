import ChatVaultArchive
import ChatVaultCore
import Crypto
import Testing

/// Behaviour every ``Archive`` implementation must show. Each check takes a fresh, empty
/// archive; the SQLite suite runs them all, and a PostgreSQL suite will run the same.
enum ArchiveConformance {
    static func appendStoresAndDeduplicates(_ archive: any Archive) async throws {
        let batch = [incoming("m1", text: "hello"), incoming("m2", text: "world"), incoming("m1", text: "hello")]
        let first = try await archive.append(batch, context: testContext)
        #expect(first.stored == 2)
        #expect(first.duplicates == 1)
        let second = try await archive.append(batch, context: testContext)
        #expect(second.stored == 0)
        #expect(second.duplicates == 3)
        // An id reused for other content is another message, kept under a derived id: a
        // client restarting its counter, or someone trying to shadow a message, loses nothing.
        let reused = try await archive.append([incoming("m1", text: "hello again")], context: testContext)
        #expect(reused.stored == 1 && reused.duplicates == 0)
        let again = try await archive.append([incoming("m1", text: "hello again")], context: testContext)
        #expect(again.stored == 0 && again.duplicates == 1)
        let shadow = try #require(try await archive.message(id: reused.storedIDs[0]))
        #expect(shadow.message.sourceID.hasPrefix("m1#") && shadow.message.text == "hello again")
        // Same source id in another conversation or platform is another message.
        let third = try await archive.append(
            [incoming("m1", conversation: "C2", text: "x"), incoming("m1", platform: "teams", text: "y")], context: testContext)
        #expect(third.stored == 2)
        let stats = try await archive.statistics()
        #expect(stats.messages == 5)
        #expect(stats.conversations == 3)
    }

    static func searchFindsNormalisedTextAndQuotesEverything(_ archive: any Archive) async throws {
        _ = try await archive.append(
            [
                incoming("m1", at: 1000, text: "My p\u{200B}a\u{200B}s\u{200B}s\u{200B}w\u{200B}o\u{200B}r\u{200B}d expired"),
                incoming("m2", at: 2000, text: "The multi-agent setup, sender:carol"),
                incoming("m3", at: 3000, text: "ＣＡＦÉ meeting"),
                incoming("m4", at: 4000, text: "we'll have the wire transfer done", editedFrom: ["wire it tomorrow"]),
            ], context: testContext)
        func ids(_ text: String) async throws -> [String] {
            try await archive.search(SearchRequest(query: SearchQuery.parse(text))).hits.map(\.message.message.sourceID)
        }
        #expect(try await ids("password") == ["m1"])
        #expect(try await ids("multi-agent") == ["m2"])
        #expect(try await ids("sender:carol") == ["m2"])
        #expect(try await ids("cafe") == ["m3"])
        #expect(try await ids("tomorrow") == ["m4"], "earlier versions are searchable")
        #expect(try await ids("\"wire transfer\"") == ["m4"])
        #expect(try await ids("wire OR meeting") == ["m4", "m3"])
        #expect(try await ids("wire NOT tomorrow") == [])
        #expect(try await ids("pass*") == ["m1"])
        for hostile in ["\"", "(((", "NEAR(a b)", "a:b", "{body}: x", "'; DROP TABLE messages; --", "*", "x AND", "^x", "\"a\" \"\""] {
            _ = try await archive.search(SearchRequest(query: SearchQuery.parse(hostile)))
        }
        await #expect(throws: ArchiveError.self) { try await archive.search(SearchRequest(query: SearchQuery.parse("NOT password"))) }
    }

    static func searchOrdersAndFilters(_ archive: any Archive) async throws {
        _ = try await archive.append(
            [
                incoming("a", conversation: "C1", sender: "alice@bank.example", name: "Alice", at: 1_000, text: "budget one"),
                incoming("b", conversation: "C2", sender: "bob@bank.example", at: 3_000, text: "budget two"),
                incoming("c", conversation: "C1", sender: "bob@bank.example", at: 2_000, text: "budget three"),
            ], context: testContext)
        func ids(_ request: SearchRequest) async throws -> [String] {
            try await archive.search(request).hits.map(\.message.message.sourceID)
        }
        let query = SearchQuery.parse("budget")
        #expect(try await ids(SearchRequest(query: query)) == ["b", "c", "a"])
        #expect(try await ids(SearchRequest(query: query, order: .oldest)) == ["a", "c", "b"])
        #expect(try await ids(SearchRequest(query: query, order: .relevance)).sorted() == ["a", "b", "c"])
        #expect(try await ids(SearchRequest(query: query, sender: "BOB@bank.example")) == ["b", "c"])
        #expect(try await ids(SearchRequest(query: query, sender: "ali")) == [], "sender filter is exact, not a prefix")
        #expect(try await ids(SearchRequest(query: query, sender: "Alice")) == ["a"], "display names match too")
        #expect(try await ids(SearchRequest(query: query, conversation: "slack:C1")) == ["c", "a"])
        #expect(try await ids(SearchRequest(query: query, after: Timestamp(microseconds: 2_000_000_000))) == ["b", "c"])
        #expect(try await ids(SearchRequest(query: query, before: Timestamp(microseconds: 2_000_000_000))) == ["a"])
        #expect(try await ids(SearchRequest(query: nil, sender: "bob@bank.example")) == ["b", "c"])
        let page = try await archive.search(SearchRequest(query: query, limit: 2))
        #expect(page.hits.count == 2 && page.hasMore)
        #expect(try await ids(SearchRequest(query: query, limit: 2, offset: 2)) == ["a"])
        await #expect(throws: ArchiveError.self) { try await archive.search(SearchRequest(query: query, conversation: "nope")) }
        let hit = try #require(try await archive.search(SearchRequest(query: SearchQuery.parse("two"))).hits.first)
        #expect(hit.snippet.marked() == "budget «two»")
    }

    static func transcriptsAreInSentOrder(_ archive: any Archive) async throws {
        let messages = (0..<10).map { incoming("m\($0)", at: Int64(1000 + (9 - $0) * 10), text: "message \($0)") }
        _ = try await archive.append(messages, context: testContext)
        let conversation = try #require(try await archive.conversations(matching: "slack:C1").first)
        #expect(conversation.messageCount == 10)
        let transcript = try await archive.transcript(conversationID: conversation.id, around: nil, limit: 100)
        #expect(transcript.map(\.message.sourceID) == (0..<10).reversed().map { "m\($0)" })
        let centre = transcript[5]
        let around = try await archive.transcript(conversationID: conversation.id, around: centre.id, limit: 4)
        #expect(around.map(\.message.sourceID) == ["m6", "m5", "m4", "m3"])
        #expect(try await archive.conversations(matching: "#c1").count == 1, "found by name")
        #expect(try await archive.message(id: centre.id)?.message.text == centre.message.text)
    }

    static func externalParticipantsMarkTheConversation(_ archive: any Archive) async throws {
        _ = try await archive.append(
            [
                incoming("m1", conversation: "inside", sender: "alice@bank.example", text: "hi", recipients: ["bob@ops.bank.example"]),
                incoming("m2", conversation: "outside", sender: "alice@bank.example", text: "hi", recipients: ["client@acme.example"]),
            ], context: testContext)
        #expect(try await archive.conversations(matching: "slack:inside").first?.conversation.isExternal == false)
        #expect(try await archive.conversations(matching: "slack:outside").first?.conversation.isExternal == true)
    }

    static func verifiesAndProvesEveryMessage(_ archive: any Archive, publicKey: Curve25519.Signing.PublicKey) async throws {
        for batch in 0..<5 {
            _ = try await archive.append(
                (0..<7).map { incoming("b\(batch)-\($0)", at: Int64(batch * 100 + $0), text: "batch \(batch) item \($0)") }, context: testContext)
            try await archive.recordAudit(action: "test.read", actor: "tester", detail: .object([("batch", .number("\(batch)"))]))
        }
        let report = try await archive.verify()
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.recordsChecked == report.leaves)
        #expect(report.checkpointsChecked >= 10)
        let page = try await archive.search(SearchRequest(query: SearchQuery.parse("batch"), limit: 100))
        #expect(page.hits.count == 35)
        for hit in page.hits {
            let proof = try await archive.inclusionProof(messageID: hit.message.id)
            #expect(throws: Never.self) { try proof.verify(publicKey: publicKey) }
            var forged = proof
            forged.record = proof.record.replacing("batch", with: "botch")
            #expect(throws: InclusionProof.Problem.recordDoesNotMatchLeaf) { try forged.verify(publicKey: publicKey) }
        }
    }

    static func auditTrailRecordsAppendsAndReads(_ archive: any Archive) async throws {
        _ = try await archive.append([incoming("m1", text: "x")], context: AppendContext(actor: "importer-7", source: "file.jsonl:1-1"))
        try await archive.recordAudit(action: "archive.search", actor: "officer-1", detail: .object([("query", .string("x"))]))
        let trail = try await archive.auditTrail(limit: 10)
        #expect(trail.map(\.action) == ["archive.search", "archive.append"])
        #expect(trail.map(\.actor) == ["officer-1", "importer-7"])
        #expect(trail[1].detail["source"] == .string("file.jsonl:1-1"))
        #expect(try await archive.verify().isIntact)
    }

    static func countsAndReadsByArchiveAndPlatformID(_ archive: any Archive) async throws {
        _ = try await archive.append(
            (0..<5).map { incoming("m\($0)", at: 1_000 + Int64($0), text: "budget \($0)") }
                + [incoming("m0", conversation: "C2", text: "other room"), incoming("t1", platform: "teams", text: "budget teams")],
            context: testContext)
        let budget = SearchRequest(query: SearchQuery.parse("budget"))
        #expect(try await archive.count(budget) == 6)
        #expect(try await archive.count(budget, cap: 3) == 4, "above the cap it says only: more than 3")
        #expect(try await archive.count(SearchRequest(query: nil, conversation: "slack:C1"), cap: 100) == 5)
        #expect(try await archive.platforms() == ["slack", "teams"])
        let record = try #require(try await archive.conversations(matching: "slack:C1").first)
        #expect(try await archive.conversation(id: record.id) == record)
        #expect(try await archive.conversation(id: 424_242) == nil)
        // The id the platform gave, reused in another conversation and for other content.
        let reused = try await archive.append([incoming("m0", text: "m0 again, other content")], context: testContext).storedIDs[0]
        let everywhere = try await archive.messageIDs(platform: nil, conversation: nil, sourceID: "m0")
        #expect(everywhere.count == 3 && everywhere.contains(reused))
        #expect(try await archive.messageIDs(platform: "slack", conversation: "C2", sourceID: "m0").count == 1)
        #expect(try await archive.messageIDs(platform: "teams", conversation: nil, sourceID: "m0").isEmpty)
        #expect(try await archive.messageIDs(platform: nil, conversation: nil, sourceID: "m").isEmpty, "no prefix match")
        #expect(try await archive.storedSourceIDs(platform: "slack", conversation: "C1", among: ["m1", "m4", "m9", "t1"]) == ["m1", "m4"])
        #expect(try await archive.storedSourceIDs(platform: "slack", conversation: "nowhere", among: ["m1"]).isEmpty)
    }

    static func auditTrailFiltersAndPages(_ archive: any Archive) async throws {
        for (actor, action) in [("a", "hold.create"), ("b", "hold.release"), ("a", "archive.search"), ("a", "holding.pattern")] {
            try await archive.recordAudit(action: action, actor: actor, detail: .object([]))
        }
        let byA = try await archive.auditTrail(actor: "a", actionPrefix: nil, beforeID: nil, limit: 10)
        #expect(byA.map(\.action) == ["holding.pattern", "archive.search", "hold.create"])
        let holds = try await archive.auditTrail(actor: nil, actionPrefix: "hold.", beforeID: nil, limit: 10)
        #expect(holds.map(\.action) == ["hold.release", "hold.create"], "a prefix, not a pattern")
        let page = try await archive.auditTrail(actor: nil, actionPrefix: nil, beforeID: byA[1].id, limit: 2)
        #expect(page.map(\.action) == ["hold.release", "hold.create"])
        #expect(try await archive.auditTrail(actor: "A", actionPrefix: nil, beforeID: nil, limit: 10).isEmpty, "actors match exactly")
    }
}
