import ChatVaultCore
import GRDB

extension SQLiteArchive {
    /// Records several review steps all-or-nothing: every step is checked and written in one
    /// transaction with one checkpoint; if any step is refused (an unknown alert, a state it
    /// cannot move to), none is recorded. Steps apply in order, so a later step sees the
    /// state an earlier one left.
    @discardableResult
    public func review(_ steps: [ReviewStep], actor: String) async throws -> [AlertReview] {
        try await database.writeWithoutTransaction { db in
            var reviews: [AlertReview] = []
            try db.inTransaction(.immediate) {
                let now = self.clock()
                var log = try IntegrityLogWriter(db: db, signer: self.signer)
                for step in steps {
                    reviews.append(try Self.record(step, actor: actor, at: now, log: &log, db: db))
                }
                try log.checkpoint(at: now)
                return .commit
            }
            return reviews
        }
    }

    private static func record(_ step: ReviewStep, actor: String, at now: Timestamp, log: inout IntegrityLogWriter, db: Database) throws
        -> AlertReview
    {
        let alertID = step.alertID
        let action = step.action
        guard let row = try Row.fetchOne(db, sql: "SELECT state FROM alerts WHERE id = ?", arguments: [alertID]) else {
            throw ArchiveError(.notFound, "no alert #\(alertID)")
        }
        let state = Alert.State(rawValue: row[0]) ?? .open
        let next = try action.nextState(from: state, alert: alertID)
        var fields: [(String, JSONValue)] = [("alert_id", .int(alertID))]
        if next != state { fields += [("from", .string(state.rawValue)), ("to", .string(next.rawValue))] }
        if action == .assign { fields.append(("assignee", step.assignee.map(JSONValue.string) ?? .null)) }
        fields += step.detail
        let event = try log.appendAudit(action: "alert.\(action.rawValue)", actor: actor, detail: .object(fields), at: now)
        if next != state { try db.execute(sql: "UPDATE alerts SET state = ? WHERE id = ?", arguments: [next.rawValue, alertID]) }
        if action == .assign { try db.execute(sql: "UPDATE alerts SET assignee = ? WHERE id = ?", arguments: [step.assignee, alertID]) }
        let detailText = JSONValue.object(fields).compactText
        try db.execute(
            sql: "INSERT INTO alert_reviews (alert_id, audit_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [alertID, event.id, now.microseconds, actor, action.rawValue, detailText])
        return AlertReview(
            id: db.lastInsertedRowID, alertID: alertID, auditID: event.id, at: now, actor: actor, action: action.rawValue, detail: .object(fields))
    }

    /// The review steps of an alert, oldest first.
    public func reviews(alertID: Int64) async throws -> [AlertReview] {
        try await reading { db in
            try Row.fetchAll(
                db, sql: "SELECT id, alert_id, audit_id, at, actor, action, detail FROM alert_reviews WHERE alert_id = ? ORDER BY id",
                arguments: [alertID]
            ).map(Self.review(from:))
        }
    }

    /// Coaching notes, newest first (optionally those addressed to `employee`).
    public func coachingNotes(employee: String?, limit: Int) async throws -> [AlertReview] {
        try await reading { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, alert_id, audit_id, at, actor, action, detail FROM alert_reviews WHERE action = 'coach' ORDER BY id DESC LIMIT ?",
                arguments: [limit * (employee == nil ? 1 : 20)]
            ).map(Self.review(from:)).filter { employee == nil || $0.detail["employee"]?.stringValue == employee }.prefix(limit).map { $0 }
        }
    }

    public func alert(id: Int64) async throws -> QueuedAlert? {
        try await reading { db in
            try Row.fetchOne(
                db,
                sql:
                    "SELECT \(AlertRow.columns), a.assignee FROM alerts a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation WHERE a.id = ?",
                arguments: [id]
            ).map { QueuedAlert(stored: AlertRow.stored(from: $0), assignee: $0[13]) }
        }
    }

    /// The review queue: alerts passing `filter`, newest first, and how many pass in all.
    public func alertQueue(_ filter: AlertFilter) async throws -> (alerts: [QueuedAlert], total: Int) {
        try await reading { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if !filter.states.isEmpty {
                conditions.append("a.state IN (\(filter.states.map { _ in "?" }.joined(separator: ",")))")
                arguments += filter.states.map(\.rawValue)
            }
            if let rule = filter.rule {
                conditions.append("a.rule = ?")
                arguments.append(rule)
            }
            if let severity = filter.severity {
                conditions.append("a.severity = ?")
                arguments.append(severity.rawValue)
            }
            if let assignee = filter.assignee {
                conditions.append("a.assignee = ?")
                arguments.append(assignee)
            }
            if let participants = filter.participants {
                if participants.isEmpty { return ([], 0) }
                // Scope by the message's sender or recipients: a reviewer sees the alerts of their groups' people.
                // One JSON array argument, however many handles; compared without case, as the directory is.
                conditions.append(
                    "EXISTS (SELECT 1 FROM participants p WHERE p.conversation = m.conversation AND lower(p.handle) IN (SELECT value FROM json_each(?)))"
                )
                arguments.append(JSONValue.array(Set(participants.map { $0.lowercased() }).sorted().map(JSONValue.string)).compactText)
            }
            let filterSQL = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let from = "FROM alerts a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation \(filterSQL)"
            let total = try Int.fetchOne(db, sql: "SELECT count(*) \(from)", arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(AlertRow.columns), a.assignee \(from) ORDER BY a.id DESC LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [max(1, min(filter.limit, 500)), max(0, filter.offset)]))
            return (rows.map { QueuedAlert(stored: AlertRow.stored(from: $0), assignee: $0[13]) }, total)
        }
    }

    static func review(from row: Row) -> AlertReview {
        AlertReview(
            id: row[0], alertID: row[1], auditID: row[2], at: Timestamp(microseconds: row[3]), actor: row[4], action: row[5],
            detail: (try? JSONParser().parse(row[6] as String)) ?? .null)
    }
}

extension SQLiteArchive {
    /// The alerts raised on each of `messageIDs`.
    public func alerts(forMessages messageIDs: [Int64]) async throws -> [Int64: [QueuedAlert]] {
        guard !messageIDs.isEmpty else { return [:] }
        return try await reading { db in
            var result: [Int64: [QueuedAlert]] = [:]
            for chunk in stride(from: 0, to: messageIDs.count, by: 500).map({ Array(messageIDs[$0..<min($0 + 500, messageIDs.count)]) }) {
                let rows = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(AlertRow.columns), a.assignee FROM alerts a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation WHERE a.message_id IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(chunk)!)
                for row in rows {
                    let alert = QueuedAlert(stored: AlertRow.stored(from: row), assignee: row[13])
                    result[alert.stored.messageID, default: []].append(alert)
                }
            }
            return result
        }
    }

    /// The distinct platforms in the archive.
    public func platforms() async throws -> [String] {
        try await reading { db in try String.fetchAll(db, sql: "SELECT DISTINCT platform FROM conversations ORDER BY platform") }
    }

    /// The conversation record by archive id.
    public func conversation(id: Int64) async throws -> ConversationRecord? {
        try await reading { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.conversationColumns) FROM conversations WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return try Self.withParticipants(Self.conversationRecord(row), db: db)
        }
    }
}

extension SQLiteArchive {
    /// Audit events, newest first, by user and/or action prefix, older than `beforeID`.
    public func auditTrail(actor: String?, actionPrefix: String?, beforeID: Int64?, limit: Int) async throws -> [AuditEvent] {
        try await reading { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let actor {
                conditions.append("actor = ?")
                arguments.append(actor)
            }
            if let actionPrefix {
                conditions.append("substr(action, 1, ?) = ?")
                arguments += [actionPrefix.count, actionPrefix]
            }
            if let beforeID {
                conditions.append("id < ?")
                arguments.append(beforeID)
            }
            arguments.append(limit)
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT id, leaf, at, actor, action, detail FROM audit_events \(filter) ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(arguments)
            ).map { row in
                let detailText: String = row[5]
                return AuditEvent(
                    id: row[0], leafIndex: row[1], time: Timestamp(microseconds: row[2]), actor: row[3], action: row[4],
                    detail: (try? JSONParser().parse(detailText)) ?? .string(detailText))
            }
        }
    }
}
