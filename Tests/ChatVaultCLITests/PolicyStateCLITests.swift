import ChatVaultCore
import Foundation
import Testing

/// The policy's state lives in the vault: separate `chatvault import` runs of one message
/// each raise exactly the alerts one import of everything raises, and a retried import
/// raises nothing again.
@Suite(.serialized) struct PolicyStateCLITests {
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
        employee_id,name,emails,handles,department,groups
        E1,Rita Research,rita@bank.example,,research,
        E2,Tom Trader,tom@bank.example,,,trading
        E3,Wendy Wealth,wendy@bank.example,,,wealth
        """

    static func line(_ id: String, _ conversation: String, _ sender: String, _ recipients: [String], _ minute: Int, _ text: String) -> String {
        let to = recipients.map { #""\#($0)""# }.joined(separator: ",")
        return
            #"{"platform":"slack","conversation":"\#(conversation)","conversation_kind":"group","id":"\#(id)","sender":"\#(sender)","recipients":[\#(to)],"sent_at":"2024-03-05T15:\#(String(format: "%02d", minute)):00Z","text":"\#(text)"}"#
    }

    /// Personal use (m3 is the third personal message of the day), a wall (m6 brings trading
    /// in; m9 after it raises nothing), an unapproved contact (m7, not again on m8) and one
    /// draw per conversation (rate 1: the first message of each).
    static let lines = [
        line("m1", "P", "tom@bank.example", ["sam@bank.example"], 0, "football tonight?"),
        line("m2", "P", "tom@bank.example", ["sam@bank.example"], 1, "dinner after the football"),
        line("m3", "P", "tom@bank.example", ["sam@bank.example"], 2, "football again"),
        line("m4", "P", "tom@bank.example", ["sam@bank.example"], 3, "and dinner"),
        line("m5", "G", "rita@bank.example", [], 4, "note draft ready"),
        line("m6", "G", "tom@bank.example", [], 5, "morning"),
        line("m7", "W", "wendy@bank.example", ["joe@gmail.example"], 6, "hello Joe"),
        line("m8", "W", "wendy@bank.example", ["joe@gmail.example"], 7, "as discussed"),
        line("m9", "G", "rita@bank.example", [], 8, "see you"),
    ]

    static let expected = [
        "m1 sampling", "m3 personal-use", "m5 sampling", "m6 wall.research-trading", "m7 external-contact", "m7 sampling",
    ]

    func vault(_ cli: CLI, _ name: String) throws -> String {
        let vault = cli.path(name)
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let policy = cli.path("policy.yaml")
        try Self.policy.write(toFile: policy, atomically: true, encoding: .utf8)
        let set = try cli.run("policy", "set", "--vault", vault, policy)
        #expect(set.status == 0, "\(set.stderr)")
        let people = cli.path("people.csv")
        try Self.people.write(toFile: people, atomically: true, encoding: .utf8)
        #expect(try cli.run("directory", "import", "--vault", vault, people).status == 0)
        return vault
    }

    func importing(_ cli: CLI, _ vault: String, _ lines: [String], as name: String) throws -> Int {
        let file = cli.path(name)
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try cli.run("import", "--vault", vault, "--json", file)
        #expect(result.status == 0, "\(result.stderr)")
        return Int(result.json?["imported"]?.scalarText ?? "") ?? -1
    }

    func alerts(_ cli: CLI, _ vault: String) throws -> [String] {
        let listed = try cli.run("alerts", "--vault", vault, "--json", "--limit", "1000")
        #expect(listed.status == 0, "\(listed.stderr)")
        return (listed.json?.arrayValue ?? []).compactMap { alert in
            guard let id = alert["source_id"]?.stringValue, let rule = alert["rule"]?.stringValue else { return nil }
            return id + " " + rule
        }.sorted()
    }

    @Test func separateImportsRaiseWhatOneImportRaises() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let whole = try vault(cli, "whole")
        _ = try importing(cli, whole, Self.lines, as: "all.jsonl")
        #expect(try alerts(cli, whole) == Self.expected)

        let split = try vault(cli, "split")
        for (index, line) in Self.lines.enumerated() {
            _ = try importing(cli, split, [line], as: "one-\(index).jsonl")
        }
        #expect(try alerts(cli, split) == Self.expected)
        #expect(try cli.run("verify", "--vault", split).status == 0)
    }

    @Test func aRetriedImportRaisesNothingTwice() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = try vault(cli, "vault")
        // The first attempt stored only the first two messages; the retry reads them again.
        _ = try importing(cli, vault, Array(Self.lines.prefix(2)), as: "partial.jsonl")
        _ = try importing(cli, vault, Self.lines, as: "retry.jsonl")
        #expect(try alerts(cli, vault) == Self.expected)
        // A second full retry adds nothing: m1 and m2 are not counted again, no alert repeats.
        #expect(try importing(cli, vault, Self.lines, as: "again.jsonl") == 0)
        let more = Self.line("m10", "P", "tom@bank.example", ["sam@bank.example"], 30, "football forever")
        _ = try importing(cli, vault, [more], as: "more.jsonl")
        #expect(try alerts(cli, vault) == Self.expected)
        #expect(try cli.run("verify", "--vault", vault).status == 0)
    }
}
