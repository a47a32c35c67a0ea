public import ChatVaultArchive
public import ChatVaultCore
import Foundation

/// Imports exports into an archive in durable batches.
///
/// A malformed entry is reported as `FILE:LINE: reason` and the rest of the export still
/// imports; in strict mode an export with any bad entry imports nothing. Each batch is
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
        /// What was stored, by kind (``EventKinds``): `messages`, `edits`, `deletes`,
        /// `reactions`, `joins`, `leaves`, `system`, `files`. Duplicates are not counted.
        public var kinds: [String: Int] = EventKinds.empty

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
    /// Evaluates the IM-use policy after redaction; `nil` uses the redaction stage's vault policy, if any.
    public var policy: PolicyStage?
    public var actor: String
    public var batchSize: Int
    public var strict: Bool
    public static let maxReportedErrors = 1000

    public init(
        archive: any Archive, redaction: RedactionStage?, policy: PolicyStage? = nil, actor: String, batchSize: Int = 5000, strict: Bool = false
    ) {
        self.archive = archive
        self.redaction = redaction
        self.policy = policy
        self.actor = actor
        self.batchSize = batchSize
        self.strict = strict
    }

    /// An importer that applies the vault's own policy file: its redaction part and, when
    /// it has rules, its IM-use part.
    public static func forVault(
        _ vault: Vault, archive: any Archive, actor: String, batchSize: Int = 5000, strict: Bool = false
    ) throws -> Importer {
        Importer(
            archive: archive, redaction: try RedactionStage.forVault(vault), policy: try PolicyStage.forVault(vault), actor: actor,
            batchSize: batchSize, strict: strict)
    }

    /// Imports one file and records what happened as an `archive.import` audit event,
    /// also when the file is refused as a whole (the refusal is rethrown after).
    public func importFile(
        _ path: String, format: any ImportFormat = ChatVaultJSONL(), progress: @Sendable (Progress) -> Void = { _ in }
    ) async throws -> FileReport {
        var report = FileReport(path: path)
        do {
            // One inflation budget for the file and every zip read while importing it.
            report = try await SafeZip.Budget.$current.withValue(SafeZip.Budget()) {
                try await importing(path, format: format, progress: progress)
            }
        } catch let refusal as InputError {
            report.record(refusal)
            try await recordSummary(of: report, format: format.name, refused: true)
            throw refusal
        }
        try await recordSummary(of: report, format: format.name, refused: false)
        return report
    }

    private func importing(
        _ path: String, format: any ImportFormat, progress: @Sendable (Progress) -> Void
    ) async throws -> FileReport {
        var report = FileReport(path: path)
        let name = path
        if strict {
            // Nothing from an export with a bad entry may be stored: read it through once first.
            let source = try format.open(path)
            while let item = try source.next() {
                if case .failure(let error) = item.result { report.record(error) }
            }
            if report.rejected > 0 { return report }
        }
        // Reading, parsing and redacting the next batch runs on the other core while the
        // archive makes the current one durable; batches still commit in file order.
        let source = BatchSource(try format.open(path))
        source.members = redaction.map { MemberTracker(base: $0, source: source.source) }
        var next = try await readBatch(from: source, name: name)
        while let batch = next {
            async let following = readBatch(from: source, name: name)
            for error in batch.errors { report.record(error) }
            report.redactions += batch.redactions
            if !batch.messages.isEmpty {
                let context = AppendContext(
                    actor: actor, source: "import:\(name):\(batch.firstLine)-\(batch.lastLine)", deliveredBy: "import:\(name)")
                // The policy is evaluated here, not while reading ahead: each batch decides on
                // the state the batch before it stored.
                let receipt =
                    if let policy {
                        try await policy.store(batch.messages, in: archive, context: context).receipt
                    } else {
                        try await archive.append(batch.messages, context: context)
                    }
                report.imported += receipt.stored
                report.duplicates += receipt.duplicates
                try await EventKinds.count(stored: receipt, of: batch.messages, in: archive, into: &report.kinds)
                progress(
                    Progress(
                        path: path, throughLine: batch.lastLine, stored: receipt.stored, duplicates: receipt.duplicates,
                        treeSize: receipt.checkpoint?.treeSize ?? 0))
            }
            next = try await following
        }
        return report
    }

    /// One batch ready for the archive, with the lines it covers and the errors met on the way.
    struct PreparedBatch: Sendable {
        var messages: [IncomingMessage] = []
        var errors: [InputError] = []
        var redactions = 0
        var firstLine: Int
        var lastLine: Int
    }

    /// Reads up to ``batchSize`` messages; `nil` at the end of the file.
    func readBatch(from source: BatchSource, name: String) async throws -> PreparedBatch? {
        var batch = PreparedBatch(firstLine: source.nextLine, lastLine: source.nextLine - 1)
        var read = false
        while batch.messages.count < batchSize, let item = try source.source.next() {
            // One entry can yield several events at the same position (a post and its
            // edit); a batch that starts on the second of them still covers that position.
            if !read { batch.firstLine = min(batch.firstLine, item.position) }
            read = true
            batch.lastLine = item.position
            switch item.result {
            case .failure(let error): batch.errors.append(error)
            case .success(let message):
                var prepared = message
                if let redaction {
                    try await redaction.preparePortions(for: message.message, archive: archive)
                    prepared = (source.members?.stage(for: message.message) ?? redaction).apply(to: message)
                    batch.redactions += prepared.message.redactions.count
                }
                batch.messages.append(prepared)
            }
        }
        guard read else { return nil }
        source.nextLine = batch.lastLine + 1
        return batch
    }

}

/// The file being imported, handed from one batch read to the next. Only one read runs
/// at a time (each waits for the previous one), so its state is never shared.
final class BatchSource: @unchecked Sendable {
    let source: any MessageSource
    var nextLine = 1
    /// The workspace's members met so far, whose names the redactor leaves in place.
    var members: MemberTracker?

    init(_ source: any MessageSource) {
        self.source = source
    }
}

extension Importer.FileReport {
    mutating func record(_ error: InputError) {
        rejected += 1
        if errors.count < Importer.maxReportedErrors { errors.append(error) }
    }
}
