import ChatVaultArchive
import ChatVaultCore
import Crypto
import Foundation

/// Appends an export's files as messages arrive, in id (sent) order.
struct ExportWriter {
    let directory: URL
    let format: ExportFormat
    /// Relative paths of every file written.
    private(set) var paths = Set<String>()
    private var htmlFiles: [String: String] = [:]
    private var openDays: [String: EMLDocument] = [:]
    private var conversations = Set<String>()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(directory: URL, format: ExportFormat) {
        self.directory = directory
        self.format = format
    }

    var conversationCount: Int { conversations.count }

    mutating func add(
        _ record: ExportRecord, proof: InclusionProof, title: String, attachment: (String) async throws -> [UInt8]?
    ) async throws {
        conversations.insert(record.conversationKey)
        var proofLine = try encoder.encode(proof)
        proofLine.append(0x0A)
        try append(proofLine, to: "proofs.jsonl")
        switch format {
        case .jsonl:
            try append(Data((proof.record + "\n").utf8), to: "messages.jsonl")
        case .html:
            let path = htmlFiles[record.conversationKey] ?? "transcripts/\(Self.fileName(record.conversationKey)).html"
            if htmlFiles[record.conversationKey] == nil {
                htmlFiles[record.conversationKey] = path
                try append(Data(HTMLTranscript.header(title: title, key: record.conversationKey).utf8), to: path)
            }
            try append(Data(HTMLTranscript.row(record).utf8), to: path)
        case .eml:
            let day = String(record.sentAt.iso8601.prefix(10))
            if let open = openDays[record.conversationKey], open.day != day {
                try write(open)
                openDays[record.conversationKey] = nil
            }
            var document = openDays[record.conversationKey] ?? EMLDocument(key: record.conversationKey, title: title, day: day)
            document.records.append(record)
            for file in record.attachments {
                guard let sha = file.sha256, !document.files.contains(where: { $0.name == file.name }), let bytes = try await attachment(sha) else {
                    continue
                }
                document.files.append((file.name, file.mediaType, bytes))
            }
            openDays[record.conversationKey] = document
        }
    }

    mutating func finish(attachment: (String) async throws -> [UInt8]?) async throws {
        for path in htmlFiles.values { try append(Data(HTMLTranscript.footer.utf8), to: path) }
        for document in openDays.values.sorted(by: { $0.key < $1.key }) { try write(document) }
        openDays.removeAll()
        if paths.isEmpty { try append(Data(), to: "proofs.jsonl") }
    }

    private mutating func write(_ document: EMLDocument) throws {
        try append(Data(document.render()), to: "eml/\(Self.fileName(document.key))/\(document.day).eml")
    }

    private mutating func append(_ data: Data, to path: String) throws {
        let url = directory.appendingPathComponent(path)
        if !paths.contains(path) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: url.path, contents: nil)
            paths.insert(path)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    /// A file name for a conversation key: safe characters, plus a hash so two keys
    /// that clean up alike stay apart.
    static func fileName(_ key: String) -> String {
        let safe = String(
            key.unicodeScalars.map { scalar -> Character in
                (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar) || scalar == "-" ? Character(scalar) : "_"
            }.prefix(60))
        let hash = Array(SHA256.hash(data: Array(key.utf8))).prefix(4).map { String(format: "%02x", $0) }.joined()
        return safe + "-" + hash
    }
}
