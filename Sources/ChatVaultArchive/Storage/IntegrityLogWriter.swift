import ChatVaultCore
import Crypto
import Foundation
import GRDB

/// Appends leaves to the integrity log inside one transaction and signs the result.
///
/// The leaves of a transaction are written as one `log_blocks` row (their hashes, and
/// which record each one is), followed by a checkpoint signed over the new root. The
/// frontier saved with the previous checkpoint is checked against its signed root
/// before anything is added, so a damaged log is never extended and re-signed.
struct IntegrityLogWriter {
    let db: Database
    let signer: CheckpointSigner
    private(set) var frontier: MerkleFrontier
    private var pendingHashes: [UInt8] = []
    private var pendingOwners: [UInt8] = []
    private var firstPendingLeaf: Int

    init(db: Database, signer: CheckpointSigner) throws {
        self.db = db
        self.signer = signer
        if let latest = try Self.latestCheckpoint(db) {
            // The signature check (an Ed25519 verification and the frontier's root) is skipped
            // only for the very bytes this process last signed or verified: a checkpoint that
            // another process appended, or any changed byte of this one, is checked in full.
            let saved = latest.frontier.serialized
            if !signer.isKnownGood(latest.checkpoint, frontier: saved) {
                guard latest.frontier.root == latest.checkpoint.root, latest.checkpoint.isSigned(by: signer.publicKey) else {
                    throw ArchiveError.corrupt("the latest checkpoint does not match its saved state; run `chatvault verify`")
                }
                signer.remember(latest.checkpoint, frontier: saved)
            }
            frontier = latest.frontier
        } else {
            frontier = MerkleFrontier()
        }
        let end =
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT first_leaf + length(hashes) / 32 FROM log_blocks ORDER BY first_leaf DESC LIMIT 1")) ?? 0
        guard end == frontier.size else {
            throw ArchiveError.corrupt("the log has \(end) leaves but its latest checkpoint covers \(frontier.size); run `chatvault verify`")
        }
        firstPendingLeaf = frontier.size
    }

    var size: Int { frontier.size }

    /// ``SQLiteArchive/latestCheckpoint(_:)`` through a statement prepared once per
    /// connection: every append reads it, and preparing runs GRDB's authorizer per column.
    private static func latestCheckpoint(_ db: Database) throws -> (checkpoint: Checkpoint, frontier: MerkleFrontier)? {
        let statement = try db.cachedStatement(
            sql: "SELECT tree_size, root, at, origin, signature, frontier FROM checkpoints ORDER BY tree_size DESC LIMIT 1")
        guard let row = try Row.fetchOne(statement) else { return nil }
        let checkpoint = SQLiteArchive.checkpoint(from: row)
        guard let frontier = MerkleFrontier(size: checkpoint.treeSize, serialized: Array(row[5] as Data)) else {
            throw ArchiveError.corrupt("the latest checkpoint's saved frontier is damaged; run `chatvault verify`")
        }
        return (checkpoint, frontier)
    }

    mutating func appendLeaf(kind: LeafKind, ref: Int64, record: [UInt8]) {
        let hash = MerkleTree.leafHash(record)
        pendingHashes.append(contentsOf: hash)
        pendingOwners.append(kind.rawValue)
        withUnsafeBytes(of: ref.bigEndian) { pendingOwners.append(contentsOf: $0) }
        frontier.append(hash)
    }

    mutating func appendConversation(platform: String, sourceID: String, name: String?, kind: Conversation.Kind) throws -> Int64 {
        let insert = RawStatement(
            try db.cachedStatement(sql: "INSERT INTO conversations (leaf, platform, source_id, name, kind) VALUES (?, ?, ?, ?, ?)"), in: db)
        insert.bind(1, size)
        insert.bind(2, platform)
        insert.bind(3, sourceID)
        insert.bind(4, name)
        insert.bind(5, kind.rawValue)
        try insert.run()
        let id = db.lastInsertedRowID
        appendLeaf(
            kind: .conversation, ref: id,
            record: CanonicalRecord.conversation(id: id, platform: platform, sourceID: sourceID, name: name, kind: kind.rawValue))
        return id
    }

    /// Records an attachment's content hash once; a second message sharing it adds nothing.
    mutating func appendBlob(sha256: String, size: Int) throws {
        let insert = RawStatement(try db.cachedStatement(sql: "INSERT OR IGNORE INTO blobs (sha256, size, leaf) VALUES (?, ?, ?)"), in: db)
        insert.bind(1, sha256)
        insert.bind(2, size)
        insert.bind(3, self.size)
        try insert.run()
        guard db.changesCount > 0 else { return }
        let id = db.lastInsertedRowID
        appendLeaf(kind: .blob, ref: id, record: CanonicalRecord.blob(id: id, sha256: sha256, size: size))
    }

    /// Records that a message's content was disposed of; the message's own leaf stays.
    mutating func appendTombstone(messageID: Int64, messageLeaf: Int, at time: Timestamp, rule: String, disposition: Int64) throws {
        try db.execute(
            sql: "INSERT INTO tombstones (message_id, leaf, message_leaf, disposed_at, rule, disposition) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [messageID, size, messageLeaf, time.microseconds, rule, disposition])
        appendLeaf(
            kind: .tombstone, ref: messageID,
            record: CanonicalRecord.tombstone(
                messageID: messageID, messageLeaf: messageLeaf, at: time.microseconds, rule: rule, disposition: disposition))
    }

    mutating func appendAudit(action: String, actor: String, detail: JSONValue, at time: Timestamp) throws -> AuditEvent {
        let detailText = detail.compactText
        let leaf = size
        let insert = RawStatement(
            try db.cachedStatement(sql: "INSERT INTO audit_events (leaf, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)"), in: db)
        insert.bind(1, leaf)
        insert.bind(2, time.microseconds)
        insert.bind(3, actor)
        insert.bind(4, action)
        insert.bind(5, detailText)
        try insert.run()
        let id = db.lastInsertedRowID
        appendLeaf(
            kind: .audit, ref: id, record: CanonicalRecord.audit(id: id, at: time.microseconds, actor: actor, action: action, detail: detailText))
        return AuditEvent(id: id, leafIndex: leaf, time: time, actor: actor, action: action, detail: detail)
    }

    /// Writes the pending leaves and a signed checkpoint of the new tree.
    @discardableResult
    mutating func checkpoint(at time: Timestamp) throws -> Checkpoint {
        if !pendingHashes.isEmpty {
            try db.cachedStatement(sql: "INSERT INTO log_blocks (first_leaf, hashes, owners) VALUES (?, ?, ?)")
                .execute(arguments: [firstPendingLeaf, Data(pendingHashes), Data(pendingOwners)])
            pendingHashes.removeAll()
            pendingOwners.removeAll()
            firstPendingLeaf = frontier.size
        }
        let checkpoint = try signer.sign(treeSize: frontier.size, root: frontier.root, time: time)
        let saved = frontier.serialized
        try db.cachedStatement(sql: "INSERT INTO checkpoints (tree_size, root, at, origin, signature, frontier) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [
                checkpoint.treeSize, Data(checkpoint.root), time.microseconds, checkpoint.origin, Data(checkpoint.signature), Data(saved),
            ])
        signer.remember(checkpoint, frontier: saved)
        return checkpoint
    }
}
