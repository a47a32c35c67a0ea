import ChatVaultCore
import Foundation
import Testing

@Suite(.serialized) struct PolicyCLITests {
    static let policy = """
        version: 1
        company_domains: [bank.example]
        lexicons:
          guarantees: ["guarant*", "risk free"]
        rules:
          - { name: guarantees, severity: high, match: "@guarantees NEAR/3 return*" }
        walls:
          - { name: research-trading, between: [research, trading] }
        """

    static let messages =
        [
            #"{"platform":"slack","conversation":"D1","id":"m1","sender":"U1","sent_at":"2024-03-05T15:00:00Z","text":"g\u200Buaranteed returns!"}"#,
            #"{"platform":"slack","conversation":"D1","id":"m2","sender":"U2","sent_at":"2024-03-05T15:01:00Z","text":"nothing to see"}"#,
        ].joined(separator: "\n") + "\n"

    @Test func policyTestWritesOneLinePerAlert() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let policy = cli.path("policy.yaml")
        try Self.policy.write(toFile: policy, atomically: true, encoding: .utf8)
        let input = cli.path("in.jsonl")
        try Self.messages.write(toFile: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["policy", "test", "--policy", policy]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected =
            #"{"message_id":"m1","rule":"guarantees","severity":"high","matches":[{"start":0,"end":11,"text":"g\#u{200B}uaranteed"},"#
            + #"{"start":12,"end":19,"text":"returns"}]}"# + "\n"
        #expect(output == expected, "\(output)")
    }

    @Test func importStoresAlertsThatVerifyCovers() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let policy = cli.path("policy.yaml")
        try Self.policy.write(toFile: policy, atomically: true, encoding: .utf8)
        let checked = try cli.run("policy", "check", policy)
        #expect(checked.status == 0 && checked.stdout.contains("guarantees [high, flag]"), "\(checked.stdout)\(checked.stderr)")
        #expect(try cli.run("policy", "set", "--vault", vault, policy).status == 0)
        let people = cli.path("people.csv")
        try
            "employee_id,name,emails,handles,department,groups\nE1,Rita,rita@bank.example,slack:U1,research,\nE2,Tom,tom@bank.example,slack:U2,,trading\n"
            .write(toFile: people, atomically: true, encoding: .utf8)
        #expect(try cli.run("directory", "import", "--vault", vault, people).status == 0)
        let file = cli.path("chat.jsonl")
        try Self.messages.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try cli.run("import", "--vault", vault, file)
        #expect(imported.status == 0, "\(imported.stderr)")
        let alerts = try cli.run("alerts", "--vault", vault, "--state", "open", "--json")
        let rules = alerts.json?.arrayValue?.compactMap { $0["rule"]?.stringValue }
        #expect(rules == ["wall.research-trading", "guarantees"], "\(alerts.stdout)\(alerts.stderr)")
        #expect(try cli.run("alerts", "--vault", vault, "--rule", "guarantees").stdout.contains("[high] guarantees open"))
        #expect(try cli.run("verify", "--vault", vault).status == 0)

        let candidate = cli.path("candidate.yaml")
        try Self.policy.replacingOccurrences(of: "NEAR/3", with: "NEAR/0").replacingOccurrences(
            of: "  - { name: research", with: "  - { name: rt2, between: [research, trading] }\n#"
        )
        .write(toFile: candidate, atomically: true, encoding: .utf8)
        let backtest = try cli.run("policy", "backtest", "--vault", vault, "--policy", candidate, "--json")
        #expect(backtest.status == 0, "\(backtest.stderr)")
        #expect(backtest.json?["per_rule"]?["wall.rt2"] == .number("1"))
        #expect(backtest.json?["starting"]?["wall.rt2"] == .number("1"))
        #expect(backtest.json?["stopping"]?["wall.research-trading"] == .number("1"))
    }

    @Test func aBadRuleIsRejectedWithItsLine() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let policy = cli.path("policy.yaml")
        try "version: 1\nrules:\n  - name: x\n    match: \"(cash OR\"\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let result = try cli.run("policy", "check", policy)
        #expect(result.status != 0)
        #expect(result.stderr.contains("policy.yaml:4: query '(cash OR'"), "\(result.stderr)")
    }
}
