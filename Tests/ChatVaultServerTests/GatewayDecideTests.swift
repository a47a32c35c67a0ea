import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

/// `POST /api/v1/decide` on the real server: each decision from a policy that triggers it,
/// archived in the same call (a refused message as a `blocked` record), idempotent on retry.
@Suite(.serialized) struct GatewayDecideTests {
    static let policy = """
        version: 1
        company_domains: [bank.example]
        lexicons:
          guarantees: ["guarant*"]
        rules:
          - name: guarantees
            severity: high
            match: "@guarantees"
          - name: off-channel
            severity: high
            action: block
            match: '"whatsapp me"'
            tip: "Use the approved channels: WhatsApp is not archived."
          - name: hype
            severity: low
            action: warn
            match: "moon"
          - name: codename
            severity: medium
            action: redact
            match: "falcon"

        """

    /// A fixture whose policy has block, warn and redact rules, and a gateway token for `matrix`.
    static func fixture() async throws -> (ServerFixture, String) {
        let fixture = try await ServerFixture()
        try policy.write(to: fixture.vault.policyURL, atomically: true, encoding: .utf8)
        try await fixture.server.ingestor.reload(from: fixture.vault)
        let token = try await fixture.server.accounts.createToken(
            name: "synapse", role: .gateway, source: "synapse", createdBy: "test", platforms: ["matrix"])
        return (fixture, token)
    }

    static func body(_ id: String, _ text: String, sender: String = "@tom:bank.example", platform: String = "matrix") -> String {
        let escaped = String(data: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]), encoding: .utf8)!
        return #"{"platform":"\#(platform)","conversation":"!room:bank.example","id":"\#(id)","sender":"\#(sender)","#
            + #""recipients":["@rita:bank.example"],"sent_at":\#(Date().timeIntervalSince1970),"text":\#(escaped.dropFirst().dropLast())}"#
    }

    static func decide(_ client: any TestClientProtocol, _ body: String, token: String) async throws -> TestResponse {
        try await client.execute(
            uri: "/api/v1/decide", method: .post, headers: [.authorization: "Bearer " + token, .contentType: "application/json"],
            body: ByteBuffer(string: body))
    }

    @Test func eachDecisionKindFromThePolicy() async throws {
        let (fixture, token) = try await Self.fixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let allow = try await Self.decide(client, Self.body("$a1", "lunch at noon?"), token: token)
            #expect(allow.status == .ok)
            #expect(allow.json?["decision"]?.stringValue == "allow")
            #expect(allow.json?["text"]?.stringValue == "lunch at noon?")
            #expect(allow.json?["tip"] == .null)

            let flagged = try await Self.decide(client, Self.body("$a2", "returns are guaranteed"), token: token).json
            #expect(flagged?["decision"]?.stringValue == "allow")
            #expect(flagged?["rules"]?.arrayValue?.first?["rule"]?.stringValue == "guarantees")
            #expect(flagged?["rules"]?.arrayValue?.first?["action"]?.stringValue == "flag")

            let card = try await Self.decide(client, Self.body("$r1", "my card is 4111 1111 1111 1111 ok"), token: token).json
            #expect(card?["decision"]?.stringValue == "redact")
            let masked = card?["text"]?.stringValue ?? ""
            #expect(!masked.contains("4111 1111 1111 1111") && masked.hasPrefix("my card is ") && masked.hasSuffix(" ok"), "\(masked)")
            #expect(card?["tip"]?.stringValue?.isEmpty == false)

            let codename = try await Self.decide(client, Self.body("$r2", "project falcon starts"), token: token).json
            #expect(codename?["decision"]?.stringValue == "redact")
            #expect(codename?["text"]?.stringValue?.contains("falcon") == false)
            #expect(codename?["rules"]?.arrayValue?.contains { $0["action"]?.stringValue == "redact" } == true)

            let warn = try await Self.decide(client, Self.body("$w1", "this stock goes to the moon"), token: token).json
            #expect(warn?["decision"]?.stringValue == "warn")
            #expect(warn?["text"]?.stringValue == "this stock goes to the moon")
            #expect(warn?["tip"]?.stringValue == "This message may breach the company's messaging policy. It was delivered and archived for review.")

            let block = try await Self.decide(client, Self.body("$b1", "whatsapp me, the moon is near, card 4111 1111 1111 1111"), token: token).json
            #expect(block?["decision"]?.stringValue == "block")
            #expect(block?["tip"]?.stringValue == "Use the approved channels: WhatsApp is not archived.")
            #expect(block?["text"]?.stringValue?.contains("4111 1111 1111 1111") == false)
            let record = try #require(block?["record"]?.stringValue.flatMap { Int64($0) })
            let stored = try #require(try await fixture.archive.message(id: record))
            #expect(stored.message.kind == .blocked)
            #expect(stored.message.text.contains("4111 1111 1111 1111") == false)
            #expect(stored.deliveredBy == "gateway:synapse")
            let alerts = try await fixture.archive.alerts(forMessages: [record])[record]?.map(\.stored.alert.action) ?? []
            #expect(alerts.contains(.block) && alerts.contains(.warn))
        }
        let report = try await fixture.archive.verify()
        #expect(report.isIntact, "\(report)")
    }

    /// A decision is part of the tamper-evident record: turning a blocked record into a
    /// delivered message, or a warn alert into a flag, breaks `verify`.
    @Test func changingARecordedDecisionIsCaughtByVerify() async throws {
        for (id, text, change) in [
            ("$t1", "whatsapp me", "UPDATE messages SET kind = 'message' WHERE id = ?"),
            ("$t2", "to the moon", "UPDATE alerts SET action = 'flag' WHERE message_id = ?"),
        ] {
            let (fixture, token) = try await Self.fixture()
            defer { fixture.remove() }
            let answer = try await fixture.run { client in try await Self.decide(client, Self.body(id, text), token: token).json }
            let record = try #require(answer?["record"]?.stringValue.flatMap { Int64($0) })
            #expect(try await fixture.archive.verify().isIntact)
            let queue = try DatabaseQueue(path: fixture.vault.databasePath)
            try await queue.write { db in try db.execute(sql: change, arguments: [record]) }
            #expect(try await fixture.archive.verify().isIntact == false, "\(change)")
        }
    }

    @Test func aRetryGivesTheSameAnswerAndArchivesNothingTwice() async throws {
        let (fixture, token) = try await Self.fixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            for text in ["whatsapp me tonight", "to the moon", "card 4111 1111 1111 1111", "plain words"] {
                let id = "$retry-" + String(text.count) + String(text.prefix(3))
                let first = try await Self.decide(client, Self.body(id, text), token: token)
                let messages = try await fixture.archive.statistics().messages
                let alerts = try await fixture.archive.alerts(state: nil, rule: nil, limit: 1000).count
                let second = try await Self.decide(client, Self.body(id, text), token: token)
                #expect(first.status == .ok && second.status == .ok)
                #expect(first.json == second.json, "\(text): \(first.text) vs \(second.text)")
                #expect(try await fixture.archive.statistics().messages == messages, "\(text)")
                #expect(try await fixture.archive.alerts(state: nil, rule: nil, limit: 1000).count == alerts, "\(text)")
            }
            // Eight concurrent copies of one new message: one record, one answer.
            let body = Self.body("$burst", "whatsapp me now")
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await Self.decide(client, body, token: token).text } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(answers.count == 1, "\(answers)")
            let ids = try await fixture.archive.messageIDs(platform: "matrix", conversation: "!room:bank.example", sourceID: "$burst")
            #expect(ids.count == 1)
        }
        #expect(try await fixture.archive.verify().isIntact)
    }

    @Test func onlyGatewayTokensInScopeMayAsk() async throws {
        let (fixture, token) = try await Self.fixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let body = Self.body("$scope", "hello")
            for role in [Role.ingest, .reviewer, .admin, .officer, .auditor] {
                let response = try await client.execute(
                    uri: "/api/v1/decide", method: .post, headers: fixture.bearer(role).merging([.contentType: "application/json"]),
                    body: ByteBuffer(string: body))
                #expect(response.status == .forbidden, "\(role)")
                let ping = try await client.execute(uri: "/api/v1/gateway/ping", method: .get, headers: fixture.bearer(role))
                #expect(ping.status == .forbidden, "\(role)")
            }
            let nobody = try await client.execute(
                uri: "/api/v1/decide", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body))
            #expect(nobody.status == .unauthorized)
            // Outside the token's platforms, and ChatVault's own platform.
            #expect(try await Self.decide(client, Self.body("$x", "hi", platform: "slack"), token: token).status == .forbidden)
            #expect(try await Self.decide(client, Self.body("$x", "hi", platform: "chatvault"), token: token).status == .forbidden)
            let ping = try await client.execute(uri: "/api/v1/gateway/ping", method: .get, headers: [.authorization: "Bearer " + token])
            #expect(ping.status == .ok)
            #expect(ping.json?["ok"] == .bool(true))
            #expect(ping.json?["policy_version"]?.stringValue?.count == 64)
        }
    }

    @Test func hostileAndOversizedBodiesAreRefusedClearly() async throws {
        let (fixture, token) = try await Self.fixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let malformed = try await Self.decide(client, #"{"platform":"#, token: token)
            #expect(malformed.status == .badRequest)
            #expect(malformed.json?["error"]?.stringValue?.isEmpty == false)
            let missing = try await Self.decide(client, #"{"platform":"matrix","conversation":"c","id":"1","sender":"a"}"#, token: token)
            #expect(missing.status == .badRequest && missing.text.contains("sent_at"))
            let forged = try await Self.decide(
                client, Self.body("$k", "x").replacingOccurrences(of: #""text""#, with: #""kind":"blocked","text""#), token: token)
            #expect(forged.status == .badRequest && forged.text.contains("gateway"), "\(forged.text)")
            let reaction = try await Self.decide(
                client, Self.body("$k2", "x").replacingOccurrences(of: #""text""#, with: #""kind":"reaction","target":"$a","text""#), token: token)
            #expect(reaction.status == .badRequest)
            let future = Self.body("$later", "hi").replacing(#/"sent_at":[0-9.]+/#, with: #""sent_at":"2100-01-01T00:00:00Z""#)
            #expect(try await Self.decide(client, future, token: token).status == .badRequest)
            let huge = Self.body("$huge", String(repeating: "a", count: fixture.server.maxDecideBytes))
            #expect(try await Self.decide(client, huge, token: token).status == .contentTooLarge)
            let plain = try await client.execute(
                uri: "/api/v1/decide", method: .post, headers: [.authorization: "Bearer " + token, .contentType: "text/plain"],
                body: ByteBuffer(string: Self.body("$p", "hi")))
            #expect(plain.status == .unsupportedMediaType)
            // Markup and control characters are data: stored and answered as sent.
            let nul = try await Self.decide(client, Self.body("$n", "a\u{0}b"), token: token)
            #expect(nul.status == .badRequest && nul.text.contains("NUL"))
            let hostile = "<script>alert(1)</script>\u{202E}\u{7}end"
            let answer = try await Self.decide(client, Self.body("$h", hostile), token: token)
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json?["text"]?.stringValue == hostile)
        }
        #expect(try await fixture.archive.verify().isIntact)
    }

    @Test func theConsoleShowsWhatTheGatewayDid() async throws {
        let (fixture, token) = try await Self.fixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let blocked = try await Self.decide(client, Self.body("$cb", "whatsapp me <img src=x onerror=alert(1)>"), token: token).json
            #expect(blocked?["decision"]?.stringValue == "block")
            #expect(try await Self.decide(client, Self.body("$cw", "to the moon"), token: token).json?["decision"]?.stringValue == "warn")
            #expect(try await Self.decide(client, Self.body("$cr", "falcon plan"), token: token).json?["decision"]?.stringValue == "redact")
            let officer = try #require(try await Session.signIn(client, user: "officer")).headers(csrf: false, json: false)
            let search = try await client.execute(uri: "/search?q=whatsapp", method: .get, headers: officer)
            #expect(search.status == .ok)
            #expect(search.text.contains(#"<span class="tag gateway">blocked by gateway</span>"#), "\(search.text)")
            #expect(!search.text.contains("<img src=x"))
            let record = try #require(blocked?["record"]?.stringValue.flatMap { Int64($0) })
            let conversation = try #require(try await fixture.archive.message(id: record)?.conversationID)
            let transcript = try await client.execute(uri: "/conversations/\(conversation)", method: .get, headers: officer)
            #expect(transcript.status == .ok)
            for badge in ["blocked by gateway", "sender warned by gateway", "redacted by gateway"] {
                #expect(transcript.text.contains(badge), "\(badge)")
            }
            #expect(transcript.text.contains("off-channel · open · block"))
            #expect(!transcript.text.contains("<img src=x"))
            #expect(transcript.text.contains("&lt;img src=x"))
            let queue = try await client.execute(uri: "/alerts", method: .get, headers: officer)
            #expect(queue.status == .ok)
            #expect(queue.text.contains(#"off-channel <span class="tag gateway">blocked by gateway</span>"#), "\(queue.text)")
            #expect(queue.text.contains(#"hype <span class="tag gateway">sender warned by gateway</span>"#))
            #expect(queue.text.contains(#"codename <span class="tag gateway">redacted by gateway</span>"#))
        }
    }

    @Test func importsCannotForgeGatewayRecords() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            for kind in ["blocked", "notice"] {
                let line =
                    #"{"platform":"webchat","conversation":"c","id":"f-\#(kind)","sender":"a","sent_at":"2026-11-20T10:00:00Z","kind":"\#(kind)","text":"x"}"#
                let response = try await client.execute(
                    uri: "/api/v1/ingest", method: .post, headers: fixture.bearer(.ingest).merging([.contentType: "application/json"]),
                    body: ByteBuffer(string: "[" + line + "]"))
                #expect(response.json?["rejected"]?.scalarText == "1", "\(response.text)")
                #expect(response.text.contains("written only by the gateway"))
            }
        }
    }
}

extension HTTPFields {
    fileprivate func merging(_ other: HTTPFields) -> HTTPFields {
        var fields = self
        for field in other { fields[field.name] = field.value }
        return fields
    }
}
