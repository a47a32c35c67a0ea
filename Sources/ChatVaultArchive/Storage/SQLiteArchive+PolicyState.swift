public import ChatVaultCore
import GRDB

/// The policy's durable state in SQLite: personal-use counts per person and day, one
/// mark per conversation and wall, contact or sampling draw, and a generation that every
/// batch storing messages or state raises (the check for concurrent writers).
extension SQLiteArchive: PolicyStateStore {
    public func policyState(for keys: PolicyStateKeys, messages: [Message.DedupKey]) async throws -> PolicyStateSnapshot {
        try await reading { db in
            // One read transaction: the generation, the state and the duplicates agree. Each
            // kind of state is read in one statement for the whole batch (the keys passed as a
            // JSON array), not one statement per key.
            let generation = try Self.policyGeneration(db)
            var state = PolicyState()
            let days = Array(keys.personDays)
            for key in days { state.personalCounts[key] = 0 }
            if !days.isEmpty {
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql: """
                            SELECT p.person, p.day, p.count FROM json_each(?) AS j CROSS JOIN policy_personal_use AS p
                            ON p.person = json_extract(j.value, '$[0]') AND p.day = json_extract(j.value, '$[1]')
                            """), arguments: [Self.jsonPairs(days.map { ($0.person, $0.day) })])
                while let row = try rows.next() { state.personalCounts[PolicyState.PersonDay(person: row[0], day: row[1])] = row[2] }
            }
            var conversations = keys.conversations
            for key in messages { conversations.insert(PolicyState.ConversationKey(platform: key.platform, id: key.conversation)) }
            let ids = try Self.conversationIDs(of: Array(conversations), db: db)
            let asked = Array(keys.conversations)
            for key in asked { state.conversations[key] = PolicyState.Conversation() }
            let known = asked.compactMap { key in ids[key].map { (key: key, id: $0) } }
            if !known.isEmpty {
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql: """
                            SELECT j.key, p.handle, p.display_name FROM json_each(?) AS j CROSS JOIN participants AS p
                            ON p.conversation = j.value ORDER BY j.key, p.handle
                            """), arguments: ["[" + known.map { String($0.id) }.joined(separator: ",") + "]"])
                while let row = try rows.next() {
                    let index: Int = row[0]
                    state.conversations[known[index].key]?.participants.append(Handle(id: row[1], displayName: row[2]))
                }
            }
            if !asked.isEmpty {
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql: """
                            SELECT j.key, m.kind, m.value FROM json_each(?) AS j CROSS JOIN policy_marks AS m
                            ON m.platform = json_extract(j.value, '$[0]') AND m.conversation = json_extract(j.value, '$[1]')
                            """), arguments: [Self.jsonPairs(asked.map { ($0.platform, $0.id) })])
                while let row = try rows.next() {
                    let index: Int = row[0]
                    let value: String = row[2]
                    switch row[1] as String {
                    case Mark.wall: state.conversations[asked[index]]?.breachedWalls.insert(value)
                    case Mark.contact: state.conversations[asked[index]]?.alertedContacts.insert(value)
                    case Mark.sampled: state.conversations[asked[index]]?.sampled = value == Mark.drawn
                    default: break
                    }
                }
            }
            return PolicyStateSnapshot(generation: generation, state: state, archivedCopies: try Self.archivedCopies(of: messages, in: ids, db: db))
        }
    }

    public func append(_ batch: [IncomingMessage], alerts: [Alert], policyState: PolicyStateDelta, context: AppendContext) async throws
        -> AppendReceipt
    {
        try await append(batch, alerts: alerts, context: context, policyState: Optional(policyState))
    }

    /// The stored text and sender of each key's message, and of messages stored under an id
    /// derived from it (`id#…`, an id reused for other content); `ids` holds the archive's id
    /// of each conversation it knows.
    static func archivedCopies(of keys: [Message.DedupKey], in ids: [PolicyState.ConversationKey: Int64], db: Database) throws
        -> [Message.DedupKey: [PolicyStateSnapshot.ArchivedCopy]]
    {
        let wanted = Set(keys).compactMap { key in
            ids[PolicyState.ConversationKey(platform: key.platform, id: key.conversation)].map { (key: key, id: $0) }
        }
        guard !wanted.isEmpty else { return [:] }
        var json = JSONWriter(reservingCapacity: wanted.count * 32)
        json.raw("[")
        for (n, item) in wanted.enumerated() {
            json.raw(n == 0 ? "[" : ",[")
            json.integer(item.id)
            json.raw(",")
            json.writeString(item.key.sourceID)
            json.raw("]")
        }
        json.raw("]")
        // `#` sorts just before `$`: [id, id + "$") holds the id and every `id#…`.
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT j.key, m.source_id, m.text, m.sender FROM json_each(?) AS j CROSS JOIN messages AS m
                    ON m.conversation = json_extract(j.value, '$[0]') AND m.source_id >= json_extract(j.value, '$[1]')
                    AND m.source_id < json_extract(j.value, '$[1]') || '$'
                    """), arguments: [json.string])
        var found: [Message.DedupKey: [PolicyStateSnapshot.ArchivedCopy]] = [:]
        while let row = try rows.next() {
            let key = wanted[row[0] as Int].key
            let sourceID: String = row[1]
            guard sourceID == key.sourceID || sourceID.hasPrefix(key.sourceID + "#") else { continue }
            found[key, default: []].append(PolicyStateSnapshot.ArchivedCopy(text: row[2], sender: row[3]))
        }
        return found
    }

    /// The archive's id of each conversation in `keys` that it holds, read in one statement.
    static func conversationIDs(of keys: [PolicyState.ConversationKey], db: Database) throws -> [PolicyState.ConversationKey: Int64] {
        guard !keys.isEmpty else { return [:] }
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT j.key, c.id FROM json_each(?) AS j CROSS JOIN conversations AS c
                    ON c.platform = json_extract(j.value, '$[0]') AND c.source_id = json_extract(j.value, '$[1]')
                    """), arguments: [jsonPairs(keys.map { ($0.platform, $0.id) })])
        var ids: [PolicyState.ConversationKey: Int64] = [:]
        while let row = try rows.next() { ids[keys[row[0] as Int]] = row[1] }
        return ids
    }

    /// `[[a, b], …]` as JSON text, for `json_each`.
    static func jsonPairs(_ pairs: [(String, String)]) -> String {
        var json = JSONWriter(reservingCapacity: pairs.count * 40)
        json.raw("[")
        for (n, pair) in pairs.enumerated() {
            json.raw(n == 0 ? "[" : ",[")
            json.writeString(pair.0)
            json.raw(",")
            json.writeString(pair.1)
            json.raw("]")
        }
        json.raw("]")
        return json.string
    }

    static func policyGeneration(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT generation FROM policy_generation WHERE id = 1")) ?? 0
    }

    /// Refuses a delta evaluated on another generation; runs first in the batch's transaction.
    static func checkPolicyState(basis: Int64, db: Database) throws {
        let current = try policyGeneration(db)
        guard current == basis else { throw PolicyStateConflict(expected: basis, found: current) }
    }

    /// Stores a batch's state changes and raises the generation when the batch stored
    /// messages or changes (participants and duplicates are part of what a batch decides on).
    static func storePolicyState(_ delta: PolicyStateDelta?, storedMessages: Bool, db: Database) throws {
        let changes = delta?.changes ?? []
        guard storedMessages || !changes.isEmpty else { return }
        try db.cachedStatement(sql: "UPDATE policy_generation SET generation = generation + 1 WHERE id = 1").execute()
        guard let delta, !changes.isEmpty else { return }
        let count = try db.cachedStatement(
            sql: """
                INSERT INTO policy_personal_use (person, day, count) VALUES (?, ?, ?)
                ON CONFLICT (person, day) DO UPDATE SET count = count + excluded.count
                """)
        for (key, increment) in delta.personalIncrements.sorted(by: { $0.key < $1.key }) {
            try count.execute(arguments: [key.person, key.day, increment])
        }
        let mark = try db.cachedStatement(sql: "INSERT OR IGNORE INTO policy_marks (platform, conversation, kind, value) VALUES (?, ?, ?, ?)")
        let draw = try db.cachedStatement(
            sql: """
                INSERT INTO policy_marks (platform, conversation, kind, value) SELECT ?1, ?2, 'sampled', ?3
                WHERE NOT EXISTS (SELECT 1 FROM policy_marks WHERE platform = ?1 AND conversation = ?2 AND kind = 'sampled')
                """)
        for change in changes {
            switch change {
            case .personalUse: continue
            case .wallBreached(let key, let wall): try mark.execute(arguments: [key.platform, key.id, Mark.wall, wall])
            case .contactAlerted(let key, let handle): try mark.execute(arguments: [key.platform, key.id, Mark.contact, handle])
            case .sampled(let key, let drawn): try draw.execute(arguments: [key.platform, key.id, drawn ? Mark.drawn : Mark.notDrawn])
            }
        }
    }

    /// The `policy_state` migration. Walls, contacts and draws already alerted in the
    /// archive are remembered from its alerts (a contact from the alert's description);
    /// personal-use counts start at zero.
    static func createPolicyState(_ db: Database) throws {
        try db.execute(
            sql: """
                -- Personal messages per person (employee id or handle) and local day.
                CREATE TABLE policy_personal_use (
                    person TEXT NOT NULL,
                    day TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (person, day)
                ) WITHOUT ROWID;
                -- What a conversation already raised: kind 'wall' (value: wall name), 'contact'
                -- (value: handle) or 'sampled' (value: 'drawn' or 'not-drawn', one per conversation).
                CREATE TABLE policy_marks (
                    platform TEXT NOT NULL,
                    conversation TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (platform, conversation, kind, value)
                ) WITHOUT ROWID;
                CREATE TABLE policy_generation (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    generation INTEGER NOT NULL
                );
                INSERT INTO policy_generation (id, generation) VALUES (1, 0);
                INSERT OR IGNORE INTO policy_marks (platform, conversation, kind, value)
                    SELECT c.platform, c.source_id, 'wall', substr(a.rule, 6)
                    FROM alerts a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation
                    WHERE a.rule LIKE 'wall.%';
                INSERT OR IGNORE INTO policy_marks (platform, conversation, kind, value)
                    SELECT c.platform, c.source_id, 'sampled', 'drawn'
                    FROM alerts a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation
                    WHERE a.rule = 'sampling';
                INSERT OR IGNORE INTO policy_marks (platform, conversation, kind, value)
                    SELECT platform, source_id, 'contact', substr(d, 18, instr(d, ' is not approved for ') - 18) FROM (
                        SELECT c.platform, c.source_id, json_extract(a.detail, '$.description') AS d
                        FROM alerts a JOIN messages m ON m.id = a.message_id JOIN conversations c ON c.id = m.conversation
                        WHERE a.rule = 'external-contact')
                    WHERE d LIKE 'external contact % is not approved for %';
                """)
    }

    private enum Mark {
        static let wall = "wall"
        static let contact = "contact"
        static let sampled = "sampled"
        static let drawn = "drawn"
        static let notDrawn = "not-drawn"
    }
}
