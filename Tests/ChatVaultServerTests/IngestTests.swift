import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

@Suite(.serialized) struct IngestTests {
    static func line(_ id: String, text: String = "hello", conversation: String = "relay-1") -> String {
        #"{"platform":"webchat","conversation":"\#(conversation)","id":"\#(id)","sender":{"id":"agent@bank.example"},"recipients":[{"id":"c@x.example"}],"sent_at":"2026-11-21T08:00:00Z","text":"\#(text)"}"#
    }

    func post(_ client: any TestClientProtocol, _ body: String, headers: HTTPFields, type: String = "application/json") async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = type
        return try await client.execute(uri: "/api/v1/ingest", method: .post, headers: fields, body: ByteBuffer(string: body))
    }

    @Test func refusesWithoutTheRightTokenAndExplainsBadBatches() async throws {
        let fixture = try await ServerFixture { $0.maxIngestBytes = 64 << 10 }
        defer { fixture.remove() }
        try await fixture.run { client in
            let batch = "[" + Self.line("a1") + "]"
            #expect(try await post(client, batch, headers: [:]).status == .unauthorized)
            #expect(try await post(client, batch, headers: [.authorization: "Bearer cvt_nonsense"]).status == .unauthorized)
            #expect(try await post(client, batch, headers: fixture.bearer(.officer)).status == .forbidden)
            let ingest = fixture.bearer(.ingest)
            let malformed = try await post(client, "[{\"platform\":", headers: ingest)
            #expect(malformed.status == .badRequest && malformed.json?["error"]?.stringValue?.contains("not valid JSON") == true)
            #expect(try await post(client, #"{"nope":1}"#, headers: ingest).status == .unprocessableContent)
            #expect(try await post(client, "[]", headers: ingest).status == .unprocessableContent)
            #expect(try await post(client, batch, headers: ingest, type: "text/plain").status == .unsupportedMediaType)
            let huge = "[" + Self.line("big", text: String(repeating: "x", count: 70_000)) + "]"
            #expect(try await post(client, huge, headers: ingest).status == .contentTooLarge)
        }
        // Nothing from the refused batches was stored.
        #expect(try await fixture.archive.statistics().messages == 4)
    }

    @Test func reportsEveryMessageAndIsIdempotentOnRetry() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let body =
                "[" + [Self.line("m1"), #"{"platform":"webchat"}"#, Self.line("m2", text: "my card is 4111 1111 1111 1111")].joined(separator: ",")
                + "]"
            let first = try await post(client, body, headers: fixture.bearer(.ingest))
            #expect(first.status == .ok)
            let statuses = first.json?["results"]?.arrayValue?.compactMap { $0["status"]?.stringValue }
            #expect(statuses == ["stored", "rejected", "stored"])
            #expect(first.json?["results"]?.arrayValue?[1]["reason"]?.stringValue?.contains("conversation") == true)
            let retry = try await post(client, body, headers: fixture.bearer(.ingest))
            #expect(retry.json?["results"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["duplicate", "rejected", "duplicate"])
            let lines = try await post(
                client, Self.line("m3") + "\n\n" + Self.line("m1") + "\n", headers: fixture.bearer(.ingest), type: "application/x-ndjson")
            #expect(lines.json?["results"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["stored", "duplicate"])
        }
        #expect(try await fixture.archive.statistics().messages == 7)
        let card = try await fixture.archive.search(SearchRequest(query: SearchQuery.parse("4111")))
        #expect(card.hits.isEmpty)
        let trail = try await fixture.archive.auditTrail(limit: 50)
        #expect(trail.contains { $0.action == "archive.append" && $0.detail["source"]?.stringValue == "ingest:relay" })
    }

    @Test func liveCapturedPlatformsAreNotWritableAndRevokedTokensStopWorking() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let planted = Self.line("gap-1").replacingOccurrences(of: #""platform":"webchat""#, with: #""platform":"chatvault""#)
            let response = try await post(client, "[" + planted + "," + Self.line("ok-1") + "]", headers: fixture.bearer(.ingest))
            let results = response.json?["results"]?.arrayValue ?? []
            #expect(results.compactMap { $0["status"]?.stringValue } == ["rejected", "stored"])
            #expect(results.first?["reason"]?.stringValue?.contains("captured live") == true)
            var admin = fixture.bearer(.admin)
            admin[.contentType] = "application/json"
            let revoked = try await client.execute(uri: "/api/v1/tokens/t-ingest/revoke", method: .post, headers: admin)
            #expect(revoked.status == .ok)
            #expect(try await post(client, "[" + Self.line("ok-2") + "]", headers: fixture.bearer(.ingest)).status == .unauthorized)
            // Sign-in takes JSON only: a cross-site text/plain form cannot post it.
            let form = try await client.execute(
                uri: "/api/v1/login", method: .post, headers: [.contentType: "text/plain"],
                body: ByteBuffer(string: #"{"user":"officer","password":"\#(ServerFixture.password)"}"#))
            #expect(form.status == .unsupportedMediaType)
        }
        let actions = try await fixture.archive.auditTrail(limit: 50).map(\.action)
        #expect(actions.contains("console.token.revoke"))
    }

    /// 8 clients × 1,000 messages in batches of 100, each batch sent twice: every message
    /// is stored exactly once.
    @Test func concurrentClientsLoseNothingAndStoreNothingTwice() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let clients = 8
        let perClient = 1000
        let started = Date()
        try await fixture.run { client in
            let port = try #require(client.port)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        for batch in 0..<(perClient / 100) {
                            let lines = (0..<100).map { Self.line("c\(c)-\(batch * 100 + $0)", conversation: "relay-\(c % 3)") }
                            let body = "[" + lines.joined(separator: ",") + "]"
                            for _ in 0..<2 {
                                try await LoopbackHTTP.post(port: port, path: "/api/v1/ingest", token: fixture.tokens[.ingest]!, body: body)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let seconds = Date().timeIntervalSince(started)
        print("ingest: \(clients * perClient) messages (each sent twice) in \(String(format: "%.2f", seconds)) s")
        #expect(try await fixture.archive.statistics().messages == 4 + clients * perClient)
        #expect(try await fixture.archive.verify().isIntact)
    }
}

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Plain HTTP over loopback for concurrent clients (the test client keeps one connection).
enum LoopbackHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func post(port: Int, path: String, token: String, body: String) async throws {
        var request = URLRequest(url: URL(string: "http://localhost:\(port)\(path)")!)
        request.httpMethod = "POST"
        // A failed request must fail the test, not hang it: Linux's URLSession ignores task
        // cancellation, so a server stopped under a waiting request would be waited on forever.
        request.timeoutInterval = 60
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw Failure(description: "\(path): \((response as? HTTPURLResponse)?.statusCode ?? 0) \(String(decoding: data, as: UTF8.self))")
        }
    }
}
