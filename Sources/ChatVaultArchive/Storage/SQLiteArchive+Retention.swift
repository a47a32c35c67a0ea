public import ChatVaultCore
import Foundation
import GRDB

extension SQLiteArchive {
    // MARK: Rules

    /// Adds a version of a retention rule (an audit event says whether it shortened one).
    public func setRetentionRule(_ rule: RetentionRule, actor: String) async throws {
        guard rule.periodDays > 0 else { throw ArchiveError.invalid("a retention period must be at least one day") }
        let now = clock()
        let previous = try await retentionRules().first { $0.name == rule.name }
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO retention_rules (name, platform, conversation, person, period_days, effective_from, set_by) VALUES (?,?,?,?,?,?,?)",
                arguments: [rule.name, rule.platform, rule.conversation, rule.person, rule.periodDays, now.microseconds, actor])
        }
        try await recordAudit(
            action: "retention.rule.set", actor: actor,
            detail: .object([
                ("name", .string(rule.name)), ("period_days", .number(String(rule.periodDays))),
                ("previous_days", previous.map { .number(String($0.periodDays)) } ?? .null),
                ("shortened", .bool((previous?.periodDays ?? Int.max) > rule.periodDays && previous != nil)),
                ("platform", rule.platform.map(JSONValue.string) ?? .null), ("conversation", rule.conversation.map(JSONValue.string) ?? .null),
                ("person", rule.person.map(JSONValue.string) ?? .null),
            ]))
    }

    /// The current version of each rule.
    public func retentionRules() async throws -> [RetentionRule] {
        try await allRuleVersions().reduce(into: [String: RetentionRule]()) { $0[$1.name] = $1 }.values.sorted { $0.name < $1.name }
    }

    func allRuleVersions() async throws -> [RetentionRule] {
        try await reading { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT name, platform, conversation, person, period_days, effective_from, set_by FROM retention_rules ORDER BY effective_from, id"
            ).map {
                RetentionRule(
                    name: $0[0], platform: $0[1], conversation: $0[2], person: $0[3], periodDays: $0[4],
                    effectiveFrom: Timestamp(microseconds: $0[5]),
                    setBy: $0[6])
            }
        }
    }

    // MARK: Holds

    /// Places a hold. A person is matched the way search matches a sender: handle id or
    /// display name, without regard to case, accents, width or invisible characters, as
    /// sender or recipient. With `allowEmpty` false a hold that covers no message now is
    /// refused (a person or query hold also covers messages that arrive later, so an empty
    /// one is usually a typo).
    @discardableResult
    public func createHold(
        name: String, kind: LegalHold.Kind, value: String, from: Timestamp?, to: Timestamp?, actor: String, allowEmpty: Bool
    ) async throws -> LegalHold {
        if kind == .query {
            guard let query = SearchQuery.parse(value), FTS5Match.expression(query) != nil else {
                throw ArchiveError.invalid("the hold's query \"\(value)\" has no word to look for")
            }
            if let problem = query.problem() { throw ArchiveError.invalid("the hold's query: \(problem)") }
        }
        let covers = try await coverage(kind: kind, value: value, from: from, to: to)
        if covers == 0 && !allowEmpty {
            throw ArchiveError.invalid(
                "the hold on \(kind.rawValue) \"\(value)\" covers no message now. Check the spelling (handles match without case); "
                    + (kind == .conversation
                        ? "a conversation hold also covers messages that arrive in it later: "
                        : "a \(kind.rawValue) hold also covers matching messages that arrive later: ")
                    + "to place it anyway, allow an empty hold (--allow-empty, or \"allow_empty\": true)")
        }
        let now = clock()
        let id = try await database.write { db -> Int64 in
            try db.execute(
                sql: "INSERT INTO legal_holds (name, kind, value, from_at, to_at, created_by, created_at, state) VALUES (?,?,?,?,?,?,?, 'active')",
                arguments: [name, kind.rawValue, value, from?.microseconds, to?.microseconds, actor, now.microseconds])
            return db.lastInsertedRowID
        }
        try await recordAudit(
            action: "hold.create", actor: actor,
            detail: .object([
                ("hold", .number(String(id))), ("name", .string(name)), ("kind", .string(kind.rawValue)), ("value", .string(value)),
                ("covers", .int(covers)),
            ]))
        return try await holds().first { $0.id == id }!
    }

    public func holds() async throws -> [LegalHold] {
        try await reading { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, name, kind, value, from_at, to_at, created_by, created_at, state, release_proposed_by, released_by FROM legal_holds ORDER BY id"
            ).map { row in
                let from: Int64? = row[4]
                let to: Int64? = row[5]
                return LegalHold(
                    id: row[0], name: row[1], kind: LegalHold.Kind(rawValue: row[2]) ?? .query, value: row[3], from: from.map(Timestamp.init),
                    to: to.map(Timestamp.init), createdBy: row[6], createdAt: Timestamp(microseconds: row[7]),
                    state: LegalHold.State(rawValue: row[8]) ?? .active, releaseProposedBy: row[9], releasedBy: row[10])
            }
        }
    }

    /// The first call proposes the release; a second officer's call releases the hold.
    /// `evidence` (e.g. the officer's signature of the step) is kept in the audit event.
    @discardableResult
    public func releaseHold(id: Int64, actor: String, evidence: [(String, JSONValue)]) async throws -> LegalHold {
        guard let hold = try await holds().first(where: { $0.id == id }) else { throw ArchiveError(.notFound, "no hold \(id)") }
        if try hold.state.released(by: actor, proposedBy: hold.releaseProposedBy, hold: id) == .releaseProposed {
            try await database.write { db in
                try db.execute(
                    sql: "UPDATE legal_holds SET state = 'release_proposed', release_proposed_by = ? WHERE id = ?", arguments: [actor, id])
            }
            try await recordAudit(action: "hold.release.propose", actor: actor, detail: .object([("hold", .number(String(id)))] + evidence))
        } else {
            try await database.write { db in
                try db.execute(
                    sql: "UPDATE legal_holds SET state = 'released', released_by = ?, released_at = ? WHERE id = ?",
                    arguments: [actor, clock().microseconds, id])
            }
            try await recordAudit(action: "hold.release", actor: actor, detail: .object([("hold", .number(String(id)))] + evidence))
        }
        return try await holds().first { $0.id == id }!
    }

    /// Ids of the messages a hold covers now.
    public func messagesHeld(by hold: LegalHold) async throws -> Set<Int64> {
        try await reading { db in try Self.held(by: hold, db: db) }
    }

    static func held(by hold: LegalHold, db: Database) throws -> Set<Int64> {
        let (low, high) = MessageID.range(from: hold.from, before: hold.to)
        switch hold.kind {
        case .query:
            guard let body = SearchQuery.parse(hold.value).flatMap(FTS5Match.expression) else { return [] }
            return Set(
                try Int64.fetchAll(
                    db, sql: "SELECT rowid FROM message_index WHERE message_index MATCH ? AND rowid BETWEEN ? AND ?",
                    arguments: ["body : " + body, low, high]))
        case .conversation:
            let ids = try conversations(matching: hold.value, db: db).map(\.id)
            guard !ids.isEmpty else { return [] }
            return Set(
                try Int64.fetchAll(
                    db, sql: "SELECT id FROM messages WHERE conversation IN (\(ids.map { _ in "?" }.joined(separator: ","))) AND id BETWEEN ? AND ?",
                    arguments: StatementArguments(ids) + [low, high]))
        case .person:
            try registerHandleFolding(db)
            return Set(
                try Int64.fetchAll(
                    db,
                    sql: """
                        SELECT id FROM messages m WHERE m.id BETWEEN ?2 AND ?3 AND (
                            cv_fold(m.sender) = ?1 OR cv_fold(m.sender_name) = ?1
                            OR EXISTS (SELECT 1 FROM json_each(m.recipients) r
                                WHERE cv_fold(json_extract(r.value, '$.id')) = ?1 OR cv_fold(json_extract(r.value, '$.name')) = ?1))
                        """,
                    arguments: [SearchText.normalize(hold.value), low, high]))
        }
    }

    /// `cv_fold(text)`: a handle or name folded the way search folds it (case, accents,
    /// width, invisible characters), so that holds and rules match people as search does.
    static func registerHandleFolding(_ db: Database) throws {
        db.add(
            function: DatabaseFunction("cv_fold", argumentCount: 1, pure: true) { values in
                String.fromDatabaseValue(values[0]).map(SearchText.normalize)
            })
    }

    // MARK: Disposition

    /// What a disposition at `cutoff` would remove: messages whose period (by the rules as
    /// they applied when each was stored, lengthened by any later version) has ended and
    /// that no active hold covers.
    public func dispositionPlan(cutoff: Timestamp) async throws -> DispositionPlan {
        let versions = try await allRuleVersions()
        return try await reading { db in try Self.plan(cutoff: cutoff, versions: versions, db: db) }
    }

    static func plan(cutoff: Timestamp, versions: [RetentionRule], db: Database) throws -> DispositionPlan {
        var plan = DispositionPlan(cutoff: cutoff, expired: [], rules: [:], held: 0)
        let schedule = RetentionSchedule(versions: versions)
        guard !schedule.isEmpty else { return plan }
        // When each leaf was stored: the time of the first checkpoint that covers it.
        let checkpoints = try Row.fetchAll(db, sql: "SELECT tree_size, at FROM checkpoints ORDER BY tree_size").map {
            (Int($0[0] as Int64), Int64($0[1] as Int64))
        }
        func storedAt(_ leaf: Int) -> Timestamp? {
            var low = 0
            var high = checkpoints.count
            while low < high {
                let mid = (low + high) / 2
                if checkpoints[mid].0 > leaf { high = mid } else { low = mid + 1 }
            }
            return low < checkpoints.count ? Timestamp(microseconds: checkpoints[low].1) : nil
        }
        var keys: [Int64: (platform: String, sourceID: String)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, platform, source_id FROM conversations") { keys[row[0]] = (row[1], row[2]) }
        let holds = try Row.fetchAll(db, sql: "SELECT id, name, kind, value, from_at, to_at FROM legal_holds WHERE state != 'released'")
        var held = Set<Int64>()
        for row in holds {
            let from: Int64? = row[4]
            let to: Int64? = row[5]
            let hold = LegalHold(
                id: row[0], name: row[1], kind: LegalHold.Kind(rawValue: row[2]) ?? .query, value: row[3], from: from.map(Timestamp.init),
                to: to.map(Timestamp.init), createdBy: "", createdAt: Timestamp(microseconds: 0), state: .active)
            held.formUnion(try Self.held(by: hold, db: db))
        }
        // A message a policy alert was raised on is part of the supervisory record: it stays,
        // with its alert and review history, and counts as held.
        held.formUnion(try Int64.fetchAll(db, sql: "SELECT DISTINCT message_id FROM alerts"))
        let rows = try Row.fetchCursor(db, sql: "SELECT id, leaf, conversation, sender, recipients, sent_at, sender_name FROM messages ORDER BY id")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            let conversation = keys[row[2]] ?? ("", "")
            let record = RetentionSchedule.Record(
                platform: conversation.platform, conversation: conversation.sourceID, sender: Handle(id: row[3], displayName: row[6]),
                recipients: ColumnJSON.parseHandles(row[4]), sentAt: Timestamp(microseconds: row[5]), storedAt: storedAt(row[1]))
            guard let period = schedule.period(of: record), period.hasEnded(at: cutoff) else { continue }
            if held.contains(id) {
                plan.held += 1
            } else {
                plan.expired.append(id)
                plan.rules[id] = period.rule
            }
        }
        return plan
    }

    /// Proposes a disposition at the current time; nothing is deleted until another
    /// officer approves it.
    public func proposeDisposition(actor: String, evidence: [(String, JSONValue)]) async throws -> Disposition {
        let now = clock()
        let plan = try await dispositionPlan(cutoff: now)
        let id = try await database.write { db -> Int64 in
            try db.execute(
                sql: "INSERT INTO dispositions (proposed_by, proposed_at, candidates, state) VALUES (?, ?, ?, 'proposed')",
                arguments: [actor, now.microseconds, plan.expired.count])
            return db.lastInsertedRowID
        }
        try await recordAudit(
            action: "retention.propose", actor: actor,
            detail: .object(
                [
                    ("disposition", .number(String(id))), ("candidates", .number(String(plan.expired.count))), ("held", .number(String(plan.held))),
                ] + evidence))
        return Disposition(id: id, proposedBy: actor, proposedAt: now, candidates: plan.expired.count, state: .proposed)
    }

    /// Carries out a proposed disposition. The approver must not be the proposer. Holds
    /// are checked again now: a hold placed since the proposal still protects.
    public func approveDisposition(id: Int64, actor: String, evidence: [(String, JSONValue)]) async throws -> Disposition {
        guard
            let row = try readingNow({ db in
                try Row.fetchOne(db, sql: "SELECT proposed_by, proposed_at, state FROM dispositions WHERE id = ?", arguments: [id])
            })
        else { throw ArchiveError(.notFound, "no disposition \(id)") }
        let proposedBy: String = row[0]
        let cutoff = Timestamp(microseconds: row[1])
        _ = try (Disposition.State(rawValue: row[2]) ?? .completed).approved(by: actor, proposedBy: proposedBy, disposition: id)
        let versions = try await allRuleVersions()
        let now = clock()
        let disposed = try await database.writeWithoutTransaction { db -> Int in
            var count = 0
            try db.inTransaction(.immediate) {
                let plan = try Self.plan(cutoff: cutoff, versions: versions, db: db)
                var log = try IntegrityLogWriter(db: db, signer: self.signer)
                var touched = Set<Int64>()
                for messageID in plan.expired {
                    if let conversation = try self.dispose(
                        messageID: messageID, rule: plan.rules[messageID] ?? "", disposition: id, at: now, db: db, log: &log)
                    {
                        touched.insert(conversation)
                        count += 1
                    }
                }
                for conversation in touched {
                    try db.execute(
                        sql: """
                            UPDATE conversations SET message_count = (SELECT count(*) FROM messages WHERE conversation = ?1),
                                first_at = (SELECT min(sent_at) FROM messages WHERE conversation = ?1),
                                last_at = (SELECT max(sent_at) FROM messages WHERE conversation = ?1)
                            WHERE id = ?1
                            """, arguments: [conversation])
                }
                try db.execute(
                    sql: "UPDATE dispositions SET state = 'completed', approved_by = ?, approved_at = ?, disposed = ? WHERE id = ?",
                    arguments: [actor, now.microseconds, count, id])
                _ = try log.appendAudit(
                    action: "retention.dispose", actor: actor,
                    detail: .object(
                        [
                            ("disposition", .number(String(id))), ("proposed_by", .string(proposedBy)), ("disposed", .number(String(count))),
                            ("held", .number(String(plan.held))),
                        ] + evidence), at: now)
                try log.checkpoint(at: now)
                return .commit
            }
            return count
        }
        return Disposition(
            id: id, proposedBy: proposedBy, proposedAt: cutoff, candidates: disposed, state: .completed, approvedBy: actor, disposed: disposed)
    }

    /// Removes one message's content and index entry, keeping its leaf and a tombstone.
    private func dispose(messageID: Int64, rule: String, disposition: Int64, at time: Timestamp, db: Database, log: inout IntegrityLogWriter) throws
        -> Int64?
    {
        guard
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT \(StoredMessage.selection(table: "m.")), c.platform, c.source_id FROM messages m JOIN conversations c ON c.id = m.conversation WHERE m.id = ?",
                arguments: [messageID])
        else { return nil }
        let stored = StoredMessage(row: row)
        let archived = stored.archived(platform: row[StoredMessage.width], conversationSourceID: row[StoredMessage.width + 1])
        let extra = try String.fetchOne(db, sql: "SELECT attachment_text FROM message_extras WHERE id = ?", arguments: [messageID])
        let incoming = IncomingMessage(message: archived.message, origin: "", attachmentText: extra.map { [$0] } ?? [])
        var cache: [String: String] = [:]
        // Messages archived before the flags existed were indexed without them (NULL).
        let flags = try String.fetchOne(db, sql: "SELECT index_flags FROM messages WHERE id = ?", arguments: [messageID]) ?? ""
        // FTS5 removes an entry only when given exactly what was indexed.
        try db.execute(
            sql: "INSERT INTO message_index (message_index, rowid, body, meta) VALUES ('delete', ?, ?, ?)",
            arguments: [
                messageID, Self.indexBody(incoming),
                Self.metaTokens(conversationID: stored.conversation, sender: archived.message.sender, cache: &cache) + flags,
            ])
        try db.execute(sql: "DELETE FROM messages WHERE id = ?", arguments: [messageID])
        try db.execute(sql: "DELETE FROM message_extras WHERE id = ?", arguments: [messageID])
        try log.appendTombstone(messageID: messageID, messageLeaf: stored.leaf, at: time, rule: rule, disposition: disposition)
        return stored.conversation
    }
}

extension SQLiteArchive {
    /// Gives every message indexed before the filter tokens existed (`index_flags` NULL) its
    /// platform, external, attachment and alert tokens: its index entry is replaced and the
    /// tokens stored with it. Runs once, when an older vault is opened (migration v4).
    static func backfillIndexFlags(_ db: Database) throws {
        let alerted = Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT message_id FROM alerts"))
        var extras: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, attachment_text FROM message_extras") { extras[row[0]] = row[1] }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(StoredMessage.selection(table: "m.")), c.platform, c.source_id, c.is_external FROM messages m
                JOIN conversations c ON c.id = m.conversation WHERE m.index_flags IS NULL ORDER BY m.id
                """)
        var cache: [String: String] = [:]
        for row in rows {
            let stored = StoredMessage(row: row)
            let archived = stored.archived(platform: row[StoredMessage.width], conversationSourceID: row[StoredMessage.width + 1])
            let incoming = IncomingMessage(message: archived.message, origin: "", attachmentText: extras[stored.id].map { [$0] } ?? [])
            let body = indexBody(incoming)
            let meta = metaTokens(conversationID: stored.conversation, sender: archived.message.sender, cache: &cache)
            let flags = flagTokens(archived.message, external: row[StoredMessage.width + 2], hasAlert: alerted.contains(stored.id))
            // FTS5 removes an entry only when given exactly what was indexed: the entry without flags.
            try db.execute(
                sql: "INSERT INTO message_index (message_index, rowid, body, meta) VALUES ('delete', ?, ?, ?)", arguments: [stored.id, body, meta])
            try db.execute(sql: "INSERT INTO message_index (rowid, body, meta) VALUES (?, ?, ?)", arguments: [stored.id, body, meta + flags])
            try db.execute(sql: "UPDATE messages SET index_flags = ? WHERE id = ?", arguments: [flags, stored.id])
        }
    }
}
