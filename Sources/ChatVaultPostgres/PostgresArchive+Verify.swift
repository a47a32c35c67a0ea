public import ChatVaultArchive
import ChatVaultCore
import Crypto
import Logging
import NIOCore
import PostgresNIO

extension PostgresArchive {
    /// Recomputes every leaf from its stored record (the same canonical bytes as the
    /// embedded store), rebuilds the tree leaf by leaf and checks each checkpoint's root and
    /// signature along the way, in one snapshot of the database.
    public func verify(_ trust: VerificationTrust) async throws -> VerificationReport {
        let publicKeyBytes = trust.publicKey ?? Array(signer.publicKey.rawRepresentation)
        let origin = signer.origin
        let witnesses = trust.witnesses
        return try await read { connection, logger in
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes)
            var problems: [VerificationReport.Problem] = []
            func problem(_ kind: String, _ id: Int64?, _ leaf: Int?, _ reason: String) {
                // A damaged archive can have millions of bad rows; the first thousand say enough.
                if problems.count < 1000 { problems.append(.init(recordKind: kind, recordID: id, leafIndex: leaf, reason: reason)) }
            }
            let log = try await PostgresLoadedLog.load(connection, logger: logger)
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
                } else if log.hash(leaf) != MerkleTree.leafHash(canonical) {
                    problem(kind.name, id, leaf, "stored record does not match its leaf hash (altered after it was written)")
                }
                covered[leaf] = true
            }

            let conversations = try await connection.query("SELECT id, leaf, platform, source_id, name, kind FROM conversations", logger: logger)
            for try await (id, leaf, platform, sourceID, name, kind) in conversations.decode((Int64, Int64, String, String, String?, String).self) {
                check(
                    .conversation, id: id, leaf: Int(leaf),
                    canonical: CanonicalRecord.conversation(id: id, platform: platform, sourceID: sourceID, name: name, kind: kind))
            }
            // A message whose conversation row is gone is not joined: its leaf shows as deleted below.
            let messages = try await connection.query(
                """
                SELECT \(unescaped: PostgresMessageRow.selection) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.leaf IS NOT NULL
                """, logger: logger)
            for try await row in messages {
                let message = try PostgresMessageRow(row.makeRandomAccess())
                check(.message, id: message.id, leaf: message.leaf, canonical: message.canonicalBytes)
            }
            let blobs = try await connection.query(
                "SELECT id, leaf, sha256, size, encode(sha256(content), 'hex'), length(content) FROM blobs", logger: logger)
            for try await (id, leaf, sha256, size, contentHash, contentSize) in blobs.decode((Int64, Int64, String, Int64, String, Int32).self) {
                check(.blob, id: id, leaf: Int(leaf), canonical: CanonicalRecord.blob(id: id, sha256: sha256, size: Int(size)))
                bytes += Int(contentSize)
                // The content itself: its name is its hash, so rehashing it proves it unchanged.
                if Int64(contentSize) != size || contentHash != sha256 {
                    problem("attachment", id, Int(leaf), "the content of \(sha256) was altered")
                }
            }
            let audit = try await connection.query("SELECT id, leaf, at, actor, action, detail FROM audit_events", logger: logger)
            for try await (id, leaf, at, actor, action, detail) in audit.decode((Int64, Int64, Int64, String, String, String).self) {
                check(.audit, id: id, leaf: Int(leaf), canonical: CanonicalRecord.audit(id: id, at: at, actor: actor, action: action, detail: detail))
            }
            let alerts = try await connection.query(
                "SELECT id, leaf, message_id, rule, severity, action, policy_version, raised_at, detail FROM alerts", logger: logger)
            for try await row in alerts {
                let cells = row.makeRandomAccess()
                let id = try cells[0].decode(Int64.self)
                check(
                    .alert, id: id, leaf: Int(try cells[1].decode(Int64.self)),
                    canonical: CanonicalRecord.alert(
                        id: id, messageID: try cells[2].decode(Int64.self), rule: try cells[3].decode(String.self),
                        severity: try cells[4].decode(String.self), action: try cells[5].decode(String.self),
                        policyVersion: try cells[6].decode(String.self), raisedAt: try cells[7].decode(Int64.self),
                        detail: try cells[8].decode(String.self)))
            }
            for leaf in 0..<log.count where !covered[leaf] && !log.isGap(leaf) {
                let owner = log.owner(leaf)
                problem(LeafKind(rawValue: owner.kind)?.name ?? "record", owner.ref, leaf, "the record was deleted")
            }

            var frontier = MerkleFrontier()
            var checkpoints = 0
            var lastSize = 0
            let checkpointRows = try await connection.query(
                "SELECT tree_size, root, at, origin, signature FROM checkpoints ORDER BY tree_size", logger: logger)
            for try await row in checkpointRows {
                let checkpoint = try Self.checkpoint(row.makeRandomAccess())
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
                        name, Int64(witness.treeSize), nil,
                        "covers \(witness.treeSize) leaves but the log now has \(log.count): records were removed")
                } else if MerkleTree.root(ofLeafHashes: (0..<witness.treeSize).map(log.hash)) != witness.root {
                    problem(name, Int64(witness.treeSize), nil, "the log no longer produces the witnessed root: it was rewritten")
                }
            }
            for derived in try await Self.derivedDataProblems(connection, logger: logger) {
                problem(derived.recordKind, derived.recordID, nil, derived.reason)
            }
            if lastSize < log.count {
                problem("log", nil, lastSize, "\(log.count - lastSize) leaves are not covered by any signed checkpoint")
            }
            return VerificationReport(
                leaves: log.count, recordsChecked: records, checkpointsChecked: checkpoints, bytesHashed: bytes, problems: problems)
        }
    }

    public func inclusionProof(messageID: Int64) async throws -> InclusionProof {
        try await read { connection, logger in
            guard
                let message = try await Self.messages(
                    """
                    SELECT \(unescaped: PostgresMessageRow.selection) FROM messages m JOIN conversations c ON c.id = m.conversation_id
                    WHERE m.id = \(messageID) AND m.leaf IS NOT NULL
                    """, connection, logger: logger
                ).first
            else { throw ArchiveError.notFound("message \(messageID)") }
            guard let latest = try await Self.latestCheckpoint(connection, logger: logger)?.checkpoint, latest.treeSize > message.leaf else {
                throw ArchiveError.corrupt("no checkpoint covers message \(messageID)")
            }
            let log = try await PostgresLoadedLog.load(connection, logger: logger)
            guard log.gaps.isEmpty, log.count >= latest.treeSize else {
                throw ArchiveError.corrupt("leaves are missing from the log; run `chatvault verify`")
            }
            let hashes = (0..<latest.treeSize).map(log.hash)
            return InclusionProof(
                recordKind: "message", recordID: message.id, record: String(decoding: message.canonicalBytes, as: UTF8.self),
                leafIndex: message.leaf, leafHash: hashes[message.leaf],
                auditPath: MerkleTree.inclusionPath(index: message.leaf, leafHashes: hashes[...]), checkpoint: latest)
        }
    }
}

extension PostgresArchive {
    /// What is derived from messages and not hashed itself, checked as the embedded store
    /// checks it: every message has its search vector, each conversation's counters match its
    /// messages, and every sender is a participant of its conversation.
    static func derivedDataProblems(_ connection: PostgresConnection, logger: Logger) async throws -> [VerificationReport.Problem] {
        var problems: [VerificationReport.Problem] = []
        let unindexed = try await connection.query(
            "SELECT id FROM messages WHERE leaf IS NOT NULL AND search IS NULL ORDER BY id LIMIT 300", logger: logger)
        for try await id in unindexed.decode(Int64.self) {
            problems.append(
                .init(recordKind: "message", recordID: id, leafIndex: nil, reason: "missing from the search index (it would not be found)"))
        }
        let counters = try await connection.query(
            """
            SELECT c.id FROM conversations c LEFT JOIN (
                SELECT conversation_id, count(*) AS n, min(sent_at) AS first, max(sent_at) AS last
                FROM messages WHERE leaf IS NOT NULL GROUP BY conversation_id) m ON m.conversation_id = c.id
            WHERE c.message_count <> coalesce(m.n, 0) OR c.first_at IS DISTINCT FROM m.first OR c.last_at IS DISTINCT FROM m.last
            ORDER BY c.id LIMIT 300
            """, logger: logger)
        for try await id in counters.decode(Int64.self) {
            problems.append(
                .init(recordKind: "conversation", recordID: id, leafIndex: nil, reason: "its message count or dates do not match its messages"))
        }
        let senders = try await connection.query(
            """
            SELECT count(DISTINCT (m.platform, m.conversation, m.sender)) FROM messages m
            WHERE m.leaf IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM participants p WHERE p.platform = m.platform AND p.conversation = m.conversation AND p.handle = m.sender)
            """, logger: logger)
        for try await missing in senders.decode(Int64.self) where missing > 0 {
            problems.append(
                .init(
                    recordKind: "conversation", recordID: nil, leafIndex: nil,
                    reason: "\(missing) senders are missing from their conversations' participant lists"))
        }
        return problems
    }
}

/// The integrity log read into memory: every leaf hash and which record it is.
struct PostgresLoadedLog {
    private(set) var hashes: [UInt8] = []
    private(set) var owners: [UInt8] = []
    /// Leaf ranges with no block (deleted rows of `log_blocks`); filled with zero hashes.
    private(set) var gaps: [Range<Int>] = []

    static func load(_ connection: PostgresConnection, logger: Logger) async throws -> PostgresLoadedLog {
        var log = PostgresLoadedLog()
        let rows = try await connection.query("SELECT first_leaf, hashes, owners FROM log_blocks ORDER BY first_leaf", logger: logger)
        for try await (first, blockHashes, blockOwners) in rows.decode((Int64, ByteBuffer, ByteBuffer).self) {
            let first = Int(first)
            if first > log.count {
                log.gaps.append(log.count..<first)
                log.hashes.append(contentsOf: [UInt8](repeating: 0, count: (first - log.count) * 32))
                log.owners.append(contentsOf: [UInt8](repeating: 0, count: (first - log.count) * 9))
            }
            let leaves = min(blockHashes.readableBytes / 32, blockOwners.readableBytes / 9)
            // An overlapping block cannot be placed; verify then reports the leaves it lacks.
            guard first == log.count else { continue }
            log.hashes.append(contentsOf: blockHashes.readableBytesView.prefix(leaves * 32))
            log.owners.append(contentsOf: blockOwners.readableBytesView.prefix(leaves * 9))
        }
        return log
    }

    var count: Int { hashes.count / 32 }

    func hash(_ leaf: Int) -> [UInt8] { Array(hashes[leaf * 32..<leaf * 32 + 32]) }

    func owner(_ leaf: Int) -> (kind: UInt8, ref: Int64) {
        let base = leaf * 9
        var ref: Int64 = 0
        for offset in 1...8 { ref = ref << 8 | Int64(owners[base + offset]) }
        return (owners[base], ref)
    }

    func isGap(_ leaf: Int) -> Bool { gaps.contains { $0.contains(leaf) } }
}
