public import ChatVaultArchive
public import ChatVaultCore
import Crypto
public import Foundation

/// Writes the messages a search selects to a folder in one of the ``ExportFormat``s,
/// with a manifest and an inclusion proof for every message, so the recipient can check
/// the export offline with `chatvault verify-export`.
///
/// Messages are read in pages by id (keyset paging) and written as they come, so an
/// export of millions of messages runs in bounded memory and reports progress.
public struct Exporter: Sendable {
    public typealias Source = any Archive & ProofSessionProviding

    public let archive: Source
    public var format: ExportFormat
    public var actor: String
    public var pageSize = 2000
    /// How often progress is made durable for `--resume`.
    public var checkpointEveryPages = 5
    /// Test hook: stop with an error at the first checkpoint after this many pages.
    package var interruptAfterPages: Int?

    public init(archive: Source, format: ExportFormat, actor: String) {
        self.archive = archive
        self.format = format
        self.actor = actor
    }

    public struct Summary: Sendable {
        public var messages: Int
        public var conversations: Int
        public var files: Int
        public var manifest: ExportManifest
    }

    public func run(
        _ selection: SearchRequest, description: [String: String], to directory: URL, resume: Bool = false,
        progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> Summary {
        let fileManager = FileManager.default
        var writer = ExportWriter(directory: directory, format: format)
        let session: any InclusionProofSession
        var resumed: ExportProgress?
        if resume {
            // Back to the last checkpoint: what was written after it is cut off, then the
            // pages before it are replayed without writing to rebuild the writer's state.
            let state = try ExportProgress.load(from: directory, format: format)
            try state.restore(directory)
            session = try await archive.proofSession(treeSize: state.treeSize)
            resumed = state
            writer.fileSizes = state.files
        } else {
            if fileManager.fileExists(atPath: directory.path), !((try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? []).isEmpty {
                throw ExportError("\(directory.path) is not empty; choose a new folder for the export, or --resume an interrupted one")
            }
            try PrivateFile.createDirectory(at: directory)
            session = try await archive.proofSession(treeSize: nil)
        }
        var request = selection
        request.order = .oldest
        request.limit = pageSize
        request.offset = 0
        var count = 0
        var pages = 0
        var labels: [String: ConversationLabel] = [:]
        while true {
            let page = try await archive.search(request)
            let ids = page.hits.map(\.message.id)
            guard let last = ids.last else { break }
            writer.replaying = resumed.map { last <= $0.afterID } ?? false
            // Messages stored after the session's checkpoint cannot be proven by it; the
            // export is the selection as of that checkpoint.
            let proofs = try await session.proofs(messageIDs: ids)
            for proof in proofs {
                guard let record = ExportRecord(record: proof.record) else { throw ExportError("message \(proof.recordID): unreadable record") }
                let label = format == .jsonl ? ConversationLabel(title: "", kind: nil) : try await label(of: record, cache: &labels)
                try await writer.add(record, proof: proof, conversation: label, attachment: { sha in try await archive.attachment(sha256: sha) })
            }
            count += proofs.count
            if let resumed, writer.replaying, last == resumed.afterID, count != resumed.count {
                throw ExportError(
                    "the archive changed since the export was interrupted (\(count) messages replayed, \(resumed.count) written); start a new export")
            }
            if !writer.replaying {
                pages += 1
                if pages % checkpointEveryPages == 0 {
                    try writer.flush()
                    try ExportProgress(
                        format: format.rawValue, afterID: last, count: count, treeSize: session.checkpoint.treeSize, files: writer.fileSizes
                    )
                    .save(to: directory)
                    if let limit = interruptAfterPages, pages >= limit { throw ExportError("interrupted after \(pages) pages (test hook)") }
                }
            }
            progress(count)
            if !page.hasMore { break }
            request.afterID = last
        }
        writer.replaying = false
        try await writer.finish(attachment: { sha in try await archive.attachment(sha256: sha) })

        var files: [ExportManifest.File] = []
        for path in writer.paths.sorted() {
            files.append(try ExportVerifier.describe(directory.appendingPathComponent(path), as: path))
        }
        let manifest = ExportManifest(
            exportFormat: format.rawValue, createdAt: Timestamp.now().iso8601, exportedBy: actor, selection: description, messages: count,
            conversations: writer.conversationCount, checkpoint: session.checkpoint, files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try PrivateFile.write(encoder.encode(manifest), to: directory.appendingPathComponent("manifest.json"))
        try? fileManager.removeItem(at: ExportProgress.url(in: directory))
        return Summary(messages: count, conversations: writer.conversationCount, files: files.count, manifest: manifest)
    }

    private func label(of record: ExportRecord, cache: inout [String: ConversationLabel]) async throws -> ConversationLabel {
        if let known = cache[record.conversationKey] { return known }
        let conversation = try await archive.conversations(matching: record.conversationKey).first?.conversation
        let label = ConversationLabel(title: conversation?.name ?? record.conversationKey, kind: conversation?.kind)
        cache[record.conversationKey] = label
        return label
    }
}

/// What a transcript says about a conversation besides its key: its name and kind.
struct ConversationLabel: Sendable {
    var title: String
    var kind: Conversation.Kind?
}

public struct ExportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
