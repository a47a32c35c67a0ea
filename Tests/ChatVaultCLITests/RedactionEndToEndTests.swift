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

    /// Every file of the vault, with its bytes: what a thief with the disk would read.
    static func vaultFiles(_ vault: String) throws -> [(name: String, bytes: Data)] {
        let names = FileManager.default.enumerator(atPath: vault)?.compactMap { $0 as? String } ?? []
        return try names.compactMap { name in
            var isDirectory: ObjCBool = false
            let path = vault + "/" + name
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return (name, try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    /// Each secret, as written and as its letters and digits alone, is in no file of the vault.
    static func expectAbsent(_ secrets: [String], from vault: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = try vaultFiles(vault)
        #expect(files.contains { $0.name == "archive.sqlite" }, sourceLocation: sourceLocation)
        for (name, bytes) in files where name != "policy.yaml" {
            for secret in secrets {
                let compact = String(secret.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) })
                for form in Set([secret, secret.lowercased(), compact]) {
                    #expect(bytes.range(of: Data(form.utf8)) == nil, "\(form) found in \(name)", sourceLocation: sourceLocation)
                }
            }
        }
    }

    /// Builds a zip with the system `zip` tool (entries stored, not deflated, so a value left
    /// in a stored original would show).
    static func zip(_ destination: String, entries: [(String, [UInt8])], in cli: CLI) throws {
        let folder = cli.path("zip-\(UUID().uuidString)")
        for (name, bytes) in entries {
            let url = URL(fileURLWithPath: folder).appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        process.arguments = ["-q", "-0", "-r", destination] + entries.map(\.0)
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    static let fieldPolicy = """
        version: 1
        attachments: { unreadable: metadata_only }
        portions:
          - id: pci
            start: ["#secure"]
            phrases: ["I'll take your card details now"]
            end: ["#endsecure"]
            max_messages: 5
        """

    /// Conversation names, topics, display names and handles, attachment names, the text of
    /// text and Word attachments, an unreadable image and a protected portion: none of the
    /// values reaches any file of the vault.
    @Test func everyFieldPortionAndAttachmentStayOutOfTheVault() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let policy = cli.path("policy.yaml")
        try Self.fieldPolicy.write(toFile: policy, atomically: true, encoding: .utf8)
        #expect(try cli.run("policy", "set", "--vault", vault, policy).status == 0)

        let secrets = [
            "4929 1234 5678 9015",  // conversation name
            "536-22-8191",  // sender display name
            "4556737586899855",  // attachment file name
            "DE89 3704 0044 0532 0130 00",  // topic change
            "ZEBRA-COBALT-991",  // said inside a protected portion: no recognizer knows it
            "4012 8888 8888 1881",  // inside the portion after a trigger phrase
            "536-22-8193",  // text attachment
            "GB29 NWBK 6016 1331 9268 19",  // Word attachment
            "PNGSECRET-7781",  // unreadable image, metadata only
            "536-22-8194",  // a WhatsApp handle
            "6011000990139424",  // a recipient's handle
        ]
        let jsonl = cli.path("fields.jsonl")
        try [
            ##"{"platform":"teams","conversation":"c2","conversation_name":"Refund 4929 1234 5678 9015","id":"1","sender":{"id":"client@acme.example","name":"Jo SSN 536-22-8191"},"recipients":[{"id":"pay 6011000990139424","name":"Desk"}],"sent_at":"2024-01-01T10:00:00Z","text":"see file","attachments":[{"name":"card 4556737586899855.pdf","size":10}]}"##,
            ##"{"platform":"teams","conversation":"c2","id":"2","kind":"system","sender":"agent@bank.example","sent_at":"2024-01-01T10:01:00Z","text":"Agent changed the topic to: refund to DE89 3704 0044 0532 0130 00"}"##,
            ##"{"platform":"teams","conversation":"c2","id":"3","sender":"agent@bank.example","sent_at":"2024-01-01T10:02:00Z","text":"#secure go ahead"}"##,
            ##"{"platform":"teams","conversation":"c2","id":"4","sender":"client@acme.example","sent_at":"2024-01-01T10:03:00Z","text":"the passphrase is ZEBRA-COBALT-991"}"##,
            ##"{"platform":"teams","conversation":"c2","id":"5","sender":"agent@bank.example","sent_at":"2024-01-01T10:04:00Z","text":"#endsecure thanks"}"##,
            ##"{"platform":"teams","conversation":"c2","id":"6","sender":"agent@bank.example","sent_at":"2024-01-01T10:05:00Z","text":"OK, I'll take your card details now"}"##,
            ##"{"platform":"teams","conversation":"c2","id":"7","sender":"client@acme.example","sent_at":"2024-01-01T10:06:00Z","text":"4012 8888 8888 1881"}"##,
        ].joined(separator: "\n").write(toFile: jsonl, atomically: true, encoding: .utf8)
        let first = try cli.run("import", "--vault", vault, jsonl, "--json")
        #expect(first.status == 0 && first.json?["imported"] == .number("7"), "\(first.stderr)")

        let document = """
            <?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>pay to GB29 NWBK 6016 1331 9268 19</w:t></w:r></w:p></w:body></w:document>
            """
        let docx = cli.path("statement.docx")
        try Self.zip(docx, entries: [("word/document.xml", Array(document.utf8))], in: cli)
        let chat = """
            [1/2/24, 10:00:00\u{202F}AM] Jo 536-22-8194: hello
            [1/2/24, 10:00:05\u{202F}AM] Jo 536-22-8194: \u{200E}<attached: 00000001-notes.txt>
            [1/2/24, 10:00:06\u{202F}AM] Jo 536-22-8194: \u{200E}<attached: 00000002-statement.docx>
            [1/2/24, 10:00:07\u{202F}AM] Jo 536-22-8194: \u{200E}<attached: 00000003-scan.png>
            """
        let whatsapp = cli.path("WhatsApp Chat - Desk.zip")
        try Self.zip(
            whatsapp,
            entries: [
                ("_chat.txt", Array(chat.utf8)), ("00000001-notes.txt", Array("client ssn 536-22-8193\n".utf8)),
                ("00000002-statement.docx", Array(try Data(contentsOf: URL(fileURLWithPath: docx)))),
                ("00000003-scan.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("PNGSECRET-7781".utf8)),
            ], in: cli)
        let second = try cli.run("import", "--vault", vault, "--format", "whatsapp", whatsapp, "--json")
        #expect(second.status == 0 && second.json?["imported"] == .number("4"), "\(second.stderr)")

        try cli.run("search", "--vault", vault, "refund")
        #expect(try cli.run("verify", "--vault", vault).status == 0)
        let shown = try cli.run("show", "--vault", vault, "teams:c2", "--json")
        let texts = shown.json?["messages"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? []
        #expect(texts.filter { $0.hasPrefix("[REDACTED:PORTION]") }.count == 2, "\(texts)")
        #expect(texts.contains("#secure go ahead") && texts.contains("#endsecure thanks"))
        try Self.expectAbsent(secrets, from: vault)
    }

    /// Kept apart on purpose: seeing through invisible characters inside a value is R1's part
    /// of issue 12, so a failure here is the recognizers', not the pipeline's.
    @Test func valuesWithInvisibleCharactersInsideStayOutOfTheVault() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let file = cli.path("evasion.jsonl")
        try [
            #"{"platform":"teams","conversation":"c3","id":"1","sender":"client@acme.example","sent_at":"2024-01-01T10:00:00Z","text":"card 5105\u200B1051\u200B0510\u200B5100 thanks"}"#,
            #"{"platform":"teams","conversation":"c3","id":"2","sender":"client@acme.example","sent_at":"2024-01-01T10:01:00Z","text":"ssn 536\u2060-22\u00AD-8195"}"#,
        ].joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try cli.run("import", "--vault", vault, file).status == 0)
        try Self.expectAbsent(
            ["5105\u{200B}1051\u{200B}0510\u{200B}5100", "5105105105105100", "536\u{2060}-22\u{00AD}-8195", "536228195"], from: vault)
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
