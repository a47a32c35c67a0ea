import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

/// Protected portions through `POST /api/v1/ingest`, one message per request, as a chat
/// relay sends them.
@Suite(.serialized) struct PortionIngestTests {
    static func line(_ id: String, from sender: String, _ text: String, second: Int) -> String {
        let body = String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
        return
            #"{"platform":"webchat","conversation":"call-9","id":"\#(id)","sender":{"id":"\#(sender)"},"sent_at":"2026-11-21T08:00:\#(String(format: "%02d", second))Z","text":\#(body)}"#
    }

    func post(_ client: any TestClientProtocol, _ line: String, fixture: ServerFixture) async throws -> String? {
        var headers = fixture.bearer(.ingest)
        headers[.contentType] = "application/json"
        let response = try await client.execute(uri: "/api/v1/ingest", method: .post, headers: headers, body: ByteBuffer(string: "[" + line + "]"))
        #expect(response.status == .ok, "\(response.text)")
        return response.json?["results"]?.arrayValue?.first?["status"]?.stringValue
    }

    @Test func aPortionOpenedInOneRequestProtectsTheNextOnesEvenAfterAReload() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let policy = try String(contentsOf: fixture.vault.policyURL, encoding: .utf8)
        try
            (policy + """
                portions:
                  - id: pci
                    start: ["[pci-start]"]
                    phrases: ["I'll take your card details now"]
                    end: ["[pci-end]"]
                    max_messages: 3
                """).write(to: fixture.vault.policyURL, atomically: true, encoding: .utf8)
        try await fixture.server.ingestor.reload(from: fixture.vault)
        let agent = "tom@bank.example"
        let customer = "client@other.example"
        try await fixture.run { client in
            #expect(
                try await post(client, Self.line("p1", from: agent, "Thanks. I'll take your card details now.", second: 0), fixture: fixture)
                    == "stored")
            #expect(try await post(client, Self.line("p2", from: customer, "number is 4111 1111 1111 1111", second: 5), fixture: fixture) == "stored")
            // The policy is re-read (as on a restart): the open portion comes back from the archive.
            try await fixture.server.ingestor.reload(from: fixture.vault)
            #expect(
                try await post(client, Self.line("p3", from: customer, "security code 737, mother's name Quill", second: 10), fixture: fixture)
                    == "stored")
            #expect(try await post(client, Self.line("p4", from: agent, "[pci-end] all done", second: 15), fixture: fixture) == "stored")
            #expect(try await post(client, Self.line("p5", from: customer, "thanks, bye now", second: 20), fixture: fixture) == "stored")
            // Retrying a protected message stores nothing new.
            #expect(
                try await post(client, Self.line("p3", from: customer, "security code 737, mother's name Quill", second: 10), fixture: fixture)
                    == "duplicate")
        }
        let hits = try await fixture.archive.search(SearchRequest(query: nil, order: .oldest, limit: 50)).hits
            .filter { $0.message.message.conversation == "call-9" }
        let texts = Dictionary(uniqueKeysWithValues: hits.map { ($0.message.message.sourceID, $0.message.message.text) })
        #expect(texts["p2"] == "[REDACTED:PORTION] (29 characters)")
        #expect(texts["p3"] == "[REDACTED:PORTION] (38 characters)")
        #expect(texts["p1"]?.contains("card details") == true && texts["p4"] == "[pci-end] all done" && texts["p5"] == "thanks, bye now")
        let protected = hits.first { $0.message.message.sourceID == "p3" }?.message.message
        #expect(protected?.sender.id == customer && protected?.redactions.first?.rule == "portion.pci")
        #expect(try await fixture.archive.search(SearchRequest(query: SearchQuery.parse("737"))).hits.isEmpty)
        #expect(try await fixture.archive.verify().isIntact)
    }
}
