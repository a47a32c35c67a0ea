import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultRedaction
import Crypto
import Foundation
import Testing

@Suite struct ImporterTests {
    func line(_ id: Int, text: String = "message") -> String {
        #"{"platform":"slack","conversation":"C1","id":"\#(id)","sender":"alice@bank.example","sent_at":"2024-03-01T09:00:\#(String(format: "%02d", id % 60))Z","text":"\#(text) \#(id)"}"#
    }

    func withVault(_ body: (any ArchiveBackend, URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-ingest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory.appendingPathComponent("vault"))
        try await body(try vault.openArchive(), directory)
    }

    @Test func badLinesAreReportedAndTheRestImports() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("mixed.jsonl")
            let bad: [UInt8] =
                Array(#"{"platform":"slack","conversation":"C1","id":"x","sender":"a","sent_at":"2024-01-01","text":""#.utf8) + [0xFF, 0xFE]
                + Array("\"}".utf8)
            var bytes = Array([line(1), line(2), "{not json", "", line(3)].joined(separator: "\n").utf8)
            bytes += Array("\n".utf8) + bad + Array("\n".utf8)
            bytes += Array([#"{"platform":"slack"}"#, line(4)].joined(separator: "\n").utf8)
            try Data(bytes).write(to: file)

            let report = try await Importer(archive: archive, redaction: nil, actor: "t", batchSize: 2).importFile(file.path)
            #expect(report.imported == 4)
            #expect(report.rejected == 3)
            #expect(report.errors.map(\.line) == [3, 6, 7])
            #expect(report.errors.allSatisfy { $0.source == file.path })
            #expect(report.errors[1].reason.contains("UTF-8"))

            let again = try await Importer(archive: archive, redaction: nil, actor: "t", batchSize: 3).importFile(file.path)
            #expect(again.imported == 0)
            #expect(again.duplicates == 4)
            #expect(try await archive.statistics().messages == 4)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func strictModeImportsNothingFromABadFile() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("strict.jsonl")
            try [line(1), line(2), "oops", line(3)].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let report = try await Importer(archive: archive, redaction: nil, actor: "t", strict: true).importFile(file.path)
            #expect(report.imported == 0 && report.rejected == 1)
            #expect(try await archive.statistics().messages == 0)
        }
    }

    @Test func anOversizedLineIsSkippedNotLoaded() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("huge.jsonl")
            let format = ChatVaultJSONL(maxTextBytes: 1000)
            let huge =
                #"{"platform":"slack","conversation":"C1","id":"big","sender":"a","sent_at":"2024-01-01","text":""#
                + String(repeating: "x", count: 3_000_000) + #""}"#
            try [line(1), huge, line(2)].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let report = try await Importer(archive: archive, redaction: nil, actor: "t").importFile(file.path, format: format)
            #expect(report.imported == 2)
            #expect(report.errors.map(\.line) == [2])
            #expect(report.errors.first?.reason.contains("line is") == true)
        }
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstLine() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("bom.jsonl")
            try Data([0xEF, 0xBB, 0xBF] + Array([line(1), line(2)].joined(separator: "\r\n").utf8)).write(to: file)
            let report = try await Importer(archive: archive, redaction: nil, actor: "t").importFile(file.path)
            #expect(report.imported == 2 && report.rejected == 0, "\(report.errors)")
        }
    }

    @Test func aMissingFileIsAClearError() async throws {
        try await withVault { archive, directory in
            await #expect(throws: InputError.self) {
                try await Importer(archive: archive, redaction: nil, actor: "t").importFile(directory.appendingPathComponent("nope.jsonl").path)
            }
        }
    }

    @Test func progressIsReportedPerDurableBatch() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("batches.jsonl")
            try (1...10).map { line($0) }.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let lines = LockedLines()
            _ = try await Importer(archive: archive, redaction: nil, actor: "t", batchSize: 4).importFile(file.path) { lines.append($0.throughLine) }
            #expect(lines.values == [4, 8, 10])
        }
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    func append(_ value: Int) { lock.withLock { stored.append(value) } }
    var values: [Int] { lock.withLock { stored } }
}

@Suite struct RedactionStageTests {
    @Test func personalDataIsRedactedBeforeTheArchiveSeesIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-redact-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory.appendingPathComponent("vault"))
        let archive = try vault.openArchive()
        let file = directory.appendingPathComponent("pii.jsonl")
        let lines = [
            #"{"platform":"teams","conversation":"c","id":"1","sender":"client@acme.example","sent_at":"2024-01-01T10:00:00Z","text":"card 4111 1111 1111 1111 please","edited_from":["my ssn is 123-45-6789"]}"#,
            #"{"platform":"teams","conversation":"c","id":"2","sender":"client@acme.example","sent_at":"2024-01-01T10:01:00Z","text":"nothing personal here"}"#,
        ]
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let importer = Importer(archive: archive, redaction: try RedactionStage.forVault(vault), actor: "t")
        let report = try await importer.importFile(file.path)
        #expect(report.imported == 2 && report.redactions == 2)

        let page = try await archive.search(SearchRequest(query: nil, limit: 10))
        let first = try #require(page.hits.first { $0.message.message.sourceID == "1" }?.message.message)
        #expect(first.text == "card •••• •••• •••• 1111 please")
        #expect(first.editedFrom == ["my ssn is [REDACTED:US_SSN]"])
        #expect(first.redactions.map(\.type).sorted() == ["CREDIT_CARD", "US_SSN"])
        let card = try #require(first.redactions.first { $0.type == "CREDIT_CARD" })
        #expect(Array(first.text.unicodeScalars)[card.start..<card.end].map(String.init).joined() == "•••• •••• •••• 1111")
        #expect(first.redactions.first { $0.type == "US_SSN" }?.field == "edited_from.0")
        #expect(try await archive.search(SearchRequest(query: SearchQuery.parse("4111"))).hits.isEmpty)
        #expect(try await archive.verify().isIntact)
    }

    @Test func aBadVaultPolicyNamesTheLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-policy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory)
        try "version: 1\nrecognizers:\n  credit_card: { operator: smudge }\n".write(to: vault.policyURL, atomically: true, encoding: .utf8)
        #expect {
            try RedactionStage.forVault(vault)
        } throws: { error in
            "\(error)".hasPrefix("\(vault.policyURL.path):3:")
        }
    }
}

@Suite struct AttachmentRedactionTests {
    @Test func textAttachmentsAreRedactedIndexedAndStoredRedacted() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-att-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory)
        let archive = try vault.openArchive()
        let original = Array("Invoice for Acme. Pay with card 4111 1111 1111 1111 by Friday.".utf8)
        let sha256 = SHA256.hash(data: original).map { String(format: "%02x", $0) }.joined()
        var message = IncomingMessage(
            message: Message(
                platform: "whatsapp", conversation: "c", sourceID: "1", sender: Handle(id: "client"), sentAt: Timestamp(microseconds: 0),
                text: "see attached", attachments: [Attachment(name: "invoice.txt", sha256: sha256, size: Int64(original.count))]),
            origin: "test", contents: [sha256: original])
        message = try RedactionStage.forVault(vault).apply(to: message)
        _ = try await archive.append([message], context: AppendContext(actor: "t", source: "t"))

        let stored = try #require(try await archive.search(SearchRequest(query: SearchQuery.parse("invoice"))).hits.first?.message.message)
        let attachment = try #require(stored.attachments.first)
        #expect(attachment.redacted && attachment.sha256 != sha256)
        #expect(stored.redactions.contains { $0.field == "attachment.0" && $0.type == "CREDIT_CARD" })
        let content = try #require(try await archive.attachment(sha256: attachment.sha256!))
        #expect(String(decoding: content, as: UTF8.self).contains("•••• •••• •••• 1111"))
        #expect(try await archive.attachment(sha256: sha256) == nil, "the original file is not stored")
        #expect(try await archive.verify().isIntact)
        for name in FileManager.default.enumerator(atPath: directory.path)?.compactMap({ $0 as? String }) ?? [] {
            let data = (try? Data(contentsOf: directory.appendingPathComponent(name))) ?? Data()
            #expect(data.range(of: Data("4111 1111 1111 1111".utf8)) == nil, "card number found in \(name)")
        }
    }
}
