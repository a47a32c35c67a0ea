public import ChatVaultArchive
public import ChatVaultCore
import Foundation

/// Imports ChatVault JSONL files into an archive in durable batches.
///
/// A malformed line is reported as `FILE:LINE: reason` and the rest of the file still
/// imports; in strict mode a file with any bad line imports nothing. Each batch is
/// acknowledged through ``Progress`` only after the archive made it durable, and
/// re-importing a file adds nothing.
public struct Importer: Sendable {
    public struct FileReport: Sendable, Equatable {
        public var path: String
        public var imported = 0
        public var duplicates = 0
        public var rejected = 0
        /// Values removed by the redactor across the file's messages.
        public var redactions = 0
        /// The first errors (at most ``Importer/maxReportedErrors``), each naming file and line.
        public var errors: [InputError] = []

        public init(path: String) {
            self.path = path
        }
    }

    /// One durable batch.
    public struct Progress: Sendable {
        public var path: String
        public var throughLine: Int
        public var stored: Int
        public var duplicates: Int
        public var treeSize: Int
    }

    public let archive: any Archive
    /// Applied to every message before it reaches the archive; `nil` stores text as it arrived.
    public var redaction: RedactionStage?
    public var actor: String
    public var batchSize: Int
    public var strict: Bool
    public var format: ChatVaultJSONL
    public var maxLineBytes: Int
    public static let maxReportedErrors = 1000

    public init(
        archive: any Archive, redaction: RedactionStage?, actor: String, batchSize: Int = 5000, strict: Bool = false,
        format: ChatVaultJSONL = ChatVaultJSONL()
    ) {
        self.archive = archive
        self.redaction = redaction
        self.actor = actor
        self.batchSize = batchSize
        self.strict = strict
        self.format = format
        self.maxLineBytes = format.maxTextBytes * 2 + 64 * 1024
    }

    public func importFile(_ path: String, progress: @Sendable (Progress) -> Void = { _ in }) async throws -> FileReport {
        var report = FileReport(path: path)
        let name = path
        if strict {
            // Nothing from a file with a bad line may be stored: read it through once first.
            try forEachMessage(path: path, name: name) { result, _ in
                if case .failure(let error) = result { report.record(error) }
            }
            if report.rejected > 0 { return report }
        }
        var batch: [IncomingMessage] = []
        var firstLine = 1
        var lastLine = 0
        func flush() async throws {
            guard !batch.isEmpty else { return }
            let receipt = try await archive.append(batch, context: AppendContext(actor: actor, source: "import:\(name):\(firstLine)-\(lastLine)"))
            report.imported += receipt.stored
            report.duplicates += receipt.duplicates
            progress(
                Progress(
                    path: path, throughLine: lastLine, stored: receipt.stored, duplicates: receipt.duplicates,
                    treeSize: receipt.checkpoint?.treeSize ?? 0))
            batch.removeAll(keepingCapacity: true)
            firstLine = lastLine + 1
        }
        var reader = try LineReader(path: path, maxLineBytes: maxLineBytes)
        while let line = try reader.next() {
            switch parse(line, name: name) {
            case nil: continue
            case .failure(let error)?:
                report.record(error)
                lastLine = line.number
            case .success(let message)?:
                if let redaction {
                    let redacted = redaction.apply(to: message)
                    report.redactions += redacted.message.redactions.count
                    batch.append(redacted)
                } else {
                    batch.append(message)
                }
                lastLine = line.number
                if batch.count >= batchSize { try await flush() }
            }
        }
        try await flush()
        return report
    }

    private func parse(_ line: LineReader.Line, name: String) -> Result<IncomingMessage, InputError>? {
        switch line {
        case .tooLong(let number, let length):
            return .failure(InputError(source: name, line: number, reason: "line is \(length) bytes; the limit is \(maxLineBytes)"))
        case .text(let number, let bytes):
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
            return bytes.withUnsafeBufferPointer { format.message(from: $0, source: name, line: number) }
        }
    }

    private func forEachMessage(path: String, name: String, _ body: (Result<IncomingMessage, InputError>, Int) -> Void) throws {
        var reader = try LineReader(path: path, maxLineBytes: maxLineBytes)
        while let line = try reader.next() {
            if let result = parse(line, name: name) { body(result, line.number) }
        }
    }
}

extension Importer.FileReport {
    mutating func record(_ error: InputError) {
        rejected += 1
        if errors.count < Importer.maxReportedErrors { errors.append(error) }
    }
}
