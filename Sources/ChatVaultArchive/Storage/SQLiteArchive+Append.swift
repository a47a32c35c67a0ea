public import ChatVaultCore
import Crypto
import Foundation
import GRDB

extension SQLiteArchive {
    public func append(_ batch: [IncomingMessage], alerts: [Alert], context: AppendContext) async throws -> AppendReceipt {
        try await append(batch, alerts: alerts, context: context, policyState: nil)
    }

    /// Stores a batch; with `policyState`, its policy state changes too, in the same transaction
    /// (refused with ``PolicyStateConflict`` when the state moved on since the batch was evaluated).
    func append(_ batch: [IncomingMessage], alerts: [Alert], context: AppendContext, policyState: PolicyStateDelta?) async throws
        -> AppendReceipt
    {
        // Attachment contents are on disk before any message that names them commits.
        let contents = batch.flatMap(\.contents)
        if !contents.isEmpty {
            guard let blobs else { throw ArchiveError(.unavailable, "this archive keeps no attachment contents") }
            for (sha256, bytes) in contents { try blobs.write(bytes, sha256: sha256) }
        }
        return try await database.writeWithoutTransaction { db in
            var receipt: AppendReceipt!
            try db.inTransaction(.immediate) {
                if let policyState { try Self.checkPolicyState(basis: policyState.basis, db: db) }
                var log = try IntegrityLogWriter(db: db, signer: self.signer)
                receipt = try self.append(batch, alerts: alerts, context: context, db: db, log: &log)
                try Self.storePolicyState(policyState, storedMessages: receipt.stored > 0, db: db)
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

    private func append(_ batch: [IncomingMessage], alerts: [Alert], context: AppendContext, db: Database, log: inout IntegrityLogWriter) throws
        -> AppendReceipt
    {
        let findConversation = RawStatement(
            try db.cachedStatement(sql: "SELECT id, is_external FROM conversations WHERE platform = ? AND source_id = ?"), in: db)
        let findStored = RawStatement(
            try db.cachedStatement(sql: "SELECT CAST(text AS BLOB), sender FROM messages WHERE conversation = ? AND source_id = ?"), in: db)
        let maxIDInSlot = RawStatement(try db.cachedStatement(sql: "SELECT max(id) FROM messages WHERE id BETWEEN ? AND ?"), in: db)
        let insertMessage = RawStatement(
            try db.cachedStatement(
                sql:
                    "INSERT INTO messages (\(StoredMessage.columns), index_flags) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (conversation, source_id) DO NOTHING"
            ), in: db)
        let insertParticipant = RawStatement(
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO participants (conversation, handle, display_name) VALUES (?, ?, ?)"), in: db)
        let insertIndex = RawStatement(try db.cachedStatement(sql: "INSERT INTO message_index (rowid, body, meta) VALUES (?, ?, ?)"), in: db)

        var conversationIDs: [ConversationKey: Int64] = [:]
        // What each key of this batch was stored with, to tell a re-read from an id reused for other content.
        var seen: [Message.DedupKey: Message] = [:]
        var knownExternal = Set<Int64>()
        var renamedAlerts: [Message.DedupKey: Message.DedupKey] = [:]
        var seenParticipants = Set<ParticipantKey>()
        var stats: [Int64: (count: Int, first: Int64, last: Int64)] = [:]
        var externalConversations = Set<Int64>()
        var indexRows: [(id: Int64, body: String, meta: String)] = []
        var tokenCache: [String: String] = [:]
        var storedIDs: [Int64] = []
        var duplicatePositions: [Int] = []
        indexRows.reserveCapacity(batch.count)
        storedIDs.reserveCapacity(batch.count)

        let alerted = Set(alerts.map(\.message))
        for (position, incoming) in batch.enumerated() {
            var message = incoming.message
            if let earlier = seen[message.dedupKey] {
                guard !earlier.hasSameContent(as: message) else {
                    duplicatePositions.append(position)
                    continue
                }
                // The same id with other content is another message, not a duplicate.
                let renamed = message.renamedForReusedID()
                renamedAlerts[message.dedupKey] = renamed.dedupKey
                message = renamed
                guard seen[message.dedupKey] == nil else {
                    duplicatePositions.append(position)
                    continue
                }
            }
            seen[message.dedupKey] = message
            let conversationKey = ConversationKey(platform: message.platform, sourceID: message.conversation)
            let conversationID: Int64
            if let known = conversationIDs[conversationKey] {
                conversationID = known
            } else {
                findConversation.bind(1, message.platform)
                findConversation.bind(2, message.conversation)
                let found = try findConversation.next() ? findConversation.int64(0) : nil
                if found != nil, findConversation.int64(1) != 0 { knownExternal.insert(found!) }
                findConversation.reset()
                if let found {
                    conversationID = found
                } else {
                    conversationID = try log.appendConversation(
                        platform: message.platform, sourceID: message.conversation, name: incoming.conversationName,
                        kind: incoming.conversationKind ?? (message.recipients.count == 1 ? .direct : .group))
                }
                conversationIDs[conversationKey] = conversationID
            }

            // Attachment records first: the message's leaf index is taken just below.
            for (sha256, bytes) in incoming.contents.sorted(by: { $0.key < $1.key }) {
                try log.appendBlob(sha256: sha256, size: bytes.count)
            }
            let id = try Self.allocateID(sentAt: message.sentAt, maxIDInSlot: maxIDInSlot)
            // A message counts as external when anyone in its conversation is: room messages name no recipients.
            let external =
                knownExternal.contains(conversationID) || externalConversations.contains(conversationID) || isExternal(message.sender)
                || message.recipients.contains(where: isExternal)
            var flags = Self.flagTokens(message, external: external, hasAlert: alerted.contains(incoming.message.dedupKey))
            var stored = StoredMessage(id: id, leaf: log.size, conversation: conversationID, message: message, deliveredBy: context.deliveredBy)
            stored.bind(to: insertMessage)
            insertMessage.bind(Int32(StoredMessage.width) + 1, flags)
            try insertMessage.run()
            // The unique (conversation, source_id) key is the deduplication: no row, no leaf. An
            // id the archive holds with other content (a client reusing ids, or someone trying
            // to shadow a message) is stored under a derived id instead of being dropped.
            if db.changesCount == 0 {
                findStored.bind(1, conversationID)
                findStored.bind(2, message.sourceID)
                let same = try findStored.next() ? message.hasSameContent(text: findStored.bytes(0), sender: findStored.bytes(1)) : true
                findStored.reset()
                if same {
                    duplicatePositions.append(position)
                    continue
                }
                let renamed = message.renamedForReusedID()
                renamedAlerts[incoming.message.dedupKey] = renamed.dedupKey
                message = renamed
                seen[message.dedupKey] = message
                stored = StoredMessage(id: id, leaf: log.size, conversation: conversationID, message: message, deliveredBy: context.deliveredBy)
                flags = Self.flagTokens(message, external: external, hasAlert: alerted.contains(incoming.message.dedupKey))
                stored.bind(to: insertMessage)
                insertMessage.bind(Int32(StoredMessage.width) + 1, flags)
                try insertMessage.run()
                if db.changesCount == 0 {
                    duplicatePositions.append(position)
                    continue
                }
            }
            log.appendLeaf(
                kind: .message, ref: id, record: stored.canonicalBytes(platform: message.platform, conversationSourceID: message.conversation))
            storedIDs.append(id)

            for handle in CollectionOfOne(message.sender) + message.recipients
            where seenParticipants.insert(ParticipantKey(conversation: conversationID, handle: handle.id)).inserted {
                insertParticipant.bind(1, conversationID)
                insertParticipant.bind(2, handle.id)
                insertParticipant.bind(3, handle.displayName)
                try insertParticipant.run()
                if isExternal(handle) { externalConversations.insert(conversationID) }
            }
            let sentAt = message.sentAt.microseconds
            if let s = stats[conversationID] {
                stats[conversationID] = (s.count + 1, min(s.first, sentAt), max(s.last, sentAt))
            } else {
                stats[conversationID] = (1, sentAt, sentAt)
            }
            if !incoming.attachmentText.isEmpty {
                try db.execute(
                    sql: "INSERT INTO message_extras (id, attachment_text) VALUES (?, ?)",
                    arguments: [id, incoming.attachmentText.joined(separator: "\n")])
            }
            indexRows.append(
                (id, Self.indexBody(incoming), Self.metaTokens(conversationID: conversationID, sender: message.sender, cache: &tokenCache) + flags))
        }

        // FTS5 flushes its pending data whenever a rowid goes backwards; sorted inserts flush once.
        indexRows.sort { $0.id < $1.id }
        for row in indexRows {
            insertIndex.bind(1, row.id)
            insertIndex.bind(2, row.body)
            insertIndex.bind(3, row.meta)
            try insertIndex.run()
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

        var alerts = alerts
        for index in alerts.indices { if let renamed = renamedAlerts[alerts[index].message] { alerts[index].message = renamed } }
        let alertIDs = alerts.isEmpty ? [] : try Self.storeAlerts(alerts, storedIDs: Set(storedIDs), db: db, log: &log)
        var detail = JSONValue.object([
            ("source", .string(context.source)), ("stored", .number(String(storedIDs.count))),
            ("duplicates", .number(String(duplicatePositions.count))),
        ])
        if !alertIDs.isEmpty, case .object(let fields) = detail { detail = .object(fields + [("alerts", .number(String(alertIDs.count)))]) }
        let now = clock()
        _ = try log.appendAudit(action: "archive.append", actor: context.actor, detail: detail, at: now)
        let checkpoint = try log.checkpoint(at: now)
        return AppendReceipt(
            storedIDs: storedIDs, duplicates: duplicatePositions.count, checkpoint: checkpoint, alertIDs: alertIDs,
            duplicatePositions: duplicatePositions)
    }

    func isExternal(_ handle: Handle) -> Bool {
        guard !internalDomains.isEmpty, let domain = handle.domain else { return false }
        return !internalDomains.contains(domain) && !internalDomains.contains(where: { domain.hasSuffix("." + $0) })
    }

    /// Ids are ``MessageID``s, so id order is sent order: the next free sequence of the
    /// message's millisecond, or of the next millisecond with one when it is full.
    static func allocateID(sentAt: Timestamp, maxIDInSlot: RawStatement) throws -> Int64 {
        var slot = MessageID(slotOf: sentAt).rawValue
        while true {
            let top = MessageID(rawValue: slot).lastInSlot.rawValue
            maxIDInSlot.bind(1, slot)
            maxIDInSlot.bind(2, top)
            let used: Int64? = try maxIDInSlot.next() && !maxIDInSlot.isNull(0) ? maxIDInSlot.int64(0) : nil
            maxIDInSlot.reset()
            guard let used else { return slot }
            if used < top { return used + 1 }
            slot = top + 1
        }
    }

    /// The normalised text that is indexed: the text, every earlier version of it, and
    /// the (redacted) text of its attachments.
    static func indexBody(_ incoming: IncomingMessage) -> String {
        var body = SearchText.normalize(incoming.message.text)
        for earlier in incoming.message.editedFrom + incoming.attachmentText {
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

    /// Filter tokens for the platform and the external / attachment / alert flags. They are
    /// stored with the message (`index_flags`) so that disposition removes exactly the entry
    /// that was indexed, whatever the configuration says by then.
    static func flagTokens(_ message: Message, external: Bool, hasAlert: Bool) -> String {
        var tokens = " " + Self.senderToken(message.platform, kind: "p")
        if external { tokens += " " + FlagToken.external.rawValue }
        if !message.attachments.isEmpty { tokens += " " + FlagToken.attachments.rawValue }
        if hasAlert { tokens += " " + FlagToken.alerts.rawValue }
        return tokens
    }

    static func senderToken(_ value: String, kind: Character) -> String {
        let digest = Array(SHA256.hash(data: Array(SearchText.normalize(value).utf8)))
        return "s\(kind)" + Array(digest.prefix(10)).hexString
    }
}

extension Message {
    /// Whether `other` is a re-read of this message rather than an id reused for something
    /// else: the same sender and text. Compared only when two share an id.
    package func hasSameContent(as other: Message) -> Bool { sender.id == other.sender.id && text == other.text }

    /// The same comparison against a stored row's text and sender bytes.
    func hasSameContent(text stored: UnsafeBufferPointer<UInt8>, sender storedSender: UnsafeBufferPointer<UInt8>) -> Bool {
        text.utf8.elementsEqual(stored) && sender.id.utf8.elementsEqual(storedSender)
    }

    /// The message under an id derived from its content, for an id the archive already
    /// holds with other content.
    package func renamedForReusedID() -> Message {
        var renamed = self
        let digest = SHA256.hash(data: Array(text.utf8) + [0] + Array(sender.id.utf8))
        renamed.sourceID = sourceID + "#" + Array(Array(digest).prefix(6)).hexString
        return renamed
    }
}

/// Index tokens of the message flags a search can filter on.
enum FlagToken: String {
    case external = "xext"
    case attachments = "xatt"
    case alerts = "xalr"
}

private struct ConversationKey: Hashable {
    var platform: String
    var sourceID: String
}

private struct ParticipantKey: Hashable {
    var conversation: Int64
    var handle: String
}
