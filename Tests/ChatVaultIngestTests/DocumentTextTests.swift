import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Crypto
import Foundation
import Testing
import ZIPFoundation

@Suite struct DocumentTextTests {
    static var hasPDFTool: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") }

    func importAttachment(name: String, mediaType: String?, bytes: [UInt8]) async throws -> (any ArchiveBackend, Message, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-doc-\(UUID().uuidString)")
        let vault = try Vault.create(at: directory)
        let archive = try vault.openArchive()
        let sha256 = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        var incoming = IncomingMessage(
            message: Message(
                platform: "teams", conversation: "c", sourceID: "1", sender: Handle(id: "client"), sentAt: Timestamp(microseconds: 0),
                text: "see attached",
                attachments: [Attachment(name: name, sha256: sha256, size: Int64(bytes.count), mediaType: mediaType)]),
            origin: "test", contents: [sha256: bytes])
        incoming = try RedactionStage.forVault(vault).apply(to: incoming)
        _ = try await archive.append([incoming], context: AppendContext(actor: "t", source: "t"))
        return (archive, incoming.message, directory)
    }

    @Test func wordDocumentsAreSearchableAndTheirPersonalDataRedactedInTheIndex() async throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="x"><w:body>
            <w:p><w:r><w:t>Quarterly settlement memo</w:t></w:r></w:p>
            <w:p><w:r><w:t>Refund to card 4111 1111 1111 1111 &amp; confirm</w:t></w:r></w:p></w:body></w:document>
            """
        let archiveData = try Archive(accessMode: .create)
        try archiveData.addEntry(
            with: "word/document.xml", type: .file, uncompressedSize: Int64(xml.utf8.count),
            provider: { position, size in
                Data(xml.utf8).subdata(in: Int(position)..<Int(position) + size)
            })
        let docx = Array(archiveData.data!)
        let (archive, message, directory) = try await importAttachment(
            name: "memo.docx", mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bytes: docx)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await archive.search(SearchRequest(query: SearchQuery.parse("settlement memo"))).hits.count == 1)
        #expect(try await archive.search(SearchRequest(query: SearchQuery.parse("4111"))).hits.isEmpty)
        #expect(message.redactions.contains { $0.field == "attachment.0.text" && $0.type == "CREDIT_CARD" })
        // A binary file cannot be redacted in place: with findings, its redacted text is stored instead.
        let docxHash = SHA256.hash(data: docx).map { String(format: "%02x", $0) }.joined()
        #expect(try await archive.attachment(sha256: docxHash) == nil, "the original file with a card number is not stored")
        #expect(message.attachments[0].redacted && message.attachments[0].mediaType == "text/plain")
        let stored = try #require(try await archive.attachment(sha256: message.attachments[0].sha256!))
        #expect(String(decoding: stored, as: UTF8.self).contains("•••• •••• •••• 1111"))
    }

    @Test(.enabled(if: DocumentTextTests.hasPDFTool)) func pdfTextIsSearchable() async throws {
        let (archive, _, directory) = try await importAttachment(
            name: "statement.pdf", mediaType: "application/pdf", bytes: Self.minimalPDF("Statement of holdings"))
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await archive.search(SearchRequest(query: SearchQuery.parse("holdings"))).hits.count == 1)
    }

    /// A one-page PDF showing `text` in Helvetica, with a correct cross-reference table.
    static func minimalPDF(_ text: String) -> [UInt8] {
        let stream = "BT /F1 24 Tf 72 720 Td (\(text)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream", "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(format: "%010d 00000 n \n", offset) }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(pdf.utf8)
    }
}
