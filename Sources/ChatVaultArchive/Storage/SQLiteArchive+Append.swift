public import ChatVaultCore
import Crypto
import Foundation
import GRDB

extension SQLiteArchive {
    public func append(_ batch: [IncomingMessage], context: AppendContext) async throws -> AppendReceipt {
        try await database.writeWithoutTransaction { db in
            var receipt: AppendReceipt!
            try db.inTransaction(.immediate) {
                var log = try IntegrityLogWriter(db: db, signer: self.signer)
                receipt = try self.append(batch, context: context, db: db, log: &log)
                return .commit
            }
            return receipt
        }
    }

    @discardableResult
    public func recordAudit(action: String, actor: String, detail: JSONValue) async throws -> AuditEvent {
        try await database.writeWithoutTransaction { db in
            var event: AuditEvent!
            try db.inTransaction(.immediate) {
                var log = try IntegrityLogWriter(db: db, signer: self.signer)
                event = try log.appendAudit(action: action, actor: actor, detail: detail, at: self.clock())
                try log.checkpoint(at: self.clock())
                return .commit
            }
            return event
        }
    }

    private func append(_ batch: [IncomingMessage], context: AppendContext, db: Database, log: inout IntegrityLogWriter) throws
        -> AppendReceipt
    {
        let findConversation = try db.cachedStatement(sql: "SELECT id FROM conversations WHERE platform = ? AND source_id = ?")
        let exists = try db.cachedStatement(sql: "SELECT 1 FROM messages WHERE conversation = ? AND source_id = ?")
        let maxIDInSlot = try db.cachedStatement(sql: "SELECT max(id) FROM messages WHERE id BETWEEN ? AND ?")
        let insertMessage = try db.cachedStatement(sql: "INSERT INTO messages (\(StoredMessage.columns)) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        let insertParticipant = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO participants (conversation, handle, display_name) VALUES (?, ?, ?)")
        let insertIndex = try db.cachedStatement(sql: "INSERT INTO message_index (rowid, body, meta) VALUES (?, ?, ?)")

        var conversationIDs: [String: Int64] = [:]
        var seen = Set<Message.DedupKey>()
        var seenParticipants = Set<String>()
        var stats: [Int64: (count: Int, first: Int64, last: Int64)] = [:]
        var externalConversations = Set<Int64>()
        var indexRows: [(id: Int64, body: String, meta: String)] = []
        var tokenCache: [String: String] = [:]
        var storedIDs: [Int64] = []
        var duplicates = 0
        indexRows.reserveCapacity(batch.count)

        for incoming in batch {
            let message = incoming.message
            guard seen.insert(message.dedupKey).inserted else {
                duplicates += 1
                continue
            }
            let conversationKey = message.platform + "\u{1F}" + message.conversation
            let conversationID: Int64
            if let known = conversationIDs[conversationKey] {
                conversationID = known
            } else if let found = try Int64.fetchOne(findConversation, arguments: [message.platform, message.conversation]) {
                conversationID = found
                conversationIDs[conversationKey] = found
            } else {
                conversationID = try log.appendConversation(
                    platform: message.platform, sourceID: message.conversation, name: incoming.conversationName,
                    kind: incoming.conversationKind ?? (message.recipients.count == 1 ? .direct : .group))
                conversationIDs[conversationKey] = conversationID
            }
            if try Bool.fetchOne(exists, arguments: [conversationID, message.sourceID]) != nil {
                duplicates += 1
                continue
            }

            let id = try Self.allocateID(sentAt: message.sentAt, maxIDInSlot: maxIDInSlot)
            let stored = StoredMessage(id: id, leaf: log.size, conversation: conversationID, message: message)
            try insertMessage.execute(arguments: stored.arguments)
            log.appendLeaf(
                kind: "message", ref: id, record: stored.canonicalBytes(platform: message.platform, conversationSourceID: message.conversation))
            storedIDs.append(id)

            for handle in [message.sender] + message.recipients where seenParticipants.insert("\(conversationID)\u{1F}\(handle.id)").inserted {
                try insertParticipant.execute(arguments: [conversationID, handle.id, handle.displayName])
                if isExternal(handle) { externalConversations.insert(conversationID) }
            }
            let sentAt = message.sentAt.microseconds
            if let s = stats[conversationID] {
                stats[conversationID] = (s.count + 1, min(s.first, sentAt), max(s.last, sentAt))
            } else {
                stats[conversationID] = (1, sentAt, sentAt)
            }
            indexRows.append(
                (id, Self.indexBody(message), Self.metaTokens(conversationID: conversationID, sender: message.sender, cache: &tokenCache)))
        }

        // FTS5 flushes its pending data whenever a rowid goes backwards; sorted inserts flush once.
        indexRows.sort { $0.id < $1.id }
        for row in indexRows {
            try insertIndex.execute(arguments: [row.id, row.body, row.meta])
        }
        let updateStats = try db.cachedStatement(
            sql: """
                UPDATE conversations SET message_count = message_count + ?,
                    first_at = min(coalesce(first_at, ?), ?), last_at = max(coalesce(last_at, ?), ?),
                    is_external = is_external OR ?
                WHERE id = ?
                """)
        for (conversationID, s) in stats {
            try updateStats.execute(arguments: [
                s.count, s.first, s.first, s.last, s.last, externalConversations.contains(conversationID), conversationID,
            ])
        }

        let detail = JSONValue.object([
            ("source", .string(context.source)), ("stored", .number(String(storedIDs.count))),
            ("duplicates", .number(String(duplicates))),
        ])
        let now = clock()
        _ = try log.appendAudit(action: "archive.append", actor: context.actor, detail: detail, at: now)
        let checkpoint = try log.checkpoint(at: now)
        return AppendReceipt(storedIDs: storedIDs, duplicates: duplicates, checkpoint: checkpoint)
    }

    func isExternal(_ handle: Handle) -> Bool {
        guard !internalDomains.isEmpty, let domain = handle.domain else { return false }
        return !internalDomains.contains(domain) && !internalDomains.contains(where: { domain.hasSuffix("." + $0) })
    }

    /// Ids are `millisecond << 12 | sequence`, so id order is sent order.
    static func allocateID(sentAt: Timestamp, maxIDInSlot: Statement) throws -> Int64 {
        var slot = sentAt.milliseconds << 12
        while true {
            let top = slot | 0xFFF
            guard let used = try Int64.fetchOne(maxIDInSlot, arguments: [slot, top]) else { return slot }
            if used < top { return used + 1 }
            slot = top + 1
        }
    }

    /// The normalised text that is indexed: the text and every earlier version of it.
    static func indexBody(_ message: Message) -> String {
        var body = SearchText.normalize(message.text)
        for earlier in message.editedFrom {
            body += "\n" + SearchText.normalize(earlier)
        }
        return body
    }

    /// Filter tokens: the conversation, and hashed tokens of the sender's id and name
    /// (hashed so any handle becomes exactly one token the tokenizer will not split).
    static func metaTokens(conversationID: Int64, sender: Handle, cache: inout [String: String]) -> String {
        let key = sender.id + "\u{1F}" + (sender.displayName ?? "")
        if let tokens = cache[key] { return "c\(conversationID) " + tokens }
        var tokens = senderToken(sender.id, kind: "h")
        if let name = sender.displayName, !name.isEmpty { tokens += " " + senderToken(name, kind: "n") }
        cache[key] = tokens
        return "c\(conversationID) " + tokens
    }

    static func senderToken(_ value: String, kind: Character) -> String {
        let digest = Array(SHA256.hash(data: Array(SearchText.normalize(value).utf8)))
        return "s\(kind)" + Array(digest.prefix(10)).hexString
    }
}

/// Appends leaves to the integrity log inside one transaction and signs the result.
struct IntegrityLogWriter {
    let db: Database
    let signer: CheckpointSigner
    private(set) var frontier: MerkleFrontier
    private var pendingLeaves: [(kind: String, ref: Int64, hash: Hash32)] = []

    init(db: Database, signer: CheckpointSigner) throws {
        self.db = db
        self.signer = signer
        let latest = try SQLiteArchive.latestCheckpoint(db)
        frontier = latest?.frontier ?? MerkleFrontier()
        let leafCount = try Int.fetchOne(db, sql: "SELECT coalesce(max(idx) + 1, 0) FROM leaves") ?? 0
        guard leafCount == frontier.size else {
            throw ArchiveError.corrupt("the log has \(leafCount) leaves but its latest checkpoint covers \(frontier.size); run `chatvault verify`")
        }
    }

    var size: Int { frontier.size }

    mutating func appendLeaf(kind: String, ref: Int64, record: [UInt8]) {
        let hash = MerkleTree.leafHash(record)
        pendingLeaves.append((kind, ref, hash))
        frontier.append(hash)
    }

    mutating func appendConversation(platform: String, sourceID: String, name: String?, kind: Conversation.Kind) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO conversations (leaf, platform, source_id, name, kind) VALUES (?, ?, ?, ?, ?)",
            arguments: [size, platform, sourceID, name, kind.rawValue])
        let id = db.lastInsertedRowID
        appendLeaf(
            kind: "conversation", ref: id,
            record: CanonicalRecord.conversation(id: id, platform: platform, sourceID: sourceID, name: name, kind: kind.rawValue))
        return id
    }

    mutating func appendAudit(action: String, actor: String, detail: JSONValue, at time: Timestamp) throws -> AuditEvent {
        let detailText = detail.compactText
        let leaf = size
        try db.execute(
            sql: "INSERT INTO audit_events (leaf, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
            arguments: [leaf, time.microseconds, actor, action, detailText])
        let id = db.lastInsertedRowID
        appendLeaf(
            kind: "audit", ref: id, record: CanonicalRecord.audit(id: id, at: time.microseconds, actor: actor, action: action, detail: detailText))
        return AuditEvent(id: id, leafIndex: leaf, time: time, actor: actor, action: action, detail: detail)
    }

    /// Writes the pending leaves and a signed checkpoint of the new tree.
    @discardableResult
    mutating func checkpoint(at time: Timestamp) throws -> Checkpoint {
        let insertLeaf = try db.cachedStatement(sql: "INSERT INTO leaves (idx, kind, ref, hash) VALUES (?, ?, ?, ?)")
        var index = frontier.size - pendingLeaves.count
        for leaf in pendingLeaves {
            try insertLeaf.execute(arguments: [index, leaf.kind, leaf.ref, Data(leaf.hash)])
            index += 1
        }
        pendingLeaves.removeAll()
        let checkpoint = try signer.sign(treeSize: frontier.size, root: frontier.root, time: time)
        try db.execute(
            sql: "INSERT INTO checkpoints (tree_size, root, at, origin, signature, frontier) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [
                checkpoint.treeSize, Data(checkpoint.root), time.microseconds, checkpoint.origin, Data(checkpoint.signature),
                Data(frontier.serialized),
            ])
        return checkpoint
    }
}
