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
        try await Self.refusingNUL {
            try await self.backend.transaction { connection in
                var log = try await PostgresIntegrityLog.open(connection, signer: self.signer, logger: self.logger)
                let current = try await PostgresPolicyStateStore.generation(connection, lock: true, logger: self.logger)
                if let policyState, policyState.basis != current { throw PolicyStateConflict(expected: policyState.basis, found: current) }
                let receipt = try await self.append(batch, alerts: alerts, context: context, log: &log)
                try await PostgresPolicyStateStore.store(policyState, storedMessages: receipt.stored > 0, connection, logger: self.logger)
                return receipt
            }
        }
    }

    /// Runs a write, reporting text PostgreSQL cannot hold (U+0000, which `text` refuses) as
    /// an ``ArchiveError`` with code `invalid`; the transaction has rolled back by then.
    static func refusingNUL<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.characterNotInRepertoire.raw {
            throw ArchiveError(
                .invalid,
                "the PostgreSQL store cannot hold text containing U+0000 (\(error.serverInfo?[.message] ?? "invalid text")); nothing was stored")
        }
    }

    @discardableResult
    public func recordAudit(action: String, actor: String, detail: JSONValue) async throws -> AuditEvent {
        try await Self.refusingNUL {
            try await self.recordAuditInTransaction(action: action, actor: actor, detail: detail)
        }
    }

    private func recordAuditInTransaction(action: String, actor: String, detail: JSONValue) async throws -> AuditEvent {
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
    /// event of the append and a checkpoint. What the batch needs from the database is read
    /// in a few statements first (under the log's lock nothing else adds messages), decided in
    /// memory, and written in multi-row statements.
    private func append(_ batch: [IncomingMessage], alerts: [Alert], context: AppendContext, log: inout PostgresIntegrityLog) async throws
        -> AppendReceipt
    {
        let connection = log.connection
        let logger = logger
        var conversations = try await Self.storedConversations(batch.map(\.message), connection, logger: logger)
        // Content stored under each key (the batch's keys and their derived ids), updated as the batch stores.
        var stored = try await Self.storedContent(
            of: batch.flatMap { [$0.message.dedupKey, $0.message.renamedForReusedID().dedupKey] }, connection, logger: logger)
        var slots = try await Self.usedSlots(batch.map { MessageID(slotOf: $0.message.sentAt).rawValue }, connection, logger: logger)
        var seen: [Message.DedupKey: Message] = [:]
        var renamedAlerts: [Message.DedupKey: Message.DedupKey] = [:]
        var seenParticipants = Set<ParticipantKey>()
        var participants: [(platform: String, conversation: String, handle: Handle)] = []
        var stats: [Int64: (count: Int64, first: Int64, last: Int64)] = [:]
        var externalConversations = Set<Int64>()
        var rows: [MessageInsert] = []
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
            let id = try await Self.allocateID(sentAt: message.sentAt, slots: &slots, connection, logger: logger)
            // The (platform, conversation, source_id) key is the deduplication: no row, no leaf.
            // An id stored with other content is stored under a derived id instead of being dropped.
            if let existing = stored[message.dedupKey] {
                guard existing.sender != message.sender.id || existing.text != message.text else {
                    duplicatePositions.append(position)
                    continue
                }
                let renamed = message.renamedForReusedID()
                renamedAlerts[incoming.message.dedupKey] = renamed.dedupKey
                message = renamed
                seen[message.dedupKey] = message
                guard stored[message.dedupKey] == nil else {
                    duplicatePositions.append(position)
                    continue
                }
            }
            stored[message.dedupKey] = (message.sender.id, message.text)
            slots[MessageID(millisecond: MessageID(rawValue: id).millisecond).rawValue] = id
            let external =
                conversation.external || externalConversations.contains(conversation.id) || isExternal(message.sender)
                || message.recipients.contains(where: isExternal)
            let row = PostgresMessageRow(id: id, leaf: log.size, conversation: conversation.id, message: message, deliveredBy: context.deliveredBy)
            rows.append(
                MessageInsert(
                    row: row, external: external, hasAttachments: !message.attachments.isEmpty,
                    hasAlert: alerted.contains(incoming.message.dedupKey), vector: PostgresTextSearch.vector(PostgresTextSearch.indexedText(incoming))
                ))
            log.appendLeaf(kind: .message, ref: id, record: row.canonicalBytes)
            storedIDs.append(id)

            for handle in CollectionOfOne(message.sender) + message.recipients
            where seenParticipants.insert(ParticipantKey(conversation: conversation.id, handle: handle.id)).inserted {
                participants.append((message.platform, message.conversation, handle))
                if isExternal(handle) { externalConversations.insert(conversation.id) }
            }
            let sentAt = message.sentAt.microseconds
            if let s = stats[conversation.id] {
                stats[conversation.id] = (s.count + 1, min(s.first, sentAt), max(s.last, sentAt))
            } else {
                stats[conversation.id] = (1, sentAt, sentAt)
            }
        }

        try await Self.insert(rows, connection, logger: logger)
        try await Self.insert(participants, connection, logger: logger)
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

    /// A message row to insert, with its search columns.
    struct MessageInsert {
        var row: PostgresMessageRow
        var external: Bool
        var hasAttachments: Bool
        var hasAlert: Bool
        var vector: String
    }

    /// Rows per multi-row statement: 29 values a message stay under PostgreSQL's 65,535 parameters.
    static let rowsPerStatement = 1000

    /// Inserts the batch's messages in multi-row statements. Every key was checked under the
    /// log's lock, so a conflict means another writer bypassed the lock: the batch is refused.
    static func insert(_ rows: [MessageInsert], _ connection: PostgresConnection, logger: Logger) async throws {
        for start in stride(from: 0, to: rows.count, by: rowsPerStatement) {
            let chunk = rows[start..<min(start + rowsPerStatement, rows.count)]
            var query = SearchSQL()
            let values = chunk.map { insert -> String in
                let row = insert.row
                let senderName = row.senderName.flatMap { $0.isEmpty ? nil : SearchText.normalize($0) }
                let placeholders = [
                    query.bind(row.id), query.bind(row.platform), query.bind(row.conversationSourceID), query.bind(row.sourceID),
                    query.bind(row.sender), query.bind(row.text), query.bind(Int64(row.leaf)), query.bind(row.conversation),
                    query.bind(row.kind), query.bind(optional: row.target), query.bind(optional: row.senderName), query.bind(row.recipients),
                    query.bind(row.sentAt), query.bind(optional: row.replyTo), query.bind(optional: row.thread), query.bind(row.editedFrom),
                    query.bind(row.deleted), query.bind(row.reactions), query.bind(row.attachments), query.bind(row.redactions),
                    query.bind(optional: row.deliveredBy), query.bind(SearchText.normalize(row.sender)), query.bind(optional: senderName),
                    query.bind(SearchText.normalize(row.platform)), query.bind(insert.external), query.bind(insert.hasAttachments),
                    query.bind(insert.hasAlert), query.bind(insert.vector) + "::tsvector",
                ]
                return "(" + placeholders.joined(separator: ", ") + ")"
            }
            query.sql = """
                INSERT INTO messages (
                    id, platform, conversation, source_id, sender, text, leaf, conversation_id, kind, target, sender_name, recipients,
                    sent_at, reply_to, thread, edited_from, deleted, reactions, attachments, redactions, delivered_by,
                    sender_key, sender_name_key, platform_key, is_external, has_attachments, has_alert, search)
                VALUES \(values.joined(separator: ", "))
                ON CONFLICT (platform, conversation, source_id) DO NOTHING
                RETURNING id
                """
            var inserted = 0
            for try await _ in try await connection.query(query.postgresQuery, logger: logger) { inserted += 1 }
            guard inserted == chunk.count else {
                throw ArchiveError.conflict("messages were stored by a writer outside the integrity log's lock; the batch was not stored")
            }
        }
    }

    /// Inserts the participants the batch met, once each.
    static func insert(_ participants: [(platform: String, conversation: String, handle: Handle)], _ connection: PostgresConnection, logger: Logger)
        async throws
    {
        for start in stride(from: 0, to: participants.count, by: rowsPerStatement) {
            var query = SearchSQL()
            let values = participants[start..<min(start + rowsPerStatement, participants.count)].map { p in
                "(\(query.bind(p.platform)), \(query.bind(p.conversation)), \(query.bind(p.handle.id)), \(query.bind(optional: p.handle.displayName)))"
            }
            query.sql =
                "INSERT INTO participants (platform, conversation, handle, display_name) VALUES \(values.joined(separator: ", ")) ON CONFLICT DO NOTHING"
            try await connection.query(query.postgresQuery, logger: logger)
        }
    }

    /// Ids are ``MessageID``s, so id order is sent order: the next free sequence of the
    /// message's millisecond, or of the next millisecond with one when it is full. `slots`
    /// holds the largest id used in each slot read so far (`nil`: none).
    static func allocateID(sentAt: Timestamp, slots: inout [Int64: Int64?], _ connection: PostgresConnection, logger: Logger) async throws
        -> Int64
    {
        var slot = MessageID(slotOf: sentAt).rawValue
        while true {
            let top = MessageID(rawValue: slot).lastInSlot.rawValue
            if slots[slot] == nil { slots.merge(try await usedSlots([slot], connection, logger: logger)) { $1 } }
            guard let used = slots[slot] ?? nil else { return slot }
            if used < top { return used + 1 }
            slot = top + 1
        }
    }

    /// The largest id stored in each of `slots` (`nil` for an empty slot).
    static func usedSlots(_ slots: [Int64], _ connection: PostgresConnection, logger: Logger) async throws -> [Int64: Int64?] {
        let distinct = Array(Set(slots))
        guard !distinct.isEmpty else { return [:] }
        var used: [Int64: Int64?] = [:]
        let rows = try await connection.query(
            """
            SELECT slot, (SELECT max(id) FROM messages WHERE id BETWEEN slot AND slot + \(MessageID.maxSequence))
            FROM unnest(\(distinct)::bigint[]) AS slot
            """, logger: logger)
        for try await (slot, largest) in rows.decode((Int64, Int64?).self) { used[slot] = .some(largest) }
        return used
    }

    /// The stored conversations of `messages`, by platform and id.
    static func storedConversations(_ messages: [Message], _ connection: PostgresConnection, logger: Logger) async throws
        -> [ConversationKey: (id: Int64, external: Bool)]
    {
        let keys = Array(Set(messages.map { ConversationKey(platform: $0.platform, sourceID: $0.conversation) }))
        var found: [ConversationKey: (id: Int64, external: Bool)] = [:]
        let rows = try await connection.query(
            """
            SELECT c.platform, c.source_id, c.id, c.is_external FROM conversations c
            JOIN unnest(\(keys.map(\.platform))::text[], \(keys.map(\.sourceID))::text[]) AS k (platform, source_id)
                ON c.platform = k.platform AND c.source_id = k.source_id
            """, logger: logger)
        for try await (platform, sourceID, id, external) in rows.decode((String, String, Int64, Bool).self) {
            found[ConversationKey(platform: platform, sourceID: sourceID)] = (id, external)
        }
        return found
    }

    /// The sender and text stored under each of `keys` that is stored.
    static func storedContent(of keys: [Message.DedupKey], _ connection: PostgresConnection, logger: Logger) async throws
        -> [Message.DedupKey: (sender: String, text: String)]
    {
        let distinct = Array(Set(keys))
        var found: [Message.DedupKey: (sender: String, text: String)] = [:]
        let rows = try await connection.query(
            """
            SELECT m.platform, m.conversation, m.source_id, m.sender, m.text FROM messages m
            JOIN unnest(\(distinct.map(\.platform))::text[], \(distinct.map(\.conversation))::text[], \(distinct.map(\.sourceID))::text[])
                AS k (platform, conversation, source_id)
                ON m.platform = k.platform AND m.conversation = k.conversation AND m.source_id = k.source_id
            """, logger: logger)
        for try await (platform, conversation, sourceID, sender, text) in rows.decode((String, String, String, String, String).self) {
            found[Message.DedupKey(platform: platform, conversation: conversation, sourceID: sourceID)] = (sender, text)
        }
        return found
    }
}

struct ConversationKey: Hashable {
    var platform: String
    var sourceID: String
}

private struct ParticipantKey: Hashable {
    var conversation: Int64
    var handle: String
}
