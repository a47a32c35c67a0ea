import ChatVaultCore
import GRDB

/// An ``InclusionProofSession`` on the embedded store: the tree levels up to its checkpoint, built once.
public final class ProofSession: InclusionProofSession {
    public let checkpoint: Checkpoint
    let levels: MerkleLevels
    let archive: SQLiteArchive

    init(checkpoint: Checkpoint, levels: MerkleLevels, archive: SQLiteArchive) {
        self.checkpoint = checkpoint
        self.levels = levels
        self.archive = archive
    }

    /// Proofs of the given messages, in the order given; messages newer than the session's
    /// checkpoint cannot be proven by it and are an error.
    public func proofs(messageIDs: [Int64]) async throws -> [InclusionProof] {
        let latest = checkpoint
        let levels = levels
        return try await archive.reading { db in
            var proofs: [InclusionProof] = []
            proofs.reserveCapacity(messageIDs.count)
            for chunk in stride(from: 0, to: messageIDs.count, by: 500).map({ Array(messageIDs[$0..<min($0 + 500, messageIDs.count)]) }) {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(StoredMessage.selection(table: "m.")), c.platform, c.source_id
                        FROM messages m JOIN conversations c ON c.id = m.conversation
                        WHERE m.id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))
                        """,
                    arguments: StatementArguments(chunk))
                var byID: [Int64: InclusionProof] = [:]
                for row in rows {
                    let stored = StoredMessage(row: row)
                    guard stored.leaf < latest.treeSize else { continue }
                    let record = stored.canonicalBytes(platform: row[StoredMessage.width], conversationSourceID: row[StoredMessage.width + 1])
                    byID[stored.id] = InclusionProof(
                        recordKind: "message", recordID: stored.id, record: String(decoding: record, as: UTF8.self), leafIndex: stored.leaf,
                        leafHash: levels.levels[0][stored.leaf], auditPath: levels.inclusionPath(index: stored.leaf), checkpoint: latest)
                }
                for id in chunk {
                    if let proof = byID[id] { proofs.append(proof) }
                }
            }
            return proofs
        }
    }
}

extension SQLiteArchive: ProofSessionProviding {
    /// A proof session at the checkpoint of `treeSize` leaves, or at the latest one.
    public func proofSession(treeSize: Int?) async throws -> any InclusionProofSession {
        let (checkpoint, levels) = try await reading { db -> (Checkpoint, MerkleLevels) in
            let found: Checkpoint?
            if let treeSize {
                found = try Row.fetchOne(
                    db, sql: "SELECT tree_size, root, at, origin, signature FROM checkpoints WHERE tree_size = ?", arguments: [treeSize]
                ).map(Self.checkpoint(from:))
            } else {
                found = try Self.latestCheckpoint(db)?.checkpoint
            }
            guard let latest = found else { throw ArchiveError.notFound("a checkpoint of \(treeSize.map(String.init) ?? "any") leaves") }
            let log = try LoadedLog(db: db)
            guard log.gaps.isEmpty, log.count >= latest.treeSize else {
                throw ArchiveError.corrupt("leaves are missing from the log; run `chatvault verify`")
            }
            let levels = MerkleLevels(leafHashes: (0..<latest.treeSize).map { log.hash($0) })
            guard levels.root == latest.root else {
                throw ArchiveError.corrupt("the log does not produce the latest signed root; run `chatvault verify`")
            }
            return (latest, levels)
        }
        return ProofSession(checkpoint: checkpoint, levels: levels, archive: self)
    }
}

extension SQLiteArchive {
    public func messageIDs(platform: String?, conversation: String?, sourceID: String) async throws -> [Int64] {
        try await reading { db in
            var conditions = ["(m.source_id = ? OR substr(m.source_id, 1, ?) = ?)"]
            var arguments: [any DatabaseValueConvertible] = [sourceID, sourceID.count + 1, sourceID + "#"]
            if let platform {
                conditions.append("c.platform = ?")
                arguments.append(platform)
            }
            if let conversation {
                conditions.append("c.source_id = ?")
                arguments.append(conversation)
            }
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT m.id, m.source_id FROM messages m JOIN conversations c ON c.id = m.conversation WHERE \(conditions.joined(separator: " AND ")) ORDER BY m.id",
                arguments: StatementArguments(arguments))
            // A reused id is stored as `id#` + 12 hex digits; edits and deletions (`id#edit@…`) are other records.
            return rows.compactMap { row -> Int64? in
                let stored: String = row[1]
                let suffix = stored.dropFirst(sourceID.count + 1)
                guard stored == sourceID || (suffix.count == 12 && suffix.allSatisfy(\.isHexDigit)) else { return nil }
                return row[0]
            }
        }
    }
}
