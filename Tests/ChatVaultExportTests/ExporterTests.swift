import ChatVaultArchive
import ChatVaultCore
import ChatVaultExport
import Crypto
import Foundation
import Testing

@Suite struct ExporterTests {
    struct Fixture {
        let root: URL
        let vault: Vault
        let archive: any ArchiveBackend
        let publicKey: Curve25519.Signing.PublicKey

        init() async throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-export-\(UUID().uuidString)")
            vault = try Vault.create(at: root.appendingPathComponent("vault"))
            archive = try vault.openArchive()
            publicKey = try vault.signer().publicKey
            let file = Array("board minutes".utf8)
            let sha = SHA256.hash(data: file).map { String(format: "%02x", $0) }.joined()
            func message(_ id: String, _ seconds: Int64, _ text: String, kind: Message.Kind = .message, target: String? = nil) -> Message {
                Message(
                    platform: "slack", conversation: "C1", sourceID: id, kind: kind, target: target,
                    sender: Handle(id: "alice@bank.example", displayName: "Alice"), sentAt: Timestamp(microseconds: seconds * 1_000_000), text: text)
            }
            var first = message("1", 1_709_283_600, "card [REDACTED:CREDIT_CARD] <script>alert(1)</script>")
            first.editedFrom = ["draft text"]
            first.reactions = [Reaction(emoji: "👍", by: ["bob"])]
            first.attachments = [Attachment(name: "minutes.txt", sha256: sha, size: Int64(file.count), mediaType: "text/plain")]
            first.redactions = [Redaction(rule: "pii.credit_card", type: "CREDIT_CARD", start: 5, end: 27, operation: .replace)]
            var deleted = message("2", 1_709_283_700, "oops")
            deleted.deleted = true
            let batch = [
                IncomingMessage(message: first, conversationName: "#board", origin: "t", contents: [sha: file]),
                IncomingMessage(message: deleted, conversationName: "#board", origin: "t"),
                IncomingMessage(message: message("3", 1_709_283_800, "final words", kind: .edit, target: "1"), origin: "t"),
                IncomingMessage(message: message("4", 1_709_370_000, "next day"), origin: "t"),
                IncomingMessage(message: message("5", 1_709_370_100, "<img src=x onerror=alert(1)>"), origin: "t"),
            ]
            _ = try await archive.append(batch, context: AppendContext(actor: "t", source: "t"))
        }

        func export(_ format: ExportFormat, pageSize: Int = 2) async throws -> URL {
            let out = root.appendingPathComponent("export-\(format.rawValue)")
            var exporter = Exporter(archive: archive, format: format, actor: "officer")
            exporter.pageSize = pageSize
            _ = try await exporter.run(SearchRequest(query: nil), description: ["query": ""], to: out)
            return out
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    @Test func jsonlRoundTripsEveryFieldAndVerifiesOffline() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let out = try await fixture.export(.jsonl)
        let lines = try String(contentsOf: out.appendingPathComponent("messages.jsonl"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 5, "keyset paging over pages of 2 keeps every message once")
        let records = lines.compactMap(ExportRecord.init(record:))
        #expect(records.map(\.sourceID) == ["1", "2", "3", "4", "5"])
        #expect(records[0].editedFrom == ["draft text"] && records[0].reactions.first?.emoji == "👍")
        #expect(records[0].attachments.first?.name == "minutes.txt" && records[0].redactions.first?.type == "CREDIT_CARD")
        #expect(records[1].deleted && records[2].kind == "edit" && records[2].target == "1")
        let report = ExportVerifier.verify(directory: out, publicKey: fixture.publicKey)
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.proofsChecked == 5)

        var tampered = lines
        tampered[3] = tampered[3].replacing("next day", with: "next week")
        try (tampered.joined(separator: "\n") + "\n").write(to: out.appendingPathComponent("messages.jsonl"), atomically: true, encoding: .utf8)
        let broken = ExportVerifier.verify(directory: out, publicKey: fixture.publicKey)
        #expect(broken.problems.contains { $0.hasPrefix("messages.jsonl:") && $0.contains("manifest") })
        #expect(broken.problems.contains { $0.hasPrefix("messages.jsonl:4") })
        let stranger = Curve25519.Signing.PrivateKey().publicKey
        #expect(!ExportVerifier.verify(directory: out, publicKey: stranger).isIntact)
    }

    @Test func htmlEscapesHostileBodies() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let out = try await fixture.export(.html)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("transcripts").path)
        #expect(files.count == 1)
        let html = try String(contentsOf: out.appendingPathComponent("transcripts/\(files[0])"), encoding: .utf8)
        #expect(!html.contains("<script>") && html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<img src=x") && html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("default-src 'none'"))
        #expect(html.contains("earlier version: draft text") && html.contains("[deleted by the sender"))
        #expect(ExportVerifier.verify(directory: out, publicKey: fixture.publicKey).isIntact)
    }

    @Test func emlParsesWithPythonsEmailPackage() async throws {
        let fixture = try await Fixture()
        defer { fixture.remove() }
        let out = try await fixture.export(.eml)
        #expect(ExportVerifier.verify(directory: out, publicKey: fixture.publicKey).isIntact)
        let script = """
            import email, glob, json, sys
            from email import policy
            result = []
            for path in sorted(glob.glob(sys.argv[1] + '/eml/*/*.eml')):
                m = email.message_from_bytes(open(path, 'rb').read(), policy=policy.default)
                text = m.get_body(preferencelist=('plain',)).get_content()
                html = m.get_body(preferencelist=('html',)).get_content()
                files = [(p.get_filename(), p.get_content()) for p in m.iter_attachments()]
                result.append({'subject': str(m['subject']), 'date': str(m['date']), 'text': text, 'html': html,
                               'files': [[n, c if isinstance(c, str) else c.decode()] for n, c in files], 'defects': len(m.defects)})
            print(json.dumps(result))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, out.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let parsed = try #require(try JSONParser().parse(String(decoding: data, as: UTF8.self)).arrayValue)
        #expect(parsed.count == 2, "one message per conversation and day")
        let first = parsed[0]
        #expect(first["subject"]?.stringValue?.contains("#board 2024-03-01 (3 messages)") == true)
        #expect(first["date"]?.stringValue == "Fri, 01 Mar 2024 09:00:00 +0000")
        #expect(first["text"]?.stringValue?.contains("[REDACTED:CREDIT_CARD]") == true)
        #expect(first["text"]?.stringValue?.contains("earlier version: draft text") == true)
        #expect(first["files"] == .array([.array([.string("minutes.txt"), .string("board minutes")])]))
        #expect(first["defects"] == .number("0"))
    }
}

@Suite struct ResumableExportTests {
    @Test(arguments: ExportFormat.allCases)
    func anInterruptedExportResumesToTheSameFiles(format: ExportFormat) async throws {
        let fixture = try await ExporterTests.Fixture()
        defer { fixture.remove() }
        let whole = try await fixture.export(format)

        let resumed = fixture.root.appendingPathComponent("resumed-\(format.rawValue)")
        var exporter = Exporter(archive: fixture.archive, format: format, actor: "officer")
        exporter.pageSize = 2
        exporter.checkpointEveryPages = 1
        exporter.interruptAfterPages = 1
        await #expect(throws: ExportError.self) {
            _ = try await exporter.run(SearchRequest(query: nil), description: ["query": ""], to: resumed)
        }
        // A crash can leave bytes after the checkpoint: the resume must cut them off.
        let proofs = resumed.appendingPathComponent("proofs.jsonl")
        let handle = try FileHandle(forWritingTo: proofs)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"partial".utf8))
        try handle.close()
        await #expect(throws: ExportError.self, "a non-empty folder is refused without --resume") {
            _ = try await Exporter(archive: fixture.archive, format: format, actor: "officer").run(
                SearchRequest(query: nil), description: ["query": ""], to: resumed)
        }
        exporter.interruptAfterPages = nil
        _ = try await exporter.run(SearchRequest(query: nil), description: ["query": ""], to: resumed, resume: true)

        let expected = ExportVerifier.allFiles(in: whole).filter { $0 != "manifest.json" }.sorted()
        #expect(ExportVerifier.allFiles(in: resumed).filter { $0 != "manifest.json" }.sorted() == expected)
        for path in expected {
            let a = try Data(contentsOf: whole.appendingPathComponent(path))
            let b = try Data(contentsOf: resumed.appendingPathComponent(path))
            #expect(a == b, "\(path) differs after resuming")
        }
        let report = ExportVerifier.verify(directory: resumed, publicKey: fixture.publicKey)
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.proofsChecked == 5)
    }
}
