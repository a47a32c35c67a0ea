import ChatVaultCore
import Crypto
import Foundation
import GRDB

extension SQLiteArchive {
    /// Recomputes every leaf from its stored record, rebuilds the tree leaf by leaf and
    /// checks each checkpoint's root and signature along the way.
    public func verify(_ trust: VerificationTrust) async throws -> VerificationReport {
        let publicKey = try trust.publicKey.map { try Curve25519.Signing.PublicKey(rawRepresentation: $0) } ?? signer.publicKey
        let keyBytes = Array(publicKey.rawRepresentation)
        let origin = signer.origin
        return try await reading { db in
            try Self.verify(
                db: db, publicKey: try Curve25519.Signing.PublicKey(rawRepresentation: keyBytes), origin: origin, witnesses: trust.witnesses,
                blobs: self.blobs)
        }
    }

    static func verify(
        db: Database, publicKey: Curve25519.Signing.PublicKey, origin: String, witnesses: [Checkpoint], blobs: BlobStore?
    ) throws
        -> VerificationReport
    {
        var problems: [VerificationReport.Problem] = []
        func problem(_ kind: String, _ id: Int64?, _ leaf: Int?, _ reason: String) {
            // A damaged archive can have millions of bad rows; the first thousand say enough.
            if problems.count < 1000 { problems.append(.init(recordKind: kind, recordID: id, leafIndex: leaf, reason: reason)) }
        }

        let log = try LoadedLog(db: db)
        for gap in log.gaps { problem("log", nil, gap.lowerBound, "leaves \(gap.lowerBound)…\(gap.upperBound - 1) are missing") }
        var covered = [Bool](repeating: false, count: log.count)
        var records = 0
        var bytes = 0

        func check(_ kind: LeafKind, id: Int64, leaf: Int, canonical: [UInt8]) {
            records += 1
            bytes += canonical.count
            guard leaf >= 0, leaf < log.count else {
                problem(kind.name, id, leaf, "its leaf is not in the log")
                return
            }
            let owner = log.owner(leaf)
            if owner.kind != kind.rawValue || owner.ref != id {
                problem(kind.name, id, leaf, "the log's leaf \(leaf) belongs to another record")
            } else if !log.hash(leaf, equals: MerkleTree.leafHash(canonical)) {
                problem(kind.name, id, leaf, "stored record does not match its leaf hash (altered after it was written)")
            }
            covered[leaf] = true
        }

        var conversations: [Int64: [UInt8]] = [:]
        let conversationCursor = try Row.fetchCursor(
            db, sql: "SELECT id, leaf, CAST(platform AS BLOB), CAST(source_id AS BLOB), CAST(name AS BLOB), kind FROM conversations")
        while let row = try conversationCursor.next() {
            let id: Int64 = row[0]
            let platform = String(decoding: row[2] as Data, as: UTF8.self)
            let sourceID = String(decoding: row[3] as Data, as: UTF8.self)
            let name = (row[4] as Data?).map { String(decoding: $0, as: UTF8.self) }
            conversations[id] = CanonicalRecord.conversationFields(platform: platform, sourceID: sourceID)
            check(
                .conversation, id: id, leaf: row[1],
                canonical: CanonicalRecord.conversation(id: id, platform: platform, sourceID: sourceID, name: name, kind: row[5]))
        }

        var derived = DerivedData()
        let messages = RawStatement(try db.makeStatement(sql: "SELECT \(StoredMessage.columns) FROM messages"), in: db)
        while try messages.next() {
            let row = RawMessageRow(statement: messages)
            derived.observe(row)
            guard let conversation = conversations[row.conversation] else {
                problem("message", row.id, row.leaf, "its conversation \(row.conversation) is missing")
                continue
            }
            check(
                .message, id: row.id, leaf: row.leaf,
                canonical: CanonicalRecord.message(row, conversationFields: conversation))
        }

        let blobCursor = try Row.fetchCursor(db, sql: "SELECT id, leaf, sha256, size FROM blobs")
        while let row = try blobCursor.next() {
            let id: Int64 = row[0]
            let sha256: String = row[2]
            let size: Int = row[3]
            check(.blob, id: id, leaf: row[1], canonical: CanonicalRecord.blob(id: id, sha256: sha256, size: size))
            // The content itself: its name is its hash, so rehashing it proves it unchanged.
            guard let store = blobs else { continue }
            guard let content = try store.read(sha256) else {
                problem("attachment", id, row[1], "the content file \(sha256) is missing")
                continue
            }
            bytes += content.count
            if content.count != size || BlobStore.digest(content) != sha256 {
                problem("attachment", id, row[1], "the content file \(sha256) was altered")
            }
        }

        let auditCursor = try Row.fetchCursor(db, sql: "SELECT id, leaf, at, actor, action, detail FROM audit_events")
        while let row = try auditCursor.next() {
            let id: Int64 = row[0]
            check(.audit, id: id, leaf: row[1], canonical: CanonicalRecord.audit(id: id, at: row[2], actor: row[3], action: row[4], detail: row[5]))
        }

        let alertCursor = try Row.fetchCursor(
            db, sql: "SELECT id, leaf, message_id, rule, severity, action, policy_version, raised_at, detail FROM alerts")
        while let row = try alertCursor.next() {
            let id: Int64 = row[0]
            let alert = AlertRow(
                messageID: row[2], leaf: row[1], rule: row[3], severity: row[4], action: row[5], policyVersion: row[6], raisedAt: row[7],
                detail: row[8])
            check(.alert, id: id, leaf: alert.leaf, canonical: alert.canonical(id: id))
        }

        // Disposed messages: the tombstone is a leaf of its own, and it accounts for the
        // message's leaf, whose content retention removed.
        let tombstones = try Row.fetchCursor(db, sql: "SELECT message_id, leaf, message_leaf, disposed_at, rule, disposition FROM tombstones")
        while let row = try tombstones.next() {
            let messageID: Int64 = row[0]
            let messageLeaf: Int = row[2]
            check(
                .tombstone, id: messageID, leaf: row[1],
                canonical: CanonicalRecord.tombstone(messageID: messageID, messageLeaf: messageLeaf, at: row[3], rule: row[4], disposition: row[5]))
            if messageLeaf >= 0, messageLeaf < log.count {
                let owner = log.owner(messageLeaf)
                if owner.kind == LeafKind.message.rawValue && owner.ref == messageID {
                    if covered[messageLeaf] {
                        problem("message", messageID, messageLeaf, "is both disposed of and still stored")
                    }
                    covered[messageLeaf] = true
                } else {
                    problem("tombstone", messageID, messageLeaf, "names a leaf that is not its message's")
                }
            }
        }

        for leaf in 0..<log.count where !covered[leaf] && !log.isGap(leaf) {
            let owner = log.owner(leaf)
            problem(LeafKind(rawValue: owner.kind)?.name ?? "record", owner.ref, leaf, "the record was deleted")
        }

        var frontier = MerkleFrontier()
        var checkpoints = 0
        var lastSize = 0
        let checkpointCursor = try Row.fetchCursor(db, sql: "SELECT tree_size, root, at, origin, signature FROM checkpoints ORDER BY tree_size")
        while let row = try checkpointCursor.next() {
            let checkpoint = checkpoint(from: row)
            checkpoints += 1
            lastSize = checkpoint.treeSize
            guard checkpoint.treeSize <= log.count else {
                problem("checkpoint", Int64(checkpoint.treeSize), nil, "covers \(checkpoint.treeSize) leaves but the log has only \(log.count)")
                continue
            }
            while frontier.size < checkpoint.treeSize { frontier.append(log.hash(frontier.size)) }
            if !checkpoint.isSigned(by: publicKey) {
                problem("checkpoint", Int64(checkpoint.treeSize), nil, "signature is not valid for the vault's key")
            }
            if frontier.root != checkpoint.root {
                problem("checkpoint", Int64(checkpoint.treeSize), nil, "the log's leaves no longer produce the signed root")
            }
        }
        for witness in witnesses.sorted(by: { $0.treeSize < $1.treeSize }) {
            let name = "witnessed checkpoint"
            if witness.origin != origin {
                problem(name, Int64(witness.treeSize), nil, "was signed for \(witness.origin), not this vault (\(origin))")
            } else if !witness.isSigned(by: publicKey) {
                problem(name, Int64(witness.treeSize), nil, "its signature is not valid for the trusted key")
            } else if witness.treeSize > log.count {
                problem(
                    name, Int64(witness.treeSize), nil, "covers \(witness.treeSize) leaves but the log now has \(log.count): records were removed")
            } else if root(of: log, size: witness.treeSize) != witness.root {
                problem(name, Int64(witness.treeSize), nil, "the log no longer produces the witnessed root: it was rewritten")
            }
        }
        for derivedProblem in try derived.problems(db: db) { problem(derivedProblem.recordKind, derivedProblem.recordID, nil, derivedProblem.reason) }
        if lastSize < log.count {
            problem("log", nil, lastSize, "\(log.count - lastSize) leaves are not covered by any signed checkpoint")
        }
        return VerificationReport(
            leaves: log.count, recordsChecked: records, checkpointsChecked: checkpoints, bytesHashed: bytes, problems: problems)
    }

    static func root(of log: LoadedLog, size: Int) -> Hash32 {
        var frontier = MerkleFrontier()
        for leaf in 0..<size { frontier.append(log.hash(leaf)) }
        return frontier.root
    }

    public func inclusionProof(messageID: Int64) async throws -> InclusionProof {
        try await reading { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql:
                        "SELECT \(StoredMessage.selection(table: "m.")), c.platform, c.source_id FROM messages m JOIN conversations c ON c.id = m.conversation WHERE m.id = ?",
                    arguments: [messageID])
            else { throw ArchiveError.notFound("message \(messageID)") }
            let stored = StoredMessage(row: row)
            let record = stored.canonicalBytes(platform: row[StoredMessage.width], conversationSourceID: row[StoredMessage.width + 1])
            guard let latest = try Self.latestCheckpoint(db)?.checkpoint, latest.treeSize > stored.leaf else {
                throw ArchiveError.corrupt("no checkpoint covers message \(messageID)")
            }
            let log = try LoadedLog(db: db)
            guard log.gaps.isEmpty, log.count >= latest.treeSize else {
                throw ArchiveError.corrupt("leaves are missing from the log; run `chatvault verify`")
            }
            let hashes = (0..<latest.treeSize).map { log.hash($0) }
            let path = MerkleTree.inclusionPath(index: stored.leaf, leafHashes: hashes[...])
            return InclusionProof(
                recordKind: "message", recordID: stored.id, record: String(decoding: record, as: UTF8.self), leafIndex: stored.leaf,
                leafHash: hashes[stored.leaf], auditPath: path, checkpoint: latest)
        }
    }
}

extension SQLiteArchive {
    /// The canonical bytes of every stored message, for the benchmark's raw SHA-256 baseline.
    package func canonicalRecordsForBenchmark() throws -> [[UInt8]] {
        try readingNow { db in
            var conversations: [Int64: (String, String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, platform, source_id FROM conversations") {
                conversations[row[0]] = (row[1], row[2])
            }
            var records: [[UInt8]] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(StoredMessage.selection()) FROM messages")
            while let row = try cursor.next() {
                let stored = StoredMessage(row: row)
                let (platform, sourceID) = conversations[stored.conversation] ?? ("", "")
                records.append(stored.canonicalBytes(platform: platform, conversationSourceID: sourceID))
            }
            return records
        }
    }
}
