public import ChatVaultArchive
public import ChatVaultCore
import Logging
import PostgresNIO

extension PostgresArchive {
    public func append(_ batch: [IncomingMessage], alerts: [Alert], context: AppendContext) async throws -> AppendReceipt {
        try await append(batch, alerts: alerts, context: context, policyState: nil)
    }

    /// Stores a batch; with `policyState`, its policy state changes too, in the same transaction
    /// (refused with ``PolicyStateConflict`` when the state moved on since the batch was evaluated).
    /// Locks in one order, the log's advisory lock and then the generation row, so writers
    /// never deadlock; a batch that stores messages raises the generation, as on SQLite.
    func append(_ batch: [IncomingMessage], alerts: [Alert], context: AppendContext, policyState: PolicyStateDelta?) async throws
        -> AppendReceipt
    {
        try await backend.transaction { connection in
            var log = try await PostgresIntegrityLog.open(connection, signer: self.signer, logger: self.logger)
            let current = try await PostgresPolicyStateStore.generation(connection, lock: true, logger: self.logger)
            if let policyState, policyState.basis != current { throw PolicyStateConflict(expected: policyState.basis, found: current) }
            let receipt = try await self.append(batch, alerts: alerts, context: context, log: &log)
            try await PostgresPolicyStateStore.store(policyState, storedMessages: receipt.stored > 0, connection, logger: self.logger)
            return receipt
        }
    }

    @discardableResult
    public func recordAudit(action: String, actor: String, detail: JSONValue) async throws -> AuditEvent {
        try await backend.transaction { connection in
            var log = try await PostgresIntegrityLog.open(connection, signer: self.signer, logger: self.logger)
            let event = try await log.appendAudit(action: action, actor: actor, detail: detail, at: self.clock())
            try await log.checkpoint(at: self.clock())
            return event
        }
    }

    /// The batch in the open transaction of `log`, with the same rules and in the same order
    /// of leaves as the embedded store: a conversation's record before its first message, an
    /// attachment's before the message naming it, alerts after the messages, then the audit
    /// event of the append and a checkpoint.
    private func append(_ batch: [IncomingMessage], alerts: [Alert], context: AppendContext, log: inout PostgresIntegrityLog) async throws
        -> AppendReceipt
    {
        let connection = log.connection
        let logger = logger
        var conversations: [ConversationKey: (id: Int64, external: Bool)] = [:]
        var seen: [Message.DedupKey: Message] = [:]
        var renamedAlerts: [Message.DedupKey: Message.DedupKey] = [:]
        var seenParticipants = Set<ParticipantKey>()
        var stats: [Int64: (count: Int64, first: Int64, last: Int64)] = [:]
        var externalConversations = Set<Int64>()
        var slots: [Int64: Int64] = [:]
        var storedIDs: [Int64] = []
        var duplicatePositions: [Int] = []
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
            let key = ConversationKey(platform: message.platform, sourceID: message.conversation)
            let conversation: (id: Int64, external: Bool)
            if let known = conversations[key] {
                conversation = known
            } else if let found = try await Self.conversation(platform: key.platform, sourceID: key.sourceID, connection, logger: logger) {
                conversation = found
                conversations[key] = found
            } else {
                let id = try await log.appendConversation(
                    platform: message.platform, sourceID: message.conversation, name: incoming.conversationName,
                    kind: incoming.conversationKind ?? (message.recipients.count == 1 ? .direct : .group))
                conversation = (id, false)
                conversations[key] = conversation
            }

            // Attachment records first: the message's leaf index is taken just below.
            for (sha256, bytes) in incoming.contents.sorted(by: { $0.key < $1.key }) {
                try await log.appendBlob(sha256: sha256, content: bytes)
            }
            let external =
                conversation.external || externalConversations.contains(conversation.id) || isExternal(message.sender)
                || message.recipients.contains(where: isExternal)
            let hasAlert = alerted.contains(incoming.message.dedupKey)
            var stored = try await insert(
                message, incoming: incoming, conversation: conversation.id, external: external, hasAlert: hasAlert, context: context,
                slots: &slots, log: log)
            if stored == nil {
                // The unique (platform, conversation, source_id) key is the deduplication: no row,
                // no leaf. An id stored with other content is stored under a derived id.
                let existing = try await Self.storedContent(of: message.dedupKey, connection, logger: logger)
                if existing.map({ $0.sender == message.sender.id && $0.text == message.text }) ?? true {
                    duplicatePositions.append(position)
                    continue
                }
                let renamed = message.renamedForReusedID()
                renamedAlerts[incoming.message.dedupKey] = renamed.dedupKey
                message = renamed
                seen[message.dedupKey] = message
                stored = try await insert(
                    message, incoming: incoming, conversation: conversation.id, external: external, hasAlert: hasAlert, context: context,
                    slots: &slots, log: log)
                guard stored != nil else {
                    duplicatePositions.append(position)
                    continue
                }
            }
            guard let stored else { continue }
            log.appendLeaf(kind: .message, ref: stored.id, record: stored.canonicalBytes)
            storedIDs.append(stored.id)

            for handle in CollectionOfOne(message.sender) + message.recipients
            where seenParticipants.insert(ParticipantKey(conversation: conversation.id, handle: handle.id)).inserted {
                try await connection.query(
                    """
                    INSERT INTO participants (platform, conversation, handle, display_name)
                    VALUES (\(message.platform), \(message.conversation), \(handle.id), \(handle.displayName))
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                if isExternal(handle) { externalConversations.insert(conversation.id) }
            }
            let sentAt = message.sentAt.microseconds
            if let s = stats[conversation.id] {
                stats[conversation.id] = (s.count + 1, min(s.first, sentAt), max(s.last, sentAt))
            } else {
                stats[conversation.id] = (1, sentAt, sentAt)
            }
        }

        for (id, s) in stats.sorted(by: { $0.key < $1.key }) {
            try await connection.query(
                """
                UPDATE conversations SET message_count = message_count + \(s.count),
                    first_at = least(coalesce(first_at, \(s.first)), \(s.first)), last_at = greatest(coalesce(last_at, \(s.last)), \(s.last)),
                    is_external = is_external OR \(externalConversations.contains(id))
                WHERE id = \(id)
                """, logger: logger)
        }

        var alerts = alerts
        for index in alerts.indices { if let renamed = renamedAlerts[alerts[index].message] { alerts[index].message = renamed } }
        let alertIDs = try await storeAlerts(alerts, storedIDs: Set(storedIDs), log: &log)
        var fields: [(String, JSONValue)] = [
            ("source", .string(context.source)), ("stored", .number(String(storedIDs.count))),
            ("duplicates", .number(String(duplicatePositions.count))),
        ]
        if !alertIDs.isEmpty { fields.append(("alerts", .number(String(alertIDs.count)))) }
        let now = clock()
        _ = try await log.appendAudit(action: "archive.append", actor: context.actor, detail: .object(fields), at: now)
        let checkpoint = try await log.checkpoint(at: now)
        return AppendReceipt(
            storedIDs: storedIDs, duplicates: duplicatePositions.count, checkpoint: checkpoint, alertIDs: alertIDs,
            duplicatePositions: duplicatePositions)
    }

    /// Inserts `message` under a new ``MessageID`` at the log's next leaf; `nil` when its key is already stored.
    private func insert(
        _ message: Message, incoming: IncomingMessage, conversation: Int64, external: Bool, hasAlert: Bool, context: AppendContext,
        slots: inout [Int64: Int64], log: PostgresIntegrityLog
    ) async throws -> PostgresMessageRow? {
        let id = try await Self.allocateID(sentAt: message.sentAt, slots: &slots, log.connection, logger: logger)
        let row = PostgresMessageRow(
            id: id, leaf: log.size, conversation: conversation, message: message, deliveredBy: context.deliveredBy)
        let senderName = message.sender.displayName.flatMap { $0.isEmpty ? nil : SearchText.normalize($0) }
        let vector = PostgresTextSearch.vector(PostgresTextSearch.indexedText(incoming))
        let rows = try await log.connection.query(
            """
            INSERT INTO messages (
                id, platform, conversation, source_id, sender, text, leaf, conversation_id, kind, target, sender_name, recipients,
                sent_at, reply_to, thread, edited_from, deleted, reactions, attachments, redactions, delivered_by,
                sender_key, sender_name_key, platform_key, is_external, has_attachments, has_alert, search)
            VALUES (
                \(id), \(message.platform), \(message.conversation), \(row.sourceID), \(row.sender), \(row.text), \(Int64(row.leaf)),
                \(conversation), \(row.kind), \(row.target), \(row.senderName), \(row.recipients), \(row.sentAt), \(row.replyTo),
                \(row.thread), \(row.editedFrom), \(row.deleted), \(row.reactions), \(row.attachments), \(row.redactions),
                \(row.deliveredBy), \(SearchText.normalize(message.sender.id)), \(senderName), \(SearchText.normalize(message.platform)),
                \(external), \(!message.attachments.isEmpty), \(hasAlert), \(vector)::tsvector)
            ON CONFLICT (platform, conversation, source_id) DO NOTHING
            RETURNING id
            """, logger: logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        guard inserted else { return nil }
        slots[MessageID(millisecond: MessageID(rawValue: id).millisecond).rawValue] = id
        return row
    }

    /// Ids are ``MessageID``s, so id order is sent order: the next free sequence of the
    /// message's millisecond, or of the next millisecond with one when it is full.
    static func allocateID(sentAt: Timestamp, slots: inout [Int64: Int64], _ connection: PostgresConnection, logger: Logger) async throws
        -> Int64
    {
        var slot = MessageID(slotOf: sentAt).rawValue
        while true {
            let top = MessageID(rawValue: slot).lastInSlot.rawValue
            var used: Int64? = slots[slot]
            if used == nil {
                let rows = try await connection.query("SELECT max(id) FROM messages WHERE id BETWEEN \(slot) AND \(top)", logger: logger)
                for try await value in rows.decode(Int64?.self) { used = value }
            }
            guard let used else { return slot }
            if used < top { return used + 1 }
            slot = top + 1
        }
    }

    static func conversation(platform: String, sourceID: String, _ connection: PostgresConnection, logger: Logger) async throws
        -> (id: Int64, external: Bool)?
    {
        let rows = try await connection.query(
            "SELECT id, is_external FROM conversations WHERE platform = \(platform) AND source_id = \(sourceID)", logger: logger)
        for try await row in rows.decode((Int64, Bool).self) { return row }
        return nil
    }

    static func storedContent(of key: Message.DedupKey, _ connection: PostgresConnection, logger: Logger) async throws
        -> (sender: String, text: String)?
    {
        let rows = try await connection.query(
            """
            SELECT sender, text FROM messages
            WHERE platform = \(key.platform) AND conversation = \(key.conversation) AND source_id = \(key.sourceID)
            """, logger: logger)
        for try await row in rows.decode((String, String).self) { return row }
        return nil
    }
}

private struct ConversationKey: Hashable {
    var platform: String
    var sourceID: String
}

private struct ParticipantKey: Hashable {
    var conversation: Int64
    var handle: String
}
