import ChatVaultCore
import Foundation
import GRDB

extension SQLiteArchive {
    /// Which of `sourceIDs` the conversation `platform`/`conversation` already holds.
    public func storedSourceIDs(platform: String, conversation: String, among sourceIDs: [String]) async throws -> Set<String> {
        guard !sourceIDs.isEmpty else { return [] }
        return try await reading { db in
            guard
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM conversations WHERE platform = ? AND source_id = ?", arguments: [platform, conversation])
            else { return [] }
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM messages WHERE conversation = ? AND source_id = ?")
            return Set(try sourceIDs.filter { try Int.fetchOne(statement, arguments: [id, $0]) != nil })
        }
    }

    /// Every notice record, on `platform` only when given, oldest first.
    public func notices(platform: String?) async throws -> [ArchiveNotices.Notice] {
        try await reading { db in
            let prefix = ArchiveNotices.sourceIDPrefix
            // The range on source_id lets SQLite read each conversation's notices from its unique index.
            let upper = String(prefix.dropLast()) + String(UnicodeScalar(prefix.unicodeScalars.last!.value + 1)!)
            var sql = """
                SELECT m.id, c.platform, c.source_id, c.name, CAST(m.recipients AS BLOB), m.sent_at, CAST(m.text AS BLOB), m.delivered_by
                FROM conversations c JOIN messages m ON m.conversation = c.id AND m.source_id >= ? AND m.source_id < ?
                WHERE m.kind = 'notice'
                """
            var arguments: StatementArguments = [prefix, upper]
            if let platform {
                sql += " AND c.platform = ?"
                arguments += [platform]
            }
            sql += " ORDER BY m.sent_at, m.id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                ArchiveNotices.Notice(
                    messageID: row[0], platform: row[1], conversation: row[2], conversationName: row[3],
                    recipients: ColumnJSON.parseHandles(String(decoding: row[4] as Data? ?? Data(), as: UTF8.self)),
                    sentAt: Timestamp(microseconds: row[5]), text: String(decoding: row[6] as Data? ?? Data(), as: UTF8.self),
                    deliveredBy: row[7])
            }
        }
    }

    /// The participants of every conversation on `platforms`, by conversation.
    public func participants(platforms: Set<String>) async throws -> [ArchiveNotices.Participants] {
        guard !platforms.isEmpty else { return [] }
        return try await reading { db in
            let conversations = try Row.fetchAll(
                db,
                sql:
                    "SELECT id, platform, source_id, name, first_at FROM conversations WHERE platform IN (\(platforms.map { _ in "?" }.joined(separator: ","))) ORDER BY id",
                arguments: StatementArguments(Array(platforms)))
            let handles = try db.cachedStatement(sql: "SELECT handle, display_name FROM participants WHERE conversation = ? ORDER BY handle")
            return try conversations.map { row in
                let id: Int64 = row[0]
                let first: Int64? = row[4]
                return ArchiveNotices.Participants(
                    platform: row[1], conversation: row[2], conversationName: row[3],
                    handles: try Row.fetchAll(handles, arguments: [id]).map { Handle(id: $0[0], displayName: $0[1]) },
                    firstMessageAt: first.map { Timestamp(microseconds: $0) })
            }
        }
    }
}
