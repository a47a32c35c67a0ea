import ChatVaultArchive
import ChatVaultCore
import Crypto
import Foundation

/// Appends an export's files as messages arrive, in id (sent) order.
struct ExportWriter {
    let directory: URL
    let format: ExportFormat
    /// Relative paths of every file written.
    var paths = Set<String>()
    private var htmlFiles: [String: String] = [:]
    private var openDays: [String: EMLDocument] = [:]
    private var openSlices: [String: RSMFDocument] = [:]
    private var edrm = EDRMBatch()
    private var conversations = Set<String>()
    /// Output waiting to be appended, by path: files are opened once per flush, not per message.
    /// While true (replaying a resumed export up to its last checkpoint), the writer
    /// rebuilds its state but writes nothing: those bytes are already on disk.
    var replaying = false
    private var pending: [String: Data] = [:]
    private var pendingBytes = 0
    private var checkpointJSON: [UInt8]?

    init(directory: URL, format: ExportFormat) {
        self.directory = directory
        self.format = format
    }

    var conversationCount: Int { conversations.count }

    mutating func add(
        _ record: ExportRecord, proof: InclusionProof, conversation: ConversationLabel, attachment: (String) async throws -> [UInt8]?
    ) async throws {
        let title = conversation.title
        conversations.insert(record.conversationKey)
        try append(Data(proofLine(proof)), to: "proofs.jsonl")
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
        case .rsmf:
            let day = String(record.sentAt.iso8601.prefix(10))
            if let open = openSlices[record.conversationKey], open.day != day {
                try write(open)
                openSlices[record.conversationKey] = nil
            }
            var document =
                openSlices[record.conversationKey]
                ?? RSMFDocument(key: record.conversationKey, title: title, platform: record.platform, kind: conversation.kind, day: day)
            try await document.add(record, attachment: attachment)
            openSlices[record.conversationKey] = document
        case .edrm:
            for output in try await edrm.add(record, title: title, description: Self.edrmDescription, attachment: attachment) {
                try append(Data(output.bytes), to: output.path)
            }
        }
    }

    static let edrmDescription = "ChatVault export"

    mutating func finish(attachment: (String) async throws -> [UInt8]?) async throws {
        for path in htmlFiles.values { try append(Data(HTMLTranscript.footer.utf8), to: path) }
        for document in openDays.values.sorted(by: { $0.key < $1.key }) { try write(document) }
        openDays.removeAll()
        for document in openSlices.values.sorted(by: { $0.key < $1.key }) { try write(document) }
        openSlices.removeAll()
        if format == .edrm {
            for output in edrm.finish(description: Self.edrmDescription) { try append(Data(output.bytes), to: output.path) }
        }
        if paths.isEmpty { try append(Data(), to: "proofs.jsonl") }
        try flush()
    }

    /// The proof as one JSON line, in the shape `InclusionProof`'s `Codable` reads, written
    /// directly: an export writes one per message.
    private mutating func proofLine(_ proof: InclusionProof) throws -> [UInt8] {
        if checkpointJSON == nil {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            checkpointJSON = Array(try encoder.encode(proof.checkpoint))
        }
        var w = JSONWriter(reservingCapacity: proof.record.utf8.count + 1500)
        w.raw("{\"audit_path\":[")
        for (index, node) in proof.auditPath.enumerated() {
            if index > 0 { w.raw(",") }
            w.writeString(node.hexString)
        }
        w.raw("],\"checkpoint\":")
        checkpointJSON!.withUnsafeBufferPointer { w.raw(bytes: $0) }
        w.raw(",\"format\":")
        w.writeString(proof.format)
        w.raw(",\"leaf_hash\":")
        w.writeString(proof.leafHash.hexString)
        w.raw(",\"leaf_index\":")
        w.integer(Int64(proof.leafIndex))
        w.raw(",\"record\":")
        w.writeString(proof.record)
        w.raw(",\"record_id\":")
        w.integer(proof.recordID)
        w.raw(",\"record_kind\":")
        w.writeString(proof.recordKind)
        w.raw("}\n")
        return w.bytes
    }

    private mutating func write(_ document: EMLDocument) throws {
        try append(Data(document.render()), to: "eml/\(Self.fileName(document.key))/\(document.day).eml")
    }

    private mutating func write(_ document: RSMFDocument) throws {
        try append(Data(try document.render()), to: "rsmf/\(Self.fileName(document.key))/\(document.day).rsmf")
    }

    private mutating func append(_ data: Data, to path: String) throws {
        if replaying {
            paths.insert(path)
            return
        }
        if !paths.contains(path) {
            let url = directory.appendingPathComponent(path)
            try PrivateFile.createDirectory(at: url.deletingLastPathComponent())
            try PrivateFile.touch(url)
            paths.insert(path)
            fileSizes[path] = 0
        }
        pending[path, default: Data()].append(data)
        pendingBytes += data.count
        if pendingBytes > 8 << 20 { try flush() }
    }

    /// The size of every file written so far (kept as they are flushed, not read back:
    /// an EML export can hold thousands of files), for a resume checkpoint.
    var fileSizes: [String: Int] = [:]

    /// Appends everything pending to its file.
    mutating func flush() throws {
        for (path, data) in pending where !data.isEmpty {
            let handle = try FileHandle(forWritingTo: directory.appendingPathComponent(path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
            fileSizes[path, default: 0] += data.count
        }
        pending.removeAll(keepingCapacity: true)
        pendingBytes = 0
    }

    /// A file name for a conversation key: safe characters, plus a hash so two keys
    /// that clean up alike stay apart.
    static func fileName(_ key: String) -> String {
        let safe = String(
            key.unicodeScalars.map { scalar -> Character in
                (scalar.properties.isAlphabetic && scalar.isASCII) || ("0"..."9").contains(scalar) || scalar == "-" ? Character(scalar) : "_"
            }.prefix(60))
        let hash = Array(Array(SHA256.hash(data: Array(key.utf8))).prefix(4)).hexString
        return safe + "-" + hash
    }
}
