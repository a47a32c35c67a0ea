public import ChatVaultArchive
public import ChatVaultCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresArchive {
    static let conversationColumns = "id, platform, source_id, name, kind, is_external, message_count, first_at, last_at"

    /// Runs `body` in a read-only transaction, so a read made of several statements sees one snapshot.
    func read<Result: Sendable>(_ body: @Sendable (PostgresConnection, Logger) async throws -> Result) async throws -> Result {
        let logger = logger
        return try await backend.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { try await body($0, logger) }
    }

    public func conversations(matching reference: String) async throws -> [ConversationRecord] {
        try await read { connection, logger in try await Self.conversations(matching: reference, connection, logger: logger) }
    }

    public func conversations(limit: Int) async throws -> [ConversationRecord] {
        try await read { connection, logger in
            try await Self.conversationRecords(
                "SELECT \(unescaped: Self.conversationColumns) FROM conversations ORDER BY last_at DESC NULLS LAST, id LIMIT \(Int64(limit))",
                connection, logger: logger)
        }
    }

    public func conversation(id: Int64) async throws -> ConversationRecord? {
        try await read { connection, logger in
            try await Self.conversationRecords(
                "SELECT \(unescaped: Self.conversationColumns) FROM conversations WHERE id = \(id)", connection, logger: logger
            ).first
        }
    }

    public func platforms() async throws -> [String] {
        try await read { connection, logger in
            var platforms: [String] = []
            let rows = try await connection.query("SELECT DISTINCT platform FROM conversations ORDER BY platform", logger: logger)
            for try await platform in rows.decode(String.self) { platforms.append(platform) }
            return platforms
        }
    }

    /// Conversations by `platform:id`, a platform id, an archive id or a name (with or without `#`), as the embedded store finds them.
    static func conversations(matching reference: String, _ connection: PostgresConnection, logger: Logger) async throws -> [ConversationRecord] {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        var records: [ConversationRecord] = []
        if let colon = trimmed.firstIndex(of: ":") {
            let platform = String(trimmed[..<colon])
            let sourceID = String(trimmed[trimmed.index(after: colon)...])
            records = try await conversationRecords(
                "SELECT \(unescaped: conversationColumns) FROM conversations WHERE platform = \(platform) AND source_id = \(sourceID)",
                connection, logger: logger)
        }
        if records.isEmpty {
            let name = trimmed.hasPrefix("#") ? String(trimmed.dropFirst()) : trimmed
            records = try await conversationRecords(
                """
                SELECT \(unescaped: conversationColumns) FROM conversations
                WHERE source_id = \(trimmed) OR lower(name) = lower(\(name)) OR id = \(Int64(trimmed) ?? -1) ORDER BY id
                """, connection, logger: logger)
        }
        if records.isEmpty, trimmed.hasPrefix("#") {
            records = try await conversationRecords(
                "SELECT \(unescaped: conversationColumns) FROM conversations WHERE lower(name) = lower(\(trimmed)) ORDER BY id",
                connection, logger: logger)
        }
        return records
    }

    /// The conversations `query` selects (``conversationColumns``), each with its participants.
    static func conversationRecords(_ query: PostgresQuery, _ connection: PostgresConnection, logger: Logger) async throws
        -> [ConversationRecord]
    {
        var records: [ConversationRecord] = []
        for try await row in try await connection.query(query, logger: logger) {
            let cells = row.makeRandomAccess()
            let conversation = Conversation(
                platform: try cells[1].decode(String.self), sourceID: try cells[2].decode(String.self), name: try cells[3].decode(String?.self),
                kind: Conversation.Kind(rawValue: try cells[4].decode(String.self)) ?? .group, isExternal: try cells[5].decode(Bool.self))
            records.append(
                ConversationRecord(
                    id: try cells[0].decode(Int64.self), conversation: conversation, messageCount: Int(try cells[6].decode(Int64.self)),
                    firstMessageAt: try cells[7].decode(Int64?.self).map(Timestamp.init(microseconds:)),
                    lastMessageAt: try cells[8].decode(Int64?.self).map(Timestamp.init(microseconds:))))
        }
        for index in records.indices {
            let key = records[index].conversation
            let rows = try await connection.query(
                """
                SELECT handle, display_name FROM participants WHERE platform = \(key.platform) AND conversation = \(key.sourceID)
                ORDER BY handle
                """, logger: logger)
            for try await (handle, name) in rows.decode((String, String?).self) {
                records[index].conversation.participants.append(Handle(id: handle, displayName: name))
            }
        }
        return records
    }

    public func transcript(conversationID: Int64, around messageID: Int64?, limit: Int) async throws -> [ArchivedMessage] {
        try await read { connection, logger in
            guard
                try await Self.conversationRecords(
                    "SELECT \(unescaped: Self.conversationColumns) FROM conversations WHERE id = \(conversationID)", connection, logger: logger
                ).first != nil
            else { throw ArchiveError.notFound("conversation \(conversationID)") }
            let select = "SELECT \(PostgresMessageRow.selection) FROM messages m JOIN conversations c ON c.id = m.conversation_id"
            if let messageID {
                let half = Int64(max(1, limit / 2))
                let before = try await Self.messages(
                    "\(unescaped: select) WHERE m.conversation_id = \(conversationID) AND m.id < \(messageID) ORDER BY m.id DESC LIMIT \(half)",
                    connection, logger: logger)
                let after = try await Self.messages(
                    """
                    \(unescaped: select) WHERE m.conversation_id = \(conversationID) AND m.id >= \(messageID)
                    ORDER BY m.id LIMIT \(Int64(limit - before.count))
                    """, connection, logger: logger)
                return (before.reversed() + after).map(\.archived)
            }
            return try await Self.messages(
                "\(unescaped: select) WHERE m.conversation_id = \(conversationID) ORDER BY m.id LIMIT \(Int64(limit))", connection, logger: logger
            ).map(\.archived)
        }
    }

    public func message(id: Int64) async throws -> ArchivedMessage? {
        try await read { connection, logger in
            try await Self.messages(
                "SELECT \(unescaped: PostgresMessageRow.selection) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = \(id)",
                connection, logger: logger
            ).first?.archived
        }
    }

    /// The message rows `query` selects (``PostgresMessageRow/selection``).
    static func messages(_ query: PostgresQuery, _ connection: PostgresConnection, logger: Logger) async throws -> [PostgresMessageRow] {
        var rows: [PostgresMessageRow] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(try PostgresMessageRow(row.makeRandomAccess())) }
        return rows
    }

    public func messageIDs(platform: String?, conversation: String?, sourceID: String) async throws -> [Int64] {
        try await read { connection, logger in
            // `#` sorts just before `$` (the column is COLLATE "C"): [id, id + "$") holds the id and every `id#…`.
            let rows = try await connection.query(
                """
                SELECT id, source_id FROM messages
                WHERE leaf IS NOT NULL AND source_id >= \(sourceID) AND source_id < \(sourceID + "$")
                    AND (\(platform)::text IS NULL OR platform = \(platform))
                    AND (\(conversation)::text IS NULL OR conversation = \(conversation))
                ORDER BY id
                """, logger: logger)
            var ids: [Int64] = []
            // A reused id is stored as `id#` + 12 hex digits; edits and deletions (`id#edit@…`) are other records.
            for try await (id, stored) in rows.decode((Int64, String).self) {
                let suffix = stored.dropFirst(sourceID.count + 1)
                if stored == sourceID || (stored.hasPrefix(sourceID + "#") && suffix.count == 12 && suffix.allSatisfy(\.isHexDigit)) {
                    ids.append(id)
                }
            }
            return ids
        }
    }

    public func storedSourceIDs(platform: String, conversation: String, among sourceIDs: [String]) async throws -> Set<String> {
        guard !sourceIDs.isEmpty else { return [] }
        return try await read { connection, logger in
            let rows = try await connection.query(
                """
                SELECT source_id FROM messages
                WHERE platform = \(platform) AND conversation = \(conversation) AND source_id = ANY(\(sourceIDs)) AND leaf IS NOT NULL
                """, logger: logger)
            var found = Set<String>()
            for try await sourceID in rows.decode(String.self) { found.insert(sourceID) }
            return found
        }
    }

    public func attachment(sha256: String) async throws -> [UInt8]? {
        try await read { connection, logger in
            let rows = try await connection.query("SELECT content FROM blobs WHERE sha256 = \(sha256.lowercased())", logger: logger)
            for try await content in rows.decode(ByteBuffer.self) { return Array(content.readableBytesView) }
            return nil
        }
    }

    public func auditTrail(limit: Int) async throws -> [AuditEvent] {
        try await auditTrail(actor: nil, actionPrefix: nil, beforeID: nil, limit: limit)
    }

    public func auditTrail(actor: String?, actionPrefix: String?, beforeID: Int64?, limit: Int) async throws -> [AuditEvent] {
        try await read { connection, logger in
            // A prefix by comparison, not LIKE: `_` and `%` in it are plain characters.
            let rows = try await connection.query(
                """
                SELECT id, leaf, at, actor, action, detail FROM audit_events
                WHERE (\(actor)::text IS NULL OR actor = \(actor))
                    AND (\(actionPrefix)::text IS NULL OR left(action, char_length(\(actionPrefix))) = \(actionPrefix))
                    AND (\(beforeID)::bigint IS NULL OR id < \(beforeID))
                ORDER BY id DESC LIMIT \(Int64(limit))
                """, logger: logger)
            var events: [AuditEvent] = []
            for try await (id, leaf, at, actor, action, detail) in rows.decode((Int64, Int64, Int64, String, String, String).self) {
                events.append(
                    AuditEvent(
                        id: id, leafIndex: Int(leaf), time: Timestamp(microseconds: at), actor: actor, action: action,
                        detail: (try? JSONParser().parse(detail)) ?? .string(detail)))
            }
            return events
        }
    }
}
