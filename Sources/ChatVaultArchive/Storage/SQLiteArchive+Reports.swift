public import ChatVaultCore
import GRDB

extension SQLiteArchive {
    /// Messages per UTC day and platform, sent in `[from, to)`.
    public func volumeByDay(from: Timestamp, to: Timestamp) async throws -> [ArchiveReports.DayCount] {
        let ids = MessageID.range(from: from, before: to)
        return try await reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT date(m.sent_at / 1000000, 'unixepoch') AS day, c.platform, count(*) FROM messages m
                    JOIN conversations c ON c.id = m.conversation WHERE m.id BETWEEN ? AND ? GROUP BY day, c.platform ORDER BY day, c.platform
                    """,
                arguments: [ids.low, ids.high]
            ).map { ArchiveReports.DayCount(day: $0[0], platform: $0[1], messages: $0[2]) }
        }
    }

    /// The most active senders in `[from, to)`.
    public func topSenders(from: Timestamp, to: Timestamp, limit: Int) async throws -> [ArchiveReports.Count] {
        let ids = MessageID.range(from: from, before: to)
        return try await reading { db in
            try Row.fetchAll(
                db, sql: "SELECT sender, count(*) AS n FROM messages WHERE id BETWEEN ? AND ? GROUP BY sender ORDER BY n DESC, sender LIMIT ?",
                arguments: [ids.low, ids.high, limit]
            ).map { ArchiveReports.Count(key: $0[0], count: $0[1]) }
        }
    }

    /// Per conversation active in `[from, to)`: its participants and messages in the range.
    public func conversationTraffic(from: Timestamp, to: Timestamp) async throws -> [ArchiveReports.ConversationTraffic] {
        let ids = MessageID.range(from: from, before: to)
        return try await reading { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.conversation, count(*), c.is_external FROM messages m JOIN conversations c ON c.id = m.conversation
                    WHERE m.id BETWEEN ? AND ? GROUP BY m.conversation
                    """,
                arguments: [ids.low, ids.high])
            let handles = try db.cachedStatement(sql: "SELECT handle FROM participants WHERE conversation = ? ORDER BY handle")
            return try rows.map { row in
                let conversation: Int64 = row[0]
                return ArchiveReports.ConversationTraffic(
                    participants: try String.fetchAll(handles, arguments: [conversation]), messages: row[1], isExternal: row[2])
            }
        }
    }

    /// Alerts raised in `[from, to)` by ISO week and rule, with the participants of each alert.
    public func alertsByWeek(from: Timestamp, to: Timestamp) async throws -> [ArchiveReports.AlertWeek] {
        try await reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT strftime('%Y-W%W', raised_at / 1000000, 'unixepoch') AS week, rule, detail FROM alerts
                    WHERE raised_at >= ? AND raised_at < ? ORDER BY id
                    """,
                arguments: [from.microseconds, to.microseconds]
            ).map { row in
                let detail = (try? JSONParser().parse(row[2] as String)) ?? .null
                return ArchiveReports.AlertWeek(
                    week: row[0], rule: row[1], alerts: 1, participants: detail["participants"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            }
        }
    }

    /// Alerts by state now, and how long the alerts closed in `[from, to)` took.
    public func reviewBacklog(from: Timestamp, to: Timestamp) async throws -> ArchiveReports.Backlog {
        try await reading { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM alerts GROUP BY state") { counts[row[0]] = row[1] }
            let times = try Row.fetchAll(
                db,
                sql: """
                    SELECT r.at - a.raised_at FROM alert_reviews r JOIN alerts a ON a.id = r.alert_id
                    WHERE r.action = 'close' AND r.at >= ? AND r.at < ?
                    """,
                arguments: [from.microseconds, to.microseconds]
            ).map { Double($0[0] as Int64) / 1_000_000 }
            return ArchiveReports.Backlog(
                open: counts["open"] ?? 0, escalated: counts["escalated"] ?? 0, closed: counts["closed"] ?? 0, closeTimes: times)
        }
    }
}
