public import ChatVaultArchive
public import ChatVaultCore
import Logging
import PostgresNIO

extension PostgresArchive {
    /// Stores the alerts whose message this batch stored, each a leaf of the log.
    func storeAlerts(_ alerts: [Alert], storedIDs: Set<Int64>, log: inout PostgresIntegrityLog) async throws -> [Int64] {
        var ids: [Int64] = []
        for alert in alerts {
            let key = alert.message
            var messageID: Int64?
            let rows = try await log.connection.query(
                """
                SELECT id FROM messages
                WHERE platform = \(key.platform) AND conversation = \(key.conversation) AND source_id = \(key.sourceID)
                """, logger: logger)
            for try await id in rows.decode(Int64.self) { messageID = id }
            guard let messageID, storedIDs.contains(messageID) else { continue }
            let id = try await log.nextID(.alerts)
            let detail = CanonicalRecord.alertDetail(alert)
            try await log.connection.query(
                """
                INSERT INTO alerts (id, leaf, message_id, rule, severity, action, state, policy_version, raised_at, detail)
                VALUES (\(id), \(Int64(log.size)), \(messageID), \(alert.rule), \(alert.severity.rawValue), \(alert.action.rawValue),
                    \(alert.state.rawValue), \(alert.policyVersion), \(alert.raisedAt.microseconds), \(detail))
                """, logger: logger)
            log.appendLeaf(
                kind: .alert, ref: id,
                record: CanonicalRecord.alert(
                    id: id, messageID: messageID, rule: alert.rule, severity: alert.severity.rawValue, action: alert.action.rawValue,
                    policyVersion: alert.policyVersion, raisedAt: alert.raisedAt.microseconds, detail: detail))
            ids.append(id)
        }
        return ids
    }

    public func alerts(state: Alert.State?, rule: String?, limit: Int) async throws -> [StoredAlert] {
        let logger = logger
        return try await backend.transaction("BEGIN READ ONLY") { connection in
            let rows = try await connection.query(
                """
                SELECT a.id, a.leaf, a.message_id, a.rule, a.severity, a.action, a.state, a.policy_version, a.raised_at, a.detail,
                    m.platform, m.conversation, m.source_id
                FROM alerts a JOIN messages m ON m.id = a.message_id
                WHERE (\(state?.rawValue)::text IS NULL OR a.state = \(state?.rawValue))
                    AND (\(rule)::text IS NULL OR a.rule = \(rule))
                ORDER BY a.id DESC LIMIT \(Int64(limit))
                """, logger: logger)
            var alerts: [StoredAlert] = []
            for try await row in rows {
                let cells = row.makeRandomAccess()
                let detail = (try? JSONParser().parse(try cells[9].decode(String.self))) ?? .null
                let alert = Alert(
                    rule: try cells[3].decode(String.self), severity: Alert.Severity(rawValue: try cells[4].decode(String.self)) ?? .medium,
                    action: Alert.Action(rawValue: try cells[5].decode(String.self)) ?? .flag,
                    description: detail["description"]?.stringValue ?? "",
                    message: Message.DedupKey(
                        platform: try cells[10].decode(String.self), conversation: try cells[11].decode(String.self),
                        sourceID: try cells[12].decode(String.self)),
                    participants: detail["participants"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                    matches: detail["matches"]?.arrayValue?.compactMap { m in
                        guard let start = m["start"]?.scalarText.flatMap({ Int($0) }), let end = m["end"]?.scalarText.flatMap({ Int($0) }),
                            let text = m["text"]?.stringValue
                        else { return nil }
                        return Alert.Match(start: start, end: end, text: text)
                    } ?? [],
                    state: Alert.State(rawValue: try cells[6].decode(String.self)) ?? .open, policyVersion: try cells[7].decode(String.self),
                    raisedAt: Timestamp(microseconds: try cells[8].decode(Int64.self)))
                alerts.append(
                    StoredAlert(
                        id: try cells[0].decode(Int64.self), leafIndex: Int(try cells[1].decode(Int64.self)),
                        messageID: try cells[2].decode(Int64.self), alert: alert))
            }
            return alerts
        }
    }
}
