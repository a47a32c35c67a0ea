public import ChatVaultCore
import Foundation
import GRDB

extension SQLiteArchive {
    /// Stores the alerts whose message this batch stored, each a leaf of the log.
    static func storeAlerts(_ alerts: [Alert], storedIDs: Set<Int64>, db: Database, log: inout IntegrityLogWriter) throws -> [Int64] {
        let find = try db.cachedStatement(
            sql:
                "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation WHERE c.platform = ? AND c.source_id = ? AND m.source_id = ?"
        )
        let insert = try db.cachedStatement(
            sql:
                "INSERT INTO alerts (leaf, message_id, rule, severity, action, state, policy_version, raised_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        var ids: [Int64] = []
        for alert in alerts {
            let key = alert.message
            guard let messageID = try Int64.fetchOne(find, arguments: [key.platform, key.conversation, key.sourceID]), storedIDs.contains(messageID)
            else { continue }
            let row = AlertRow(alert: alert, messageID: messageID, leaf: log.size)
            try insert.execute(arguments: [
                row.leaf, messageID, alert.rule, alert.severity.rawValue, alert.action.rawValue, alert.state.rawValue, alert.policyVersion,
                alert.raisedAt.microseconds, row.detail,
            ])
            let id = db.lastInsertedRowID
            log.appendLeaf(kind: .alert, ref: id, record: row.canonical(id: id))
            ids.append(id)
        }
        return ids
    }

    public func alerts(state: Alert.State?, rule: String?, limit: Int) async throws -> [StoredAlert] {
        try await reading { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let state {
                conditions.append("state = ?")
                arguments.append(state.rawValue)
            }
            if let rule {
                conditions.append("rule = ?")
                arguments.append(rule)
            }
            arguments.append(limit)
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT \(AlertRow.columns) FROM alerts a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation \(filter) ORDER BY a.id DESC LIMIT ?",
                arguments: StatementArguments(arguments)!)
            return rows.map(AlertRow.stored(from:))
        }
    }
}

/// An alert's columns, and the canonical bytes its leaf hashes (``CanonicalRecord/alert(id:messageID:rule:severity:action:policyVersion:raisedAt:detail:)``).
struct AlertRow {
    static let columns =
        "a.id, a.leaf, a.message_id, a.rule, a.severity, a.action, a.state, a.policy_version, a.raised_at, a.detail, c.platform, c.source_id, m.source_id"

    var messageID: Int64
    var leaf: Int
    var rule: String
    var severity: String
    var action: String
    var policyVersion: String
    var raisedAt: Int64
    var detail: String

    init(alert: Alert, messageID: Int64, leaf: Int) {
        self.messageID = messageID
        self.leaf = leaf
        rule = alert.rule
        severity = alert.severity.rawValue
        action = alert.action.rawValue
        policyVersion = alert.policyVersion
        raisedAt = alert.raisedAt.microseconds
        detail = CanonicalRecord.alertDetail(alert)
    }

    init(messageID: Int64, leaf: Int, rule: String, severity: String, action: String, policyVersion: String, raisedAt: Int64, detail: String) {
        self.messageID = messageID
        self.leaf = leaf
        self.rule = rule
        self.severity = severity
        self.action = action
        self.policyVersion = policyVersion
        self.raisedAt = raisedAt
        self.detail = detail
    }

    func canonical(id: Int64) -> [UInt8] {
        CanonicalRecord.alert(
            id: id, messageID: messageID, rule: rule, severity: severity, action: action, policyVersion: policyVersion, raisedAt: raisedAt,
            detail: detail)
    }

    static func stored(from row: Row) -> StoredAlert {
        let detail = (try? JSONParser().parse(row[9] as String)) ?? .null
        let alert = Alert(
            rule: row[3], severity: Alert.Severity(rawValue: row[4]) ?? .medium, action: Alert.Action(rawValue: row[5]) ?? .flag,
            description: detail["description"]?.stringValue ?? "",
            message: Message.DedupKey(platform: row[10], conversation: row[11], sourceID: row[12]),
            participants: detail["participants"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            matches: detail["matches"]?.arrayValue?.compactMap { m in
                guard let start = m["start"]?.scalarText.flatMap({ Int($0) }), let end = m["end"]?.scalarText.flatMap({ Int($0) }),
                    let text = m["text"]?.stringValue
                else { return nil }
                return Alert.Match(start: start, end: end, text: text)
            } ?? [],
            state: Alert.State(rawValue: row[6]) ?? .open, policyVersion: row[7], raisedAt: Timestamp(microseconds: row[8]))
        return StoredAlert(id: row[0], leafIndex: row[1], messageID: row[2], alert: alert)
    }
}
