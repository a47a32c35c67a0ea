import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

/// Issue 13 item 8: an ingest token writes only inside its scope and near now, and every
/// message records which source delivered it.
@Suite(.serialized) struct IngestScopeTests {
    static func line(
        _ id: String, platform: String = "webchat", conversation: String = "queue-1", sender: String = "agent@bank.example",
        text: String = "hello", sentAt: Timestamp = .now()
    ) -> String {
        #"{"platform":"\#(platform)","conversation":"\#(conversation)","id":"\#(id)","sender":{"id":"\#(sender)"},"recipients":[{"id":"c@x.example"}],"sent_at":"\#(sentAt.iso8601)","text":"\#(text)"}"#
    }

    func post(_ client: any TestClientProtocol, _ lines: [String], token: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/ingest", method: .post, headers: [.authorization: "Bearer " + token, .contentType: "application/json"],
            body: ByteBuffer(string: "[" + lines.joined(separator: ",") + "]"))
    }

    func statuses(_ response: TestResponse) -> [String] {
        response.json?["results"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
    }

    func reasons(_ response: TestResponse) -> [String] {
        response.json?["results"]?.arrayValue?.compactMap { $0["reason"]?.stringValue } ?? []
    }

    @Test func aTokenWritesOnlyToItsPlatformAndConversations() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let queues = try await fixture.server.accounts.createToken(
            name: "queues", role: .ingest, source: "webchat", createdBy: "test", platforms: ["webchat"], conversations: ["webchat:queue-*"])
        try await fixture.run { client in
            // The fixture's ingest token is scoped to webchat: Slack's trading desk is out of reach.
            let mixed = try await post(
                client, [Self.line("w1"), Self.line("s1", platform: "slack", conversation: "desk", text: "planted")], token: fixture.tokens[.ingest]!)
            #expect(statuses(mixed) == ["stored", "rejected"])
            #expect(reasons(mixed).first?.contains("platform slack is outside this token's scope") == true, "\(reasons(mixed))")
            let patterned = try await post(
                client, [Self.line("q1", conversation: "queue-7"), Self.line("o1", conversation: "other")], token: queues)
            #expect(statuses(patterned) == ["stored", "rejected"])
            #expect(reasons(patterned).first?.contains("conversation webchat:other is outside") == true, "\(reasons(patterned))")
        }
        let desk = try #require(try await fixture.archive.conversations(matching: "slack:desk").first)
        #expect(desk.messageCount == 3, "nothing was planted in the trading desk")
    }

    /// A reviewer sees the alerts of conversations with someone of their groups. A message
    /// ingested into another platform's conversation in a trader's name would add the trader
    /// and show the trading reviewer the research conversation's alert; the scope refuses it.
    @Test func anIngestedMessageCannotWidenWhatAReviewerSees() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let slackRelay = try await fixture.server.accounts.createToken(
            name: "slack-relay", role: .ingest, source: "slack-relay", createdBy: "test", platforms: ["slack"])
        try await fixture.run { client in
            let reviewer = try #require(try await Session.signIn(client, user: "reviewer")).headers(csrf: false)
            func visibleAlerts() async throws -> Int {
                let queue = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: reviewer)
                return try #require(queue.json?["total"]?.scalarText.flatMap { Int($0) })
            }
            let before = try await visibleAlerts()
            let widen = Self.line("w-1", platform: "slack", conversation: "research", sender: "tom@bank.example", text: "hi")
            let refused = try await post(client, [widen], token: fixture.tokens[.ingest]!)
            #expect(statuses(refused) == ["rejected"])
            #expect(try await visibleAlerts() == before)
            let research = try #require(try await fixture.archive.conversations(matching: "slack:research").first)
            #expect(!research.conversation.participants.contains { $0.id == "tom@bank.example" })
            // The mechanism is real: a token an administrator scoped to Slack does widen it,
            // which is why the scope, not the reviewer filter, is the defence.
            #expect(statuses(try await post(client, [widen], token: slackRelay)) == ["stored"])
            #expect(try await visibleAlerts() > before)
        }
    }

    @Test func messagesFarFromNowAreRefused() async throws {
        let fixture = try await ServerFixture {
            $0.maxBackdateDays = 7
            $0.maxFutureMinutes = 10
        }
        defer { fixture.remove() }
        let now = Timestamp.now().microseconds
        let day: Int64 = 86_400_000_000
        try await fixture.run { client in
            let response = try await post(
                client,
                [
                    Self.line("old", sentAt: Timestamp(microseconds: now - 30 * day)),
                    Self.line("recent", sentAt: Timestamp(microseconds: now - 6 * day)),
                    Self.line("future", sentAt: Timestamp(microseconds: now + day)),
                    Self.line("skew", sentAt: Timestamp(microseconds: now + 60_000_000)),
                ], token: fixture.tokens[.ingest]!)
            #expect(statuses(response) == ["rejected", "stored", "rejected", "stored"])
            let reasons = reasons(response)
            #expect(reasons.first?.contains("more than 7 days before now") == true, "\(reasons)")
            #expect(reasons.last?.contains("more than 10 minutes after now") == true, "\(reasons)")
        }
    }

    /// The delivering source is in the hashed record, the API, the transcript and an
    /// export; an id reused by another token is stored beside the original, not over it.
    @Test func theDeliveringSourceIsRecordedAndAReusedIDShadowsNothing() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let other = try await fixture.server.accounts.createToken(
            name: "other-relay", role: .ingest, source: "other", createdBy: "test", platforms: ["webchat"])
        let (firstID, reusedID) = try await fixture.run { client -> (Int64, Int64) in
            let first = try await post(client, [Self.line("m1", text: "the original")], token: fixture.tokens[.ingest]!)
            let reused = try await post(client, [Self.line("m1", text: "a forged replacement")], token: other)
            #expect(statuses(first) == ["stored"] && statuses(reused) == ["stored"])
            let firstID = try #require(first.json?["results"]?.arrayValue?.first?["archive_id"]?.scalarText.flatMap { Int64($0) })
            let reusedID = try #require(reused.json?["results"]?.arrayValue?.first?["archive_id"]?.scalarText.flatMap { Int64($0) })
            let api = try await client.execute(uri: "/api/v1/messages/\(firstID)", method: .get, headers: fixture.bearer(.officer))
            #expect(api.json?["delivered_by"]?.stringValue == "ingest:t-ingest")
            #expect(api.json?["text"]?.stringValue == "the original")
            let conversation = try #require(try await fixture.archive.message(id: firstID)).conversationID
            let page = try await client.execute(uri: "/conversations/\(conversation)", method: .get, headers: fixture.bearer(.officer))
            #expect(page.text.contains("delivered by ingest:t-ingest") && page.text.contains("delivered by ingest:other-relay"))
            return (firstID, reusedID)
        }
        let original = try #require(try await fixture.archive.message(id: firstID))
        let forged = try #require(try await fixture.archive.message(id: reusedID))
        #expect(original.message.sourceID == "m1" && original.message.text == "the original" && original.deliveredBy == "ingest:t-ingest")
        #expect(forged.message.sourceID != "m1" && forged.message.sourceID.hasPrefix("m1#") && forged.deliveredBy == "ingest:other-relay")
        #expect(try await fixture.archive.verify().isIntact)
        // The source is inside the proof: the record an export carries names it.
        let proof = try #require(try await fixture.archive.proofSession(treeSize: nil).proofs(messageIDs: [firstID]).first)
        #expect(proof.record.hasSuffix(#","delivered_by":"ingest:t-ingest"}"#))
        // Messages stored before the field existed hash as before: the fixture's own four carry none.
        let seeded = try #require(try await fixture.archive.conversations(matching: "slack:desk").first)
        let transcript = try await fixture.archive.transcript(conversationID: seeded.id, around: nil, limit: 10)
        #expect(transcript.allSatisfy { $0.deliveredBy == nil })
    }
}
