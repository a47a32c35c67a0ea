public import ChatVaultCore
import GRDB

/// The policy's durable state in SQLite: personal-use counts per person and day, one
/// mark per conversation and wall, contact or sampling draw, and a generation that every
/// batch storing messages or state raises (the check for concurrent writers).
extension SQLiteArchive: PolicyStateStore {
    public func policyState(for keys: PolicyStateKeys, messages: [Message.DedupKey]) async throws -> PolicyStateSnapshot {
        try await database.read { db in
            // One read transaction: the generation, the state and the duplicates agree.
            let generation = try Self.policyGeneration(db)
            var state = PolicyState()
            let count = try db.cachedStatement(sql: "SELECT count FROM policy_personal_use WHERE person = ? AND day = ?")
            for key in keys.personDays {
                state.personalCounts[key] = try Int.fetchOne(count, arguments: [key.person, key.day]) ?? 0
            }
            let conversationID = try db.cachedStatement(sql: "SELECT id FROM conversations WHERE platform = ? AND source_id = ?")
            let participants = try db.cachedStatement(sql: "SELECT handle, display_name FROM participants WHERE conversation = ? ORDER BY handle")
            let marks = try db.cachedStatement(sql: "SELECT kind, value FROM policy_marks WHERE platform = ? AND conversation = ?")
            for key in keys.conversations {
                var conversation = PolicyState.Conversation()
                if let id = try Int64.fetchOne(conversationID, arguments: [key.platform, key.id]) {
                    conversation.participants = try Row.fetchAll(participants, arguments: [id]).map { Handle(id: $0[0], displayName: $0[1]) }
                }
                for row in try Row.fetchAll(marks, arguments: [key.platform, key.id]) {
                    let value: String = row[1]
                    switch row[0] as String {
                    case Mark.wall: conversation.breachedWalls.insert(value)
                    case Mark.contact: conversation.alertedContacts.insert(value)
                    case Mark.sampled: conversation.sampled = value == Mark.drawn
                    default: break
                    }
                }
                state.conversations[key] = conversation
            }
            return PolicyStateSnapshot(
                generation: generation, state: state, archivedCopies: try Self.archivedCopies(of: messages, conversationID: conversationID, db: db))
        }
    }

    public func append(_ batch: [IncomingMessage], alerts: [Alert], policyState: PolicyStateDelta, context: AppendContext) async throws
        -> AppendReceipt
    {
        try await append(batch, alerts: alerts, context: context, policyState: Optional(policyState))
    }

    /// The stored text and sender of each key's message, and of messages stored under an id
    /// derived from it (`id#…`, an id reused for other content).
    static func archivedCopies(of keys: [Message.DedupKey], conversationID: Statement, db: Database) throws
        -> [Message.DedupKey: [PolicyStateSnapshot.ArchivedCopy]]
    {
        guard !keys.isEmpty else { return [:] }
        // `#` sorts just before `$`: [id, id + "$") holds the id and every `id#…`.
        let copies = try db.cachedStatement(
            sql: "SELECT source_id, text, sender FROM messages WHERE conversation = ? AND source_id >= ? AND source_id < ?")
        var conversations: [PolicyState.ConversationKey: Int64?] = [:]
        var found: [Message.DedupKey: [PolicyStateSnapshot.ArchivedCopy]] = [:]
        for key in Set(keys) {
            let conversation = PolicyState.ConversationKey(platform: key.platform, id: key.conversation)
            let id: Int64?
            if let known = conversations[conversation] {
                id = known
            } else {
                id = try Int64.fetchOne(conversationID, arguments: [key.platform, key.conversation])
                conversations[conversation] = id
            }
            guard let id else { continue }
            for row in try Row.fetchAll(copies, arguments: [id, key.sourceID, key.sourceID + "$"]) {
                let sourceID: String = row[0]
                guard sourceID == key.sourceID || sourceID.hasPrefix(key.sourceID + "#") else { continue }
                found[key, default: []].append(PolicyStateSnapshot.ArchivedCopy(text: row[1], sender: row[2]))
            }
        }
        return found
    }

    static func policyGeneration(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT generation FROM policy_generation WHERE id = 1") ?? 0
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
        try db.execute(sql: "UPDATE policy_generation SET generation = generation + 1 WHERE id = 1")
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
