import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultRedaction
import Foundation
import Testing

/// Protected portions through the real pipeline and a real SQLite vault: the policy file
/// is the vault's, imports run through `Importer`, single messages through `Ingestor`.
@Suite struct PortionTests {
    static let policy = """
        version: 1
        portions:
          - id: pci
            start: ["#secure", "[pci-start]"]
            phrases: ["I'll take your card details now"]
            end: ["#endsecure", "[pci-end]"]
            end_phrases: ["payment is complete"]
            max_messages: 4
            max_minutes: 5
        """

    struct Setup {
        let directory: URL
        let vault: Vault
        let archive: any ArchiveBackend

        func importer(batchSize: Int = 2) throws -> Importer {
            try Importer.forVault(vault, archive: archive, actor: "test", batchSize: batchSize)
        }

        func file(_ name: String, _ lines: [String]) throws -> String {
            let url = directory.appendingPathComponent(name)
            try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }

        func stored() async throws -> [Message] {
            try await archive.search(SearchRequest(query: nil, order: .oldest, limit: 10_000)).hits.map(\.message.message)
        }
    }

    func withVault(policy: String = PortionTests.policy, _ body: (Setup) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-portion-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory.appendingPathComponent("vault"))
        try policy.write(to: vault.policyURL, atomically: true, encoding: .utf8)
        try await body(Setup(directory: directory, vault: vault, archive: try vault.openArchive()))
    }

    static func line(_ id: String, _ from: String, _ text: String, second: Int, conversation: String = "call-1") -> String {
        let time = String(format: "2024-05-02T10:%02d:%02dZ", second / 60, second % 60)
        let body = String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
        return #"{"platform":"webchat","conversation":"\#(conversation)","id":"\#(id)","sender":"\#(from)","sent_at":"\#(time)","text":\#(body)}"#
    }

    static let agent = "agent@bank.example"
    static let customer = "cust-77"

    @Test func markersOpenAndCloseAPortionAcrossBatches() async throws {
        try await withVault { setup in
            let path = try setup.file(
                "chat.jsonl",
                [
                    Self.line("1", Self.agent, "Hello, how can I help?", second: 0),
                    Self.line("2", Self.agent, "#secure switching to secure entry", second: 10),
                    Self.line("3", Self.customer, "it is 4111 1111 1111 1111 exp 09/27 cvv 123", second: 20),
                    Self.line("4", Self.customer, "name on card Jo Private", second: 30),
                    Self.line("5", Self.agent, "[pci-end] thank you", second: 40),
                    Self.line("6", Self.customer, "my cvv was 123 right?", second: 50),
                    #"{"platform":"webchat","conversation":"call-1","id":"7","kind":"edit","target":"3","sender":"cust-77","sent_at":"2024-05-02T10:01:00Z","text":"it is 4111 1111 1111 1111 exp 10/27"}"#,
                ])
            // Batches of two: the portion opens in the first batch and closes in the third.
            let report = try await setup.importer(batchSize: 2).importFile(path)
            #expect(report.imported == 7)
            let messages = try await setup.stored()
            let protected = messages.filter { $0.redactions.contains { $0.type == PortionRule.type } }
            #expect(protected.map(\.sourceID) == ["3", "4", "7"], "an edit of a protected message is protected after the close too")
            let three = try #require(messages.first("3"))
            #expect(three.text == "[REDACTED:PORTION] (43 characters)")
            #expect(three.sender.id == Self.customer && three.sentAt == Timestamp(iso8601: "2024-05-02T10:00:20Z")!)
            #expect(three.redactions == [Redaction(rule: "portion.pci", type: "PORTION", start: 0, end: 18, operation: .replace)])
            #expect(messages.first("2")?.text == "#secure switching to secure entry", "the agent's announcement stays")
            #expect(messages.first("6")?.text == "my cvv was 123 right?", "after the end marker messages are archived again")
            #expect(try await setup.archive.search(SearchRequest(query: SearchQuery.parse("Private"))).hits.isEmpty)
            #expect(try await setup.archive.verify().isIntact)

            // Re-importing decides the same way: nothing new is stored.
            let again = try await setup.importer(batchSize: 3).importFile(path)
            #expect(again.imported == 0 && again.duplicates == 7)
        }
    }

    @Test func aTriggerPhraseOpensAndTheMessageCountCloses() async throws {
        try await withVault { setup in
            let lines =
                [Self.line("t", Self.agent, "Great — I’ll take your CARD details now, please type them", second: 0)]
                + (1...6).map { Self.line("m\($0)", Self.customer, "part \($0) of my number", second: $0) }
            _ = try await setup.importer().importFile(try setup.file("count.jsonl", lines))
            let messages = try await setup.stored()
            #expect(messages.first("t")?.redactions.isEmpty == true)
            // max_messages: 4 — the fifth message after the opener is archived again.
            #expect((1...4).allSatisfy { messages.first("m\($0)")?.text.hasPrefix(PortionRule.label) == true })
            #expect(messages.first("m5")?.text == "part 5 of my number")
            #expect(messages.first("m6")?.text == "part 6 of my number")
        }
    }

    @Test func theTimeLimitAndEndPhrasesClose() async throws {
        try await withVault { setup in
            _ = try await setup.importer().importFile(
                try setup.file(
                    "time.jsonl",
                    [
                        Self.line("a", Self.agent, "[PCI-START]", second: 0),
                        Self.line("b", Self.customer, "inside", second: 60),
                        Self.line("c", Self.customer, "too late to be inside", second: 301),
                        Self.line("d", Self.agent, "#secure again", second: 400),
                        Self.line("e", Self.customer, "inside again", second: 410),
                        Self.line("f", Self.agent, "Your payment is complete.", second: 420),
                        Self.line("g", Self.customer, "outside", second: 430),
                    ]))
            let messages = try await setup.stored()
            let protected = messages.filter { $0.text.hasPrefix(PortionRule.label) }.map(\.sourceID)
            #expect(protected == ["b", "e"])
        }
    }

    @Test func anOpenPortionSurvivesARestartAndEachMessageIsItsOwnRequest() async throws {
        try await withVault { setup in
            func ingest(_ line: String, with ingestor: Ingestor) async throws -> Ingestor.Report {
                let item = Array(line.utf8).withUnsafeBufferPointer { ChatVaultJSONL().message(from: $0, source: "api", line: 1) }
                return try await ingestor.ingest([item], source: "ingest:test")
            }
            var ingestor = try Ingestor.forVault(setup.vault, archive: setup.archive, actor: "api")
            _ = try await ingest(Self.line("1", Self.agent, "#secure", second: 0), with: ingestor)
            _ = try await ingest(Self.line("2", Self.customer, "4111 1111 1111 1111", second: 5), with: ingestor)
            // A new process: the open portion is read back from the archive.
            ingestor = try Ingestor.forVault(setup.vault, archive: setup.archive, actor: "api")
            _ = try await ingest(Self.line("3", Self.customer, "expiry 09/27, code 123", second: 10), with: ingestor)
            _ = try await ingest(Self.line("x", Self.customer, "other conversation", second: 11, conversation: "call-2"), with: ingestor)
            _ = try await ingest(Self.line("4", Self.agent, "#endsecure", second: 20), with: ingestor)
            _ = try await ingest(Self.line("5", Self.customer, "bye", second: 30), with: ingestor)
            // A retry of a protected message after the portion closed is still a duplicate.
            let retry = try await ingest(Self.line("3", Self.customer, "expiry 09/27, code 123", second: 10), with: ingestor)
            #expect(retry.duplicates == 1 && retry.stored == 0)
            ingestor = try Ingestor.forVault(setup.vault, archive: setup.archive, actor: "api")
            let late = try await ingest(Self.line("3", Self.customer, "expiry 09/27, code 123", second: 10), with: ingestor)
            #expect(late.duplicates == 1 && late.stored == 0, "after a restart too")

            let messages = try await setup.stored()
            #expect(messages.count == 6)
            #expect(messages.filter { $0.text.hasPrefix(PortionRule.label) }.map(\.sourceID) == ["2", "3"])
            #expect(messages.first("x")?.text == "other conversation", "portions are per conversation")
        }
    }

    @Test(arguments: [
        ("portions:\n  - { id: a, start: [\"#s\"], colour: red }\n", 2, "unknown key 'colour' in a portion"),
        ("portions:\n  - { id: a, end: [\"#e\"] }\n", 2, "portion 'a' needs a start marker or a phrase that opens it"),
        ("portions:\n  - { id: a, start: [\"#s\"], max_messages: 0 }\n", 2, "max_messages must be a whole number from 1 to 1000"),
        ("portions:\n  - { id: a, start: [\"#s\"] }\n  - { id: a, start: [\"#t\"] }\n", 3, "portion id 'a' is used twice"),
        ("portions:\n  - { id: a, phrases: [\"--\"] }\n", 2, "phrase '--' has no letters or digits"),
    ])
    func badPortionRulesAreRejectedWithTheirLine(yaml: String, line: Int, reason: String) {
        do {
            _ = try RedactionPolicy.load(yaml: yaml, source: "p.yaml")
            Issue.record("accepted: \(yaml)")
        } catch let error as PolicyError {
            #expect(error.line == line && error.reason.hasPrefix(reason), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func matcherReadsMarkersAsTokensAndPhrasesThroughNormalisation() {
        let matcher = PortionMatcher(rules: [
            PortionRule(id: "pci", startMarkers: ["#secure"], startPhrases: ["take your card details"], endMarkers: ["[pci-end]"])
        ])
        #expect(matcher.signals(in: "#secure").opens == 0)
        #expect(matcher.signals(in: "ok #SECURE, go ahead").opens == 0)
        #expect(matcher.signals(in: "ok #se\u{200B}cure").opens == 0, "an invisible character does not hide a marker")
        #expect(matcher.signals(in: "we use a secure line").opens == nil)
        #expect(matcher.signals(in: "#securely").opens == nil)
        #expect(matcher.signals(in: "I will TAKE your   card-details now").opens == 0)
        #expect(matcher.signals(in: "Ｔａｋｅ your card details").opens == 0)
        #expect(matcher.signals(in: "done [pci-end].").closes == [0])
        #expect(matcher.signals(in: "pci-end").closes.isEmpty)
    }
}
