import ChatVaultCore
import Foundation
import Testing

@Suite(.serialized) struct RedactionEndToEndTests {
    static let secrets = [
        "4111 1111 1111 1111", "4111111111111111", "5500-0000-0000-0004", "5500000000000004", "078-05-1120", "078051120",
        "GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432", "jo.private@gmail.com", "Project Nightjar", "nightjar",
    ]

    @Test func personalDataNeverReachesAnyFileInTheVault() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let policy = cli.path("policy.yaml")
        try """
        version: 1
        keywords:
          - id: codenames
            operator: replace
            phrases: ["project nightjar"]
        """.write(toFile: policy, atomically: true, encoding: .utf8)
        #expect(try cli.run("policy", "set", "--vault", vault, policy).status == 0)

        let file = cli.path("pii.jsonl")
        try [
            #"{"platform":"teams","conversation":"c1","id":"1","sender":"client@acme.example","sent_at":"2024-01-01T10:00:00Z","text":"My card is 4111 1111 1111 1111 and my other is 5500-0000-0000-0004"}"#,
            #"{"platform":"teams","conversation":"c1","id":"2","sender":"client@acme.example","sent_at":"2024-01-01T10:01:00Z","text":"SSN 078-05-1120, IBAN GB82 WEST 1234 5698 7654 32","edited_from":["ssn: 078051120"]}"#,
            #"{"platform":"teams","conversation":"c1","id":"3","sender":"client@acme.example","sent_at":"2024-01-01T10:02:00Z","text":"write to jo.private@gmail.com about P\u200Broject Nightjar"}"#,
        ].joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try cli.run("import", "--vault", vault, file, "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.json?["imported"] == .number("3"))
        // Exercise the read paths too: they must not write originals anywhere either.
        try cli.run("search", "--vault", vault, "card")
        try cli.run("show", "--vault", vault, "teams:c1")
        #expect(try cli.run("verify", "--vault", vault).status == 0)

        let shown = try cli.run("show", "--vault", vault, "teams:c1", "--json")
        let texts = shown.json?["messages"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        #expect(texts.contains { $0.contains("•••• •••• •••• 1111") })
        #expect(texts.contains { $0.contains("[REDACTED:KEYWORD]") })

        let files = FileManager.default.enumerator(atPath: vault)?.compactMap { $0 as? String } ?? []
        #expect(files.contains("archive.sqlite"))
        for name in files {
            let path = vault + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            // The policy file holds the administrator's own keyword list, by design.
            for secret in Self.secrets where !(name == "policy.yaml" && secret.lowercased().contains("nightjar")) {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) found in \(name)")
                #expect(bytes.range(of: Data(secret.lowercased().utf8)) == nil, "\(secret.lowercased()) found in \(name)")
            }
        }
    }

    @Test func redactCommandReportsSpansInOriginalScalars() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let input = cli.path("in.jsonl")
        try #"{"id":"a","text":"👍🏽 card 4111-1111-1111-1111 ok"}"#.write(toFile: input, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["redact"]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: input))
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let line = try JSONParser().parse(output.trimmingCharacters(in: .whitespacesAndNewlines))
        let span = try #require(line["spans"]?.arrayValue?.first)
        // 👍🏽 is two scalars, then a space and "card ": the number starts at scalar 8.
        #expect(span["start"] == .number("8") && span["end"] == .number("27"))
        #expect(span["type"] == .string("CREDIT_CARD"))
        #expect(line["text"]?.stringValue?.contains("4111") == false)
    }

    @Test func aBadPolicyIsRejectedWithItsLine() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        try cli.run("init", "--vault", vault)
        let policy = cli.path("bad.yaml")
        try "version: 1\nrecognizers:\n  credit_card: { operator: smudge }\n".write(toFile: policy, atomically: true, encoding: .utf8)
        let result = try cli.run("policy", "set", "--vault", vault, policy)
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(policy):3:"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: vault + "/policy.yaml"), "a bad policy is not installed")
    }
}
