import ChatVaultCore
import ChatVaultRedaction
import Testing

@testable import ChatVaultPolicy

@Suite struct PolicyFileTests {
    static let combined = """
        version: 1
        recognizers:
          person: off
        keywords:
          - { id: falcon, phrases: ["project falcon"] }
        lexicons:
          guarantees: ["guarant*", "risk free"]
        rules:
          - name: guarantees
            severity: high
            match: "@guarantees"
        walls:
          - { name: chinese-wall, between: [research, trading] }
        """

    @Test func oneFileHoldsBothParts() throws {
        let redaction = try RedactionPolicy.load(yaml: Self.combined, source: "policy.yaml")
        #expect(redaction.keywordLists.map(\.id) == ["falcon"])
        let use = try UsePolicy.load(yaml: Self.combined, source: "policy.yaml")
        #expect(use.rules.map(\.name) == ["guarantees"] && use.walls.map(\.name) == ["chinese-wall"])
        #expect(use.version == UsePolicy.version(of: Self.combined) && use.version.count == 64)
    }

    @Test func redactionLoaderStillRejectsUnknownKeys() {
        #expect(
            throws: PolicyError(
                source: "p.yaml", line: 2,
                reason: "unknown key 'rulez'; expected version, cue_window, recognizers, keywords, allow, overrides, portions, attachments"
                    + " or redact_known_people")
        ) {
            try RedactionPolicy.load(yaml: "version: 1\nrulez: []\n", source: "p.yaml")
        }
    }

    @Test(arguments: [
        ("rules:\n  - name: a\n    match: \"cash AND\"\n", 3, "query 'cash AND': column 9"),
        ("rules:\n  - name: a\n    severity: huge\n    match: x\n", 3, "unknown severity 'huge'"),
        ("rules:\n  - name: a\n    match: \"@nope\"\n", 3, "lexicon '@nope'"),
        ("time_zone: Mars/Olympus\n", 1, "unknown time zone"),
        ("rules:\n  - name: a\n    when: { after_hours: maybe }\n", 3, "after_hours must be true or false"),
        ("rules:\n  - name: a\n    when: { colour: red }\n", 3, "unknown condition 'colour'"),
        ("rules:\n  - name: a\n    match: x\n  - name: a\n    match: y\n", 4, "used twice"),
        ("walls:\n  - { between: [research] }\n", 2, "two different groups"),
        ("lexicons:\n  l: [\"!!\"]\n", 2, "no letters or digits"),
        ("rules: [\n", 2, "not valid YAML"),
        ("sampling: { rate: 2 }\n", 1, "from 0 to 1"),
        ("nonsense: 1\n", 1, "unknown key 'nonsense'"),
    ])
    func errorsNameTheLine(_ yaml: String, _ line: Int, _ reason: String) {
        do {
            _ = try UsePolicy.load(yaml: yaml, source: "policy.yaml")
            Issue.record("accepted \(yaml)")
        } catch let error as PolicyError {
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func directoryImportsFromCSVAndJSON() throws {
        let csv = """
            employee_id,name,emails,handles,department,groups
            E1,Rita Research,rita@bank.example,slack:U1;teams:rita,research,analysts
            "E2","Tom, Trader",tom@bank.example,slack:U2,,trading;desk-a
            """
        let directory = try Directory.load(text: csv, source: "people.csv")
        #expect(directory.people.count == 2)
        #expect(directory.person(for: Handle(id: "U1"), platform: "slack")?.name == "Rita Research")
        #expect(directory.person(for: Handle(id: "rita"), platform: "teams")?.memberships == ["research", "analysts"])
        #expect(directory.person(for: Handle(id: "TOM@bank.example"), platform: "whatsapp")?.name == "Tom, Trader")
        #expect(directory.person(for: Handle(id: "U1"), platform: "teams") == nil)
        let json = #"[{"employee_id":"E9","name":"Jo","emails":["jo@bank.example"],"handles":{"slack":["U9"]},"groups":["ops"]}]"#
        #expect(try Directory.load(text: json, source: "p.json").person(for: Handle(id: "U9"), platform: "slack")?.employeeID == "E9")
        #expect(throws: InputError(source: "bad.csv", line: 2, reason: "expected 3 fields, found 2")) {
            try Directory.load(text: "employee_id,name,groups\nE1,Ann\n", source: "bad.csv")
        }
    }
}
