import ChatVaultCore
import Foundation
import GRDB

extension SQLiteArchive {
    static let conversationColumns = "id, platform, source_id, name, kind, is_external, message_count, first_at, last_at"

    public func conversations(matching reference: String) async throws -> [ConversationRecord] {
        try await reading { db in try Self.conversations(matching: reference, db: db) }
    }

    public func conversations(limit: Int) async throws -> [ConversationRecord] {
        try await reading { db in
            let records = try Row.fetchAll(
                db, sql: "SELECT \(Self.conversationColumns) FROM conversations ORDER BY last_at DESC LIMIT ?", arguments: [limit]
            ).map(Self.conversationRecord)
            return try records.map { try Self.withParticipants($0, db: db) }
        }
    }

    static func conversations(matching reference: String, db: Database) throws -> [ConversationRecord] {
        let trimmed = reference.trimmingCharacters(in: .whitespaces)
        var rows: [Row] = []
        if let colon = trimmed.firstIndex(of: ":") {
            rows = try Row.fetchAll(
                db, sql: "SELECT \(conversationColumns) FROM conversations WHERE platform = ? AND source_id = ?",
                arguments: [String(trimmed[..<colon]), String(trimmed[trimmed.index(after: colon)...])])
        }
        if rows.isEmpty {
            rows = try Row.fetchAll(
                db,
                sql: "SELECT \(conversationColumns) FROM conversations WHERE source_id = ? OR name = ? COLLATE NOCASE OR id = ? ORDER BY id",
                arguments: [trimmed, trimmed.hasPrefix("#") ? String(trimmed.dropFirst()) : trimmed, Int64(trimmed) ?? -1])
        }
        if rows.isEmpty, trimmed.hasPrefix("#") {
            rows = try Row.fetchAll(
                db, sql: "SELECT \(conversationColumns) FROM conversations WHERE name = ? COLLATE NOCASE ORDER BY id",
                arguments: [trimmed])
        }
        return try rows.map(conversationRecord).map { try withParticipants($0, db: db) }
    }

    static func conversationRecord(_ row: Row) -> ConversationRecord {
        let conversation = Conversation(
            platform: row[1], sourceID: row[2], name: row[3], kind: Conversation.Kind(rawValue: row[4]) ?? .group,
            isExternal: row[5])
        let first: Int64? = row[7]
        let last: Int64? = row[8]
        return ConversationRecord(
            id: row[0], conversation: conversation, messageCount: row[6], firstMessageAt: first.map(Timestamp.init),
            lastMessageAt: last.map(Timestamp.init))
    }

    static func withParticipants(_ record: ConversationRecord, db: Database) throws -> ConversationRecord {
        var record = record
        record.conversation.participants = try Row.fetchAll(
            db, sql: "SELECT handle, display_name FROM participants WHERE conversation = ? ORDER BY handle", arguments: [record.id]
        ).map { Handle(id: $0[0], displayName: $0[1]) }
        return record
    }

    public func transcript(conversationID: Int64, around messageID: Int64?, limit: Int) async throws -> [ArchivedMessage] {
        try await reading { db in
            guard
                let conversation = try Row.fetchOne(
                    db, sql: "SELECT platform, source_id FROM conversations WHERE id = ?", arguments: [conversationID])
            else { throw ArchiveError.notFound("conversation \(conversationID)") }
            let platform: String = conversation[0]
            let sourceID: String = conversation[1]
            let select = "SELECT \(StoredMessage.selection()) FROM messages WHERE conversation = ?"
            var rows: [Row]
            if let messageID {
                let half = max(1, limit / 2)
                let before = try Row.fetchAll(db, sql: "\(select) AND id < ? ORDER BY id DESC LIMIT ?", arguments: [conversationID, messageID, half])
                let after = try Row.fetchAll(
                    db, sql: "\(select) AND id >= ? ORDER BY id LIMIT ?", arguments: [conversationID, messageID, limit - before.count])
                rows = before.reversed() + after
            } else {
                rows = try Row.fetchAll(db, sql: "\(select) ORDER BY id LIMIT ?", arguments: [conversationID, limit])
            }
            return rows.map { StoredMessage(row: $0).archived(platform: platform, conversationSourceID: sourceID) }
        }
    }

    public func message(id: Int64) async throws -> ArchivedMessage? {
        try await reading { db in try Self.loadMessages(ids: [id], db: db)[id]?.0 }
    }

    public func attachment(sha256: String) async throws -> [UInt8]? {
        let known = try await reading { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM blobs WHERE sha256 = ?", arguments: [sha256.lowercased()]) ?? false
        }
        guard known, let blobs else { return nil }
        return try blobs.read(sha256.lowercased())
    }

    public func auditTrail(limit: Int) async throws -> [AuditEvent] {
        try await reading { db in
            try Row.fetchAll(db, sql: "SELECT id, leaf, at, actor, action, detail FROM audit_events ORDER BY id DESC LIMIT ?", arguments: [limit]).map
            {
                row in
                let detailText: String = row[5]
                return AuditEvent(
                    id: row[0], leafIndex: row[1], time: Timestamp(microseconds: row[2]), actor: row[3], action: row[4],
                    detail: (try? JSONParser().parse(detailText)) ?? .string(detailText))
            }
        }
    }
}
