import ChatVaultCore
import Foundation

/// The text inside an attachment, so that it can be redacted and searched.
///
/// Plain text and HTML are text already. Word, Excel and PowerPoint files (Office Open
/// XML) are zips of XML, read in memory through ``SafeZip``. PDF goes through poppler's
/// `pdftotext` when it is installed, fed on standard input so the file never touches a
/// temporary file. Anything else (images, audio) has no text to offer.
enum DocumentText {
    enum Content {
        /// The file is text; when redacted, the redacted text replaces it.
        case text(String)
        /// Text read out of a binary file; the file itself is kept as shared.
        case extracted(String)
    }

    static func read(_ attachment: Attachment, bytes: [UInt8]) -> Content? {
        let name = attachment.name.lowercased()
        let type = (attachment.mediaType ?? "").lowercased()
        if attachment.isText {
            let raw = String(decoding: bytes, as: UTF8.self)
            let isHTML = type.contains("html") || name.hasSuffix(".html") || name.hasSuffix(".htm")
            return .text(isHTML ? HTMLText.text(raw) : raw)
        }
        if name.hasSuffix(".docx") || type.contains("wordprocessingml") {
            return office(bytes, name: attachment.name, parts: { $0 == "word/document.xml" }, paragraphEnd: "</w:p>")
        }
        if name.hasSuffix(".xlsx") || type.contains("spreadsheetml") {
            return office(bytes, name: attachment.name, parts: { $0 == "xl/sharedStrings.xml" }, paragraphEnd: "</si>")
        }
        if name.hasSuffix(".pptx") || type.contains("presentationml") {
            return office(bytes, name: attachment.name, parts: { $0.hasPrefix("ppt/slides/slide") && $0.hasSuffix(".xml") }, paragraphEnd: "</a:p>")
        }
        if name.hasSuffix(".pdf") || type == "application/pdf" {
            return pdf(bytes).map(Content.extracted)
        }
        return nil
    }

    private static func office(_ bytes: [UInt8], name: String, parts: (String) -> Bool, paragraphEnd: String) -> Content? {
        guard let zip = try? SafeZip(data: bytes, name: name) else { return nil }
        var text = ""
        for path in zip.paths.sorted() where parts(path) {
            guard let xml = try? zip.read(path) else { continue }
            let marked = String(decoding: xml, as: UTF8.self).replacing(paragraphEnd, with: paragraphEnd + "<br>")
            text += HTMLText.text(marked) + "\n"
        }
        return text.isEmpty ? nil : .extracted(text)
    }

    /// `pdftotext - -`, if installed; `nil` otherwise or when it fails.
    private static func pdf(_ bytes: [UInt8]) -> String? {
        guard let tool = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-q", "-enc", "UTF-8", "-", "-"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return nil
        }
        // Feed and drain at once: a large PDF would otherwise fill one pipe and stall.
        let writer = Thread {
            input.fileHandleForWriting.write(Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
