public import ChatVaultArchive
public import ChatVaultCore
import Logging
import NIOCore
import PostgresNIO

/// The message store on PostgreSQL: messages, conversations, attachments (in the database,
/// `bytea`), the audit trail, alerts and the integrity log, with full-text search by
/// PostgreSQL's own `tsvector` and GIN index.
///
/// Records and leaves are encoded as the embedded store encodes them
/// (``CanonicalRecord``), so the same messages give the same Merkle root on both backends.
/// Every write runs in one transaction that first takes the log's advisory lock
/// (``PostgresIntegrityLog``): importers in several processes append one log, one batch
/// after the other, each ending with a signed checkpoint, and a batch is committed before
/// ``append(_:alerts:context:)`` returns.
public final class PostgresArchive: Archive {
    public let backend: PostgresBackend
    let signer: CheckpointSigner
    /// Company domains; a participant with an address outside them makes a conversation external.
    let internalDomains: Set<String>
    let clock: @Sendable () -> Timestamp

    /// A message store on `backend` (already migrated by ``PostgresBackend/open(_:migrator:startupParameters:logger:)``),
    /// signing checkpoints with the vault's `signer`.
    public init(
        backend: PostgresBackend, signer: CheckpointSigner, internalDomains: Set<String> = [],
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) {
        self.backend = backend
        self.signer = signer
        self.internalDomains = Set(internalDomains.map { $0.lowercased() })
        self.clock = clock
    }

    var logger: Logger { backend.logger }

    public func statistics() async throws -> ArchiveStatistics {
        let logger = logger
        return try await backend.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { connection in
            let rows = try await connection.query(
                """
                SELECT (SELECT count(*) FROM messages WHERE leaf IS NOT NULL), (SELECT count(*) FROM conversations),
                    (SELECT count(*) FROM audit_events)
                """, logger: logger)
            var counts: (Int64, Int64, Int64) = (0, 0, 0)
            for try await row in rows.decode((Int64, Int64, Int64).self) { counts = row }
            let latest = try await Self.latestCheckpoint(connection, logger: logger)?.checkpoint
            return ArchiveStatistics(
                messages: Int(counts.0), conversations: Int(counts.1), auditEvents: Int(counts.2), treeSize: latest?.treeSize ?? 0,
                latestCheckpoint: latest)
        }
    }

    /// The newest checkpoint and the frontier saved with it.
    static func latestCheckpoint(_ connection: PostgresConnection, logger: Logger) async throws
        -> (checkpoint: Checkpoint, frontier: MerkleFrontier)?
    {
        let rows = try await connection.query(
            "SELECT tree_size, root, at, origin, signature, frontier FROM checkpoints ORDER BY tree_size DESC LIMIT 1", logger: logger)
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let checkpoint = try checkpoint(cells)
            guard let frontier = MerkleFrontier(size: checkpoint.treeSize, serialized: try bytes(cells[5])) else {
                throw ArchiveError.corrupt("the latest checkpoint's saved frontier is damaged; run `chatvault verify`")
            }
            return (checkpoint, frontier)
        }
        return nil
    }

    /// A checkpoint from `tree_size, root, at, origin, signature`.
    static func checkpoint(_ cells: PostgresRandomAccessRow) throws -> Checkpoint {
        Checkpoint(
            origin: try cells[3].decode(String.self), treeSize: Int(try cells[0].decode(Int64.self)), root: try bytes(cells[1]),
            time: Timestamp(microseconds: try cells[2].decode(Int64.self)), signature: try bytes(cells[4]))
    }

    static func bytes(_ cell: PostgresCell) throws -> [UInt8] {
        Array(try cell.decode(ByteBuffer.self).readableBytesView)
    }

    func isExternal(_ handle: Handle) -> Bool {
        guard !internalDomains.isEmpty, let domain = handle.domain else { return false }
        return !internalDomains.contains(domain) && !internalDomains.contains(where: { domain.hasSuffix("." + $0) })
    }
}
