public import ChatVaultArchive
import ChatVaultCore
import Logging
import PostgresNIO

/// An ``InclusionProofSession`` on PostgreSQL: the tree levels up to its checkpoint, built
/// once, so an export proves many messages without reading the log again.
public struct PostgresProofSession: InclusionProofSession {
    public let checkpoint: Checkpoint
    let levels: MerkleLevels
    let archive: PostgresArchive

    /// Proofs of the given messages, in the order given; messages newer than the session's
    /// checkpoint (or unknown) are left out, as on the embedded store.
    public func proofs(messageIDs: [Int64]) async throws -> [InclusionProof] {
        let checkpoint = checkpoint
        let levels = levels
        return try await archive.read { connection, logger in
            var proofs: [InclusionProof] = []
            proofs.reserveCapacity(messageIDs.count)
            for start in stride(from: 0, to: messageIDs.count, by: 1000) {
                let chunk = Array(messageIDs[start..<min(start + 1000, messageIDs.count)])
                let rows = try await PostgresArchive.messages(
                    """
                    SELECT \(unescaped: PostgresMessageRow.selection) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                    WHERE m.id = ANY(\(chunk)) AND m.leaf IS NOT NULL
                    """, connection, logger: logger)
                var byID: [Int64: InclusionProof] = [:]
                for row in rows where row.leaf < checkpoint.treeSize {
                    byID[row.id] = InclusionProof(
                        recordKind: "message", recordID: row.id, record: String(decoding: row.canonicalBytes, as: UTF8.self),
                        leafIndex: row.leaf, leafHash: levels.levels[0][row.leaf], auditPath: levels.inclusionPath(index: row.leaf),
                        checkpoint: checkpoint)
                }
                proofs.append(contentsOf: chunk.compactMap { byID[$0] })
            }
            return proofs
        }
    }
}

extension PostgresArchive: ProofSessionProviding {
    /// A proof session at the checkpoint of `treeSize` leaves, or at the latest one; the log
    /// must still produce that checkpoint's signed root.
    public func proofSession(treeSize: Int?) async throws -> any InclusionProofSession {
        let (checkpoint, levels) = try await read { connection, logger -> (Checkpoint, MerkleLevels) in
            let found: Checkpoint?
            if let treeSize {
                var atSize: Checkpoint?
                let rows = try await connection.query(
                    "SELECT tree_size, root, at, origin, signature FROM checkpoints WHERE tree_size = \(Int64(treeSize))", logger: logger)
                for try await row in rows { atSize = try Self.checkpoint(row.makeRandomAccess()) }
                found = atSize
            } else {
                found = try await Self.latestCheckpoint(connection, logger: logger)?.checkpoint
            }
            guard let checkpoint = found else { throw ArchiveError.notFound("a checkpoint of \(treeSize.map(String.init) ?? "any") leaves") }
            let log = try await PostgresLoadedLog.load(connection, logger: logger)
            guard log.gaps.isEmpty, log.count >= checkpoint.treeSize else {
                throw ArchiveError.corrupt("leaves are missing from the log; run `chatvault verify`")
            }
            let levels = MerkleLevels(leafHashes: (0..<checkpoint.treeSize).map(log.hash))
            guard levels.root == checkpoint.root else {
                throw ArchiveError.corrupt("the log does not produce the signed root; run `chatvault verify`")
            }
            return (checkpoint, levels)
        }
        return PostgresProofSession(checkpoint: checkpoint, levels: levels, archive: self)
    }
}
