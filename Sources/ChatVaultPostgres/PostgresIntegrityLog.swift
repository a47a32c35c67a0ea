import ChatVaultArchive
import ChatVaultCore
import Crypto
import Logging
import NIOCore
import PostgresNIO

/// Appends leaves to the integrity log inside one transaction and signs the result, as
/// the embedded store's log writer does, on PostgreSQL.
///
/// ``open(_:signer:logger:)`` first takes the log's advisory lock for the rest of the
/// transaction (`pg_advisory_xact_lock`), so one writer at a time extends the log across
/// every process on the database: a second importer waits, then reads the first one's
/// checkpoint. The frontier saved with the latest checkpoint is checked against its signed
/// root before anything is added, so a damaged log is never extended and re-signed. Record
/// ids (conversations, attachments, audit events, alerts) are the next after the largest,
/// taken under the same lock, so they match the embedded store's for the same history.
struct PostgresIntegrityLog {
    /// The advisory lock key of the integrity log ("CVLOGWRT" in ASCII).
    static let lockKey: Int64 = 0x4356_4C4F_4757_5254

    let connection: PostgresConnection
    let signer: CheckpointSigner
    let logger: Logger
    private(set) var frontier: MerkleFrontier
    private var pendingHashes: [UInt8] = []
    private var pendingOwners: [UInt8] = []
    private var firstPendingLeaf: Int
    private var nextIDs: [String: Int64] = [:]

    static func open(_ connection: PostgresConnection, signer: CheckpointSigner, logger: Logger) async throws -> PostgresIntegrityLog {
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        let frontier: MerkleFrontier
        if let latest = try await PostgresArchive.latestCheckpoint(connection, logger: logger) {
            guard latest.frontier.root == latest.checkpoint.root, latest.checkpoint.isSigned(by: signer.publicKey) else {
                throw ArchiveError.corrupt("the latest checkpoint does not match its saved state; run `chatvault verify`")
            }
            frontier = latest.frontier
        } else {
            frontier = MerkleFrontier()
        }
        var end = 0
        let rows = try await connection.query(
            "SELECT first_leaf + length(hashes) / 32 FROM log_blocks ORDER BY first_leaf DESC LIMIT 1", logger: logger)
        for try await value in rows.decode(Int64.self) { end = Int(value) }
        guard end == frontier.size else {
            throw ArchiveError.corrupt("the log has \(end) leaves but its latest checkpoint covers \(frontier.size); run `chatvault verify`")
        }
        return PostgresIntegrityLog(connection: connection, signer: signer, logger: logger, frontier: frontier)
    }

    private init(connection: PostgresConnection, signer: CheckpointSigner, logger: Logger, frontier: MerkleFrontier) {
        self.connection = connection
        self.signer = signer
        self.logger = logger
        self.frontier = frontier
        self.firstPendingLeaf = frontier.size
    }

    var size: Int { frontier.size }

    /// The next id of `table` (one of the record tables, never user input): one more than the largest.
    mutating func nextID(_ table: RecordTable) async throws -> Int64 {
        if let next = nextIDs[table.rawValue] {
            nextIDs[table.rawValue] = next + 1
            return next
        }
        var largest: Int64 = 0
        let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT coalesce(max(id), 0) FROM \(table.rawValue)"), logger: logger)
        for try await value in rows.decode(Int64.self) { largest = value }
        nextIDs[table.rawValue] = largest + 2
        return largest + 1
    }

    enum RecordTable: String {
        case conversations, blobs, audit_events, alerts
    }

    mutating func appendLeaf(kind: LeafKind, ref: Int64, record: [UInt8]) {
        let hash = MerkleTree.leafHash(record)
        pendingHashes.append(contentsOf: hash)
        pendingOwners.append(kind.rawValue)
        withUnsafeBytes(of: ref.bigEndian) { pendingOwners.append(contentsOf: $0) }
        frontier.append(hash)
    }

    mutating func appendConversation(platform: String, sourceID: String, name: String?, kind: Conversation.Kind) async throws -> Int64 {
        let id = try await nextID(.conversations)
        try await connection.query(
            """
            INSERT INTO conversations (id, leaf, platform, source_id, name, kind)
            VALUES (\(id), \(Int64(size)), \(platform), \(sourceID), \(name), \(kind.rawValue))
            """, logger: logger)
        appendLeaf(
            kind: .conversation, ref: id,
            record: CanonicalRecord.conversation(id: id, platform: platform, sourceID: sourceID, name: name, kind: kind.rawValue))
        return id
    }

    /// Stores an attachment's content once, by its hash; a second message sharing it adds nothing.
    /// Content that does not hash to its name is refused.
    mutating func appendBlob(sha256: String, content: [UInt8]) async throws {
        guard Array(SHA256.hash(data: content)).hexString == sha256 else {
            throw ArchiveError(.invalid, "attachment content does not match its SHA-256 \(sha256)")
        }
        let existing = try await connection.query("SELECT 1 FROM blobs WHERE sha256 = \(sha256)", logger: logger)
        for try await _ in existing { return }
        let id = try await nextID(.blobs)
        try await connection.query(
            """
            INSERT INTO blobs (id, sha256, size, leaf, content)
            VALUES (\(id), \(sha256), \(Int64(content.count)), \(Int64(size)), \(ByteBuffer(bytes: content)))
            """, logger: logger)
        appendLeaf(kind: .blob, ref: id, record: CanonicalRecord.blob(id: id, sha256: sha256, size: content.count))
    }

    mutating func appendAudit(action: String, actor: String, detail: JSONValue, at time: Timestamp) async throws -> AuditEvent {
        let detailText = detail.compactText
        let leaf = size
        let id = try await nextID(.audit_events)
        try await connection.query(
            """
            INSERT INTO audit_events (id, leaf, at, actor, action, detail)
            VALUES (\(id), \(Int64(leaf)), \(time.microseconds), \(actor), \(action), \(detailText))
            """, logger: logger)
        appendLeaf(
            kind: .audit, ref: id, record: CanonicalRecord.audit(id: id, at: time.microseconds, actor: actor, action: action, detail: detailText))
        return AuditEvent(id: id, leafIndex: leaf, time: time, actor: actor, action: action, detail: detail)
    }

    /// Writes the pending leaves and a signed checkpoint of the new tree.
    @discardableResult
    mutating func checkpoint(at time: Timestamp) async throws -> Checkpoint {
        if !pendingHashes.isEmpty {
            try await connection.query(
                """
                INSERT INTO log_blocks (first_leaf, hashes, owners)
                VALUES (\(Int64(firstPendingLeaf)), \(ByteBuffer(bytes: pendingHashes)), \(ByteBuffer(bytes: pendingOwners)))
                """, logger: logger)
            pendingHashes.removeAll()
            pendingOwners.removeAll()
            firstPendingLeaf = frontier.size
        }
        let checkpoint = try signer.sign(treeSize: frontier.size, root: frontier.root, time: time)
        try await connection.query(
            """
            INSERT INTO checkpoints (tree_size, root, at, origin, signature, frontier)
            VALUES (\(Int64(checkpoint.treeSize)), \(ByteBuffer(bytes: checkpoint.root)), \(time.microseconds), \(checkpoint.origin),
                \(ByteBuffer(bytes: checkpoint.signature)), \(ByteBuffer(bytes: frontier.serialized)))
            """, logger: logger)
        return checkpoint
    }
}
