import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import ChatVaultServer

/// `POST /api/v1/notice`: the archive notice as a record (issue 15).
@Suite(.serialized) struct NoticeTests {
    static func body(_ participants: [String], conversation: String = "!room:hs.example", platform: String = "matrix", language: String? = nil)
        -> String
    {
        var fields: [(String, JSONValue)] = [
            ("platform", .string(platform)), ("conversation", .string(conversation)),
            ("participants", .array(participants.map(JSONValue.string))),
        ]
        if let language { fields.append(("language", .string(language))) }
        return JSONValue.object(fields).compactText
    }

    static func post(_ client: any TestClientProtocol, _ body: String, token: String, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer " + token, .contentType: "application/json"]
        headers.append(contentsOf: extra)
        return try await client.execute(uri: "/api/v1/notice", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func gatewayToken(_ fixture: ServerFixture, name: String = "synapse", platforms: [String] = ["matrix"]) async throws -> String {
        try await fixture.server.accounts.createToken(name: name, role: .gateway, source: nil, createdBy: "test", platforms: platforms)
    }

    static func new(_ response: TestResponse) -> [String] { response.json?["new"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    @Test func recordsOneLeafPerParticipantAndConversationOnce() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let token = try await Self.gatewayToken(fixture)
        try await fixture.run { client in
            let first = try await Self.post(client, Self.body(["@Alice:hs.example", "@bob:hs.example", "@alice:hs.example"]), token: token)
            #expect(first.status == .ok)
            #expect(Self.new(first) == ["@Alice:hs.example", "@bob:hs.example"])
            #expect(first.json?["text"]?.stringValue?.contains("recorded and archived by the firm") == true)
            // A retry, a second join and a different spelling of the same person record nothing.
            let again = try await Self.post(client, Self.body(["@ALICE:hs.example", "@bob:hs.example"]), token: token)
            #expect(again.status == .ok && Self.new(again).isEmpty)
            #expect(again.json?["text"] == first.json?["text"])
            // Another language changes the text shown, not who is recorded.
            #expect(Self.new(try await Self.post(client, Self.body(["@alice:hs.example"], language: "de"), token: token)).isEmpty)
            // Someone new, and the same person in another conversation, are recorded.
            let later = try await Self.post(client, Self.body(["@carol:hs.example", "@bob:hs.example"]), token: token)
            #expect(Self.new(later) == ["@carol:hs.example"])
            #expect(
                Self.new(try await Self.post(client, Self.body(["@alice:hs.example"], conversation: "!other:hs.example"), token: token)) == [
                    "@alice:hs.example"
                ])
        }
        let notices = try await fixture.archive.notices()
        #expect(notices.count == 4)
        #expect(notices.allSatisfy { $0.recipients.count == 1 && $0.deliveredBy == "gateway:synapse" })
        #expect(Set(notices.map { $0.recipients[0].id.lowercased() + " " + $0.conversation }).count == 4)
        let stored = try #require(try await fixture.archive.message(id: notices[0].messageID))
        #expect(stored.message.kind == .notice && stored.message.sender.id == NoticeLedger.sender.id)
        #expect(stored.message.text == notices[0].text)
        // A room first seen through its notice is a group, not a direct chat with the one person told.
        let room = try await fixture.archive.conversations(matching: "matrix:!other:hs.example").first
        #expect(room?.conversation.kind == .group)
        // The transcript says who was told, escaped like any handle.
        let label = ConsoleServer.messageView(stored, alerts: [], focus: false, inThread: false)["eventLabel"] as? String
        #expect(label?.hasPrefix("archive notice shown to ") == true)
        #expect(label?.lowercased().contains("@alice:hs.example") == true || label?.contains("@bob:hs.example") == true)
        let report = try await fixture.archive.verify()
        #expect(report.isIntact, "\(report)")
    }

    /// A server over the fixture's vault with a `"notice"` object in its config.json.
    static func server(_ fixture: ServerFixture, notice: String) throws -> ConsoleServer {
        let configURL = fixture.directory.appendingPathComponent("config.json")
        guard case .object(var members) = try JSONParser().parse(String(contentsOf: configURL, encoding: .utf8)) else {
            throw NoticeConfigurationError(description: "config.json is not an object")
        }
        members.append(("notice", try JSONParser().parse(notice)))
        try JSONValue.object(members).compactText.write(to: configURL, atomically: true, encoding: .utf8)
        var configuration = fixture.server.configuration
        configuration.port = 0
        return try ConsoleServer(vault: fixture.vault, archive: fixture.archive, configuration: configuration, logger: Logger(label: "test"))
    }

    /// Parallel calls for one person, spelled and asking for languages differently (so the
    /// archive's own de-duplication by content cannot hide a race), record one leaf each.
    @Test func parallelCallsForOneParticipantRecordExactlyOneLeaf() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let server = try Self.server(fixture, notice: #"{"text": {"en": "Recorded.", "de": "Aufgezeichnet.", "fr": "Enregistré."}}"#)
        let token = try await Self.gatewayToken(fixture)
        let spellings = ["@dora:hs.example", "@Dora:hs.example", "@DORA:hs.example", "@ｄｏｒａ:hs.example"]
        let languages = ["en", "de", "fr"]
        // AsyncHTTPClient opens a connection per request in flight, so the calls really overlap.
        let recorded = try await server.application().test(.ahc(.http)) { (client: any TestClientProtocol) async throws -> Int in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let body = Self.body([spellings[index % spellings.count], "@eve:hs.example"], language: languages[index % languages.count])
                        let response = try await Self.post(client, body, token: token)
                        return response.status == .ok ? Self.new(response).count : -1000
                    }
                }
                return try await group.reduce(0, +)
            }
        }
        #expect(recorded == 2)
        // The ledger itself, without HTTP in between: 24 overlapping calls, 3 texts, one leaf.
        let freds = ["@fred:hs.example", "@Fred:hs.example", "@FRED:hs.example", "@ｆｒｅｄ:hs.example"]
        let direct = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<24 {
                group.addTask {
                    try await server.notices.record(
                        platform: "matrix", conversation: "!room:hs.example", conversationName: nil, conversationKind: nil,
                        participants: [Handle(id: freds[index % freds.count])],
                        text: languages[index % languages.count], token: "synapse", at: .now()
                    ).count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(direct == 1)
        let notices = try await fixture.archive.notices()
        #expect(notices.count == 3)
        #expect(try await fixture.archive.verify().isIntact)
    }

    @Test func onlyGatewayTokensInScopeMayRecordAndBadBodiesAreExplained() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let token = try await Self.gatewayToken(fixture)
        try await fixture.run { client in
            let body = Self.body(["@a:hs.example"])
            for role in [Role.officer, .auditor, .admin, .ingest, .reviewer] {
                #expect(try await Self.post(client, body, token: fixture.tokens[role]!).status == .forbidden, "\(role)")
            }
            #expect(try await Self.post(client, body, token: "cvt_nonsense").status == .unauthorized)
            let outside = try await Self.post(client, Self.body(["@a:hs.example"], platform: "slack"), token: token)
            #expect(outside.status == .forbidden && outside.json?["error"]?.stringValue?.contains("outside this token's scope") == true)
            let own = try await Self.post(client, Self.body(["@a"], platform: "chatvault"), token: token)
            #expect(own.status == .forbidden)
            func error(_ body: String) async throws -> (HTTPResponse.Status, String) {
                let response = try await Self.post(client, body, token: token)
                return (response.status, response.json?["error"]?.stringValue ?? "")
            }
            #expect(try await error(#"{"platform":"matrix","conversation":"!r"}"#) == (.badRequest, "participants must be an array of ids"))
            #expect(try await error(#"{"conversation":"!r","participants":["a"]}"#) == (.badRequest, "platform is required"))
            #expect(try await error(#"{"platform":"matrix","conversation":"!r","participants":[]}"#).0 == .badRequest)
            #expect(try await error(#"{"platform":"matrix","conversation":"!r","participants":[{"name":"x"}]}"#).1.contains("participants[0]"))
            #expect(try await error(#"{"platform":"matrix","conversation":"!r","participants":["a"],"language":"<b>"}"#).1.contains("language"))
            #expect(
                try await error(#"{"platform":"matrix","conversation":"!r","participants":["a"],"conversation_kind":"party"}"#).1.contains(
                    "conversation_kind"))
            #expect(try await error("[1,").0 == .badRequest)
            let many = Self.body((0...1000).map { "@p\($0):hs.example" })
            #expect(try await error(many).1.contains("1–1000"))
            let huge = Self.body([String(repeating: "x", count: 70_000)])
            #expect(try await Self.post(client, huge, token: token).status == .contentTooLarge)
            var plain: HTTPFields = [.authorization: "Bearer " + token, .contentType: "text/plain"]
            plain[.accept] = "*/*"
            let wrongType = try await client.execute(uri: "/api/v1/notice", method: .post, headers: plain, body: ByteBuffer(string: body))
            #expect(wrongType.status == .unsupportedMediaType)
            // An empty optional field is "not set".
            let blank = try await error(#"{"platform":"matrix","conversation":"!r","participants":["a"],"language":"","conversation_name":""}"#)
            #expect(blank.0 == .ok)
        }
        #expect(try await fixture.archive.notices().count == 1)
    }

    @Test func textFollowsPlatformAndLanguageWithFallback() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let server = try Self.server(
            fixture,
            notice: #"""
                {"firm": "Example Bank plc", "language": "en",
                 "text": {"en": "Recorded by {firm}.", "fr": "Enregistré par {firm}."},
                 "platforms": {"Matrix": {"language": "de", "text": {"de": "Aufgezeichnet von {firm}.", "de-AT": "Aufgezeichnet (AT) von {firm}."}}}}
                """#)
        let token = try await Self.gatewayToken(fixture, platforms: ["matrix", "xmpp"])
        try await server.application().test(.live) { (client: any TestClientProtocol) async throws in
            func text(_ platform: String, _ language: String?) async throws -> String {
                let body = Self.body(["@someone:hs.example"], conversation: "!\(platform)", platform: platform, language: language)
                return try await Self.post(client, body, token: token).json?["text"]?.stringValue ?? "no answer"
            }
            #expect(try await text("matrix", "de") == "Aufgezeichnet von Example Bank plc.")
            #expect(try await text("matrix", "de_AT") == "Aufgezeichnet (AT) von Example Bank plc.")
            #expect(try await text("matrix", "de-CH") == "Aufgezeichnet von Example Bank plc.")
            #expect(try await text("matrix", "fr") == "Enregistré par Example Bank plc.")
            // No Italian text: the platform's default language.
            #expect(try await text("matrix", "it") == "Aufgezeichnet von Example Bank plc.")
            #expect(try await text("matrix", nil) == "Aufgezeichnet von Example Bank plc.")
            // Another platform: the global default language.
            #expect(try await text("xmpp", "it") == "Recorded by Example Bank plc.")
        }
    }

    @Test func configurationFallsBackToEnglishAndRejectsBadValuesByKey() throws {
        let defaults = NoticeConfiguration()
        #expect(defaults.text(platform: "matrix", language: "ja").text.hasPrefix("This conversation is recorded and archived by the firm"))
        #expect(defaults.text(platform: "matrix", language: "ja").language == "en")
        let firm = try NoticeConfiguration(json: JSONParser().parse(#"{"firm": "Acme", "language": "fr", "text": {"fr": "Acme enregistre."}}"#))
        #expect(firm.text(platform: "xmpp", language: "es").text == "Acme enregistre.")
        #expect(firm.text(platform: "xmpp", language: "en").text.contains("archived by Acme"))
        func failure(_ json: String) -> String {
            do {
                _ = try NoticeConfiguration(json: JSONParser().parse(json))
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(#"{"text": {"en": ""}}"#).hasPrefix("notice.text.en must be a non-empty string"))
        #expect(failure(#"{"text": {"en glish": "x"}}"#).hasPrefix("notice.text.en glish is not a language tag"))
        #expect(failure(#"{"language": 5}"#).hasPrefix("notice.language must be a language tag"))
        #expect(failure(#"{"platforms": {"matrix": {"lang": "de"}}}"#).hasPrefix("notice.platforms.matrix.lang is not a known key"))
        #expect(failure(#"{"texts": {"en": "\#(String(repeating: "a", count: 2001))"}}"#).contains("longer than 2000"))
        #expect(failure(#"{"colour": "red"}"#).hasPrefix("notice.colour is not a known key"))
        #expect(failure(#"["en"]"#).hasPrefix("notice must be an object"))
        // A bad notice configuration stops the server from starting, naming the file and key.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-notice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try #"{"notice": {"firm": ""}}"#.write(to: directory.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        #expect(throws: NoticeConfigurationError.self) { try NoticeConfiguration.load(vaultDirectory: directory) }
    }
}
