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

/// Through the HTTP ingest API, where every request is a batch: the policy state kept in
/// the archive makes one message per request raise what one batch raises, and parallel
/// requests (and a second writer on the same vault) count every personal message once.
@Suite(.serialized) struct PolicyStateIngestTests {
    static let policy = """
        version: 1
        company_domains: [bank.example]
        time_zone: UTC
        lexicons:
          personal: ["dinner", "football"]
        walls:
          - { name: research-trading, between: [research, trading] }
        approved_contacts:
          wealth: ["*@client.example"]
        personal_use: { match: "@personal", daily_allowance: 2, severity: low }
        sampling: { rate: 1.0 }
        """

    static let people = """
        [{"employee_id": "E1", "name": "Tom Trader", "emails": ["tom@bank.example"], "handles": {}, "groups": ["trading"]},
         {"employee_id": "E2", "name": "Rita Research", "emails": ["rita@bank.example"], "handles": {}, "groups": ["research"]},
         {"employee_id": "E3", "name": "Sam Sales", "emails": ["sam@bank.example"], "handles": {}, "groups": ["sales"]},
         {"employee_id": "E4", "name": "Wendy Wealth", "emails": ["wendy@bank.example"], "handles": {}, "groups": ["wealth"]}]
        """

    static func line(_ id: String, _ conversation: String, _ sender: String, _ recipients: [String], day: Int, minute: Int, _ text: String) -> String
    {
        let to = recipients.map { #"{"id":"\#($0)"}"# }.joined(separator: ",")
        let time = String(format: "2026-11-%02dT10:%02d:00Z", day, minute)
        return
            #"{"platform":"webchat","conversation":"\#(conversation)","conversation_kind":"group","id":"\#(id)","sender":{"id":"\#(sender)"},"recipients":[\#(to)],"sent_at":"\#(time)","text":"\#(text)"}"#
    }

    /// Personal use, a wall, an unapproved contact and sampling, in conversations named
    /// with `prefix`, on one day (personal-use counts are per day).
    static func scenario(_ prefix: String, day: Int) -> [String] {
        [
            line("m1", prefix + "P", "tom@bank.example", ["sam@bank.example"], day: day, minute: 0, "football tonight?"),
            line("m2", prefix + "P", "tom@bank.example", ["sam@bank.example"], day: day, minute: 1, "dinner after the football"),
            line("m3", prefix + "P", "tom@bank.example", ["sam@bank.example"], day: day, minute: 2, "football again"),
            line("m4", prefix + "P", "tom@bank.example", ["sam@bank.example"], day: day, minute: 3, "and dinner"),
            line("m5", prefix + "G", "rita@bank.example", [], day: day, minute: 4, "note draft ready"),
            line("m6", prefix + "G", "tom@bank.example", [], day: day, minute: 5, "morning"),
            line("m7", prefix + "W", "wendy@bank.example", ["joe@gmail.example"], day: day, minute: 6, "hello Joe"),
            line("m8", prefix + "W", "wendy@bank.example", ["joe@gmail.example"], day: day, minute: 7, "as discussed"),
            line("m9", prefix + "G", "rita@bank.example", [], day: day, minute: 8, "see you"),
        ]
    }

    static let expected = [
        "P m1 sampling", "P m3 personal-use", "G m5 sampling", "G m6 wall.research-trading", "W m7 external-contact", "W m7 sampling",
    ].sorted()

    func policed() async throws -> ServerFixture {
        let fixture = try await ServerFixture()
        try Self.policy.write(to: fixture.vault.policyURL, atomically: true, encoding: .utf8)
        try Self.people.write(to: PolicyStage.directoryURL(of: fixture.vault), atomically: true, encoding: .utf8)
        try await fixture.server.ingestor.reload(from: fixture.vault)
        return fixture
    }

    func post(_ client: any TestClientProtocol, _ lines: [String], _ fixture: ServerFixture) async throws {
        var headers = fixture.bearer(.ingest)
        headers[.contentType] = "application/json"
        let response = try await client.execute(
            uri: "/api/v1/ingest", method: .post, headers: headers, body: ByteBuffer(string: "[" + lines.joined(separator: ",") + "]"))
        #expect(response.status == .ok, "\(response.text)")
    }

    /// The alerts raised in conversations starting with `prefix`, as `conversation id rule`
    /// with the prefix removed.
    func alerts(_ fixture: ServerFixture, _ prefix: String) async throws -> [String] {
        try await fixture.archive.alerts(state: nil, rule: nil, limit: 10_000).map(\.alert)
            .filter { $0.message.platform == "webchat" && $0.message.conversation.hasPrefix(prefix) }
            .map { "\($0.message.conversation.dropFirst(prefix.count)) \($0.message.sourceID) \($0.rule)" }.sorted()
    }

    @Test func oneMessagePerRequestRaisesWhatOneBatchRaises() async throws {
        let fixture = try await policed()
        defer { fixture.remove() }
        try await fixture.run { client in
            try await post(client, Self.scenario("a-", day: 21), fixture)
            for line in Self.scenario("b-", day: 22) { try await post(client, [line], fixture) }
            // A retried request (everything again, as one batch) raises and counts nothing.
            try await post(client, Self.scenario("b-", day: 22), fixture)
            try await post(client, [Self.line("m10", "b-P", "tom@bank.example", [], day: 22, minute: 30, "football forever")], fixture)
        }
        #expect(try await alerts(fixture, "a-") == Self.expected)
        #expect(try await alerts(fixture, "b-") == Self.expected)
        #expect(try await fixture.archive.verify().isIntact)
    }

    @Test func parallelRequestsRaiseThePersonalUseAlertExactlyOnce() async throws {
        let fixture = try await policed()
        defer { fixture.remove() }
        // Another writer on the same vault (as `chatvault capture run` is another process).
        let second = try Ingestor.forVault(fixture.vault, archive: try fixture.vault.openArchive(), actor: "second")
        let requests = 16
        try await fixture.run { client in
            let port = try #require(client.port)
            let token = fixture.tokens[.ingest]!
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<requests {
                    group.addTask {
                        let line = Self.line(
                            "h\(n)", "lunch-\(n % 4)", "tom@bank.example", ["sam@bank.example"], day: 23, minute: n, "football at \(n)?")
                        try await LoopbackHTTP.post(port: port, path: "/api/v1/ingest", token: token, body: "[" + line + "]")
                    }
                }
                for n in 0..<4 {
                    group.addTask {
                        let message = Message(
                            platform: "webchat", conversation: "lunch-side", sourceID: "s\(n)", sender: Handle(id: "tom@bank.example"),
                            recipients: [Handle(id: "sam@bank.example")], sentAt: Timestamp(iso8601: "2026-11-23T11:0\(n):00Z")!,
                            text: "dinner plans \(n)")
                        let report = try await second.ingest([IncomingMessage(message: message, origin: "test")], source: "test")
                        #expect(report.stored == 1)
                    }
                }
                try await group.waitForAll()
            }
        }
        let personal = try await fixture.archive.alerts(state: nil, rule: "personal-use", limit: 100)
        #expect(personal.count == 1)
        #expect(personal.first?.alert.description == "more than 2 personal messages on 2026-11-23")
        // Every message was counted once: one more makes no second alert, the next day's third does.
        try await fixture.run { client in
            try await post(client, [Self.line("late", "lunch-0", "tom@bank.example", [], day: 23, minute: 59, "dinner?")], fixture)
            for n in 0..<3 {
                try await post(client, [Self.line("next\(n)", "lunch-0", "tom@bank.example", [], day: 24, minute: n, "dinner?")], fixture)
            }
        }
        #expect(try await fixture.archive.alerts(state: nil, rule: "personal-use", limit: 100).count == 2)
        let stored = try await fixture.archive.policyState(
            for: PolicyStateKeys(personDays: [PolicyState.PersonDay(person: "E1", day: "2026-11-23")]), messages: [])
        #expect(stored.state.personalCounts[PolicyState.PersonDay(person: "E1", day: "2026-11-23")] == requests + 4 + 1)
        #expect(try await fixture.archive.verify().isIntact)
    }
}
