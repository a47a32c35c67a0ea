public import ChatVaultArchive
public import ChatVaultCore
import Logging
import PostgresNIO

/// The policy's durable state in PostgreSQL, read and written for ``PostgresArchive`` (the
/// ``PolicyStateStore`` on PostgreSQL), with the same rules as the SQLite store:
/// personal-use counts per person and day, one mark per conversation and wall, contact or
/// sampling draw, and a generation that every batch storing messages or state raises.
///
/// Writers serialise on the generation row (`SELECT … FOR UPDATE`): a delta whose basis is
/// not the generation found under that lock is refused with ``PolicyStateConflict`` before
/// anything is written. Reads take one repeatable-read snapshot, so the generation, the
/// state and the duplicates agree.
public struct PostgresPolicyStateStore: Sendable {
    public let backend: PostgresBackend

    public init(backend: PostgresBackend) {
        self.backend = backend
    }

    public func policyState(for keys: PolicyStateKeys, messages: [Message.DedupKey]) async throws -> PolicyStateSnapshot {
        let logger = backend.logger
        return try await backend.transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { connection in
            let generation = try await Self.generation(connection, lock: false, logger: logger)
            var state = PolicyState()
            for key in keys.personDays {
                let rows = try await connection.query(
                    "SELECT count FROM policy_personal_use WHERE person = \(key.person) AND day = \(key.day)", logger: logger)
                var count = 0
                for try await value in rows.decode(Int64.self) { count = Int(value) }
                state.personalCounts[key] = count
            }
            for key in keys.conversations {
                var conversation = PolicyState.Conversation()
                let participants = try await connection.query(
                    """
                    SELECT handle, display_name FROM participants WHERE platform = \(key.platform) AND conversation = \(key.id)
                    ORDER BY handle
                    """, logger: logger)
                for try await (handle, name) in participants.decode((String, String?).self) {
                    conversation.participants.append(Handle(id: handle, displayName: name))
                }
                let marks = try await connection.query(
                    "SELECT kind, value FROM policy_marks WHERE platform = \(key.platform) AND conversation = \(key.id)", logger: logger)
                for try await (kind, value) in marks.decode((String, String).self) {
                    switch kind {
                    case Mark.wall: conversation.breachedWalls.insert(value)
                    case Mark.contact: conversation.alertedContacts.insert(value)
                    case Mark.sampled: conversation.sampled = value == Mark.drawn
                    default: break
                    }
                }
                state.conversations[key] = conversation
            }
            var copies: [Message.DedupKey: [PolicyStateSnapshot.ArchivedCopy]] = [:]
            for key in Set(messages) {
                // `#` sorts just before `$` (columns are COLLATE "C"): [id, id + "$") holds the id and every `id#…`.
                let rows = try await connection.query(
                    """
                    SELECT source_id, text, sender FROM messages
                    WHERE platform = \(key.platform) AND conversation = \(key.conversation)
                    AND source_id >= \(key.sourceID) AND source_id < \(key.sourceID + "$")
                    """, logger: logger)
                for try await (sourceID, text, sender) in rows.decode((String, String, String).self) {
                    guard sourceID == key.sourceID || sourceID.hasPrefix(key.sourceID + "#") else { continue }
                    copies[key, default: []].append(PolicyStateSnapshot.ArchivedCopy(text: text, sender: sender))
                }
            }
            return PolicyStateSnapshot(generation: generation, state: state, archivedCopies: copies)
        }
    }

    /// Stores `delta`'s changes and raises the generation when the batch stored messages or
    /// changes (participants and duplicates are part of what a batch decides on), in the
    /// caller's transaction, which holds the generation row.
    static func store(_ delta: PolicyStateDelta?, storedMessages: Bool, _ connection: PostgresConnection, logger: Logger) async throws {
        let changes = delta?.changes ?? []
        guard storedMessages || !changes.isEmpty else { return }
        try await connection.query("UPDATE policy_generation SET generation = generation + 1 WHERE id = 1", logger: logger)
        for (key, increment) in (delta?.personalIncrements ?? [:]).sorted(by: { $0.key < $1.key }) {
            try await connection.query(
                """
                INSERT INTO policy_personal_use (person, day, count) VALUES (\(key.person), \(key.day), \(Int64(increment)))
                ON CONFLICT (person, day) DO UPDATE SET count = policy_personal_use.count + excluded.count
                """, logger: logger)
        }
        for change in changes {
            let (key, kind, value): (PolicyState.ConversationKey, String, String)
            switch change {
            case .personalUse: continue
            case .wallBreached(let conversation, let wall): (key, kind, value) = (conversation, Mark.wall, wall)
            case .contactAlerted(let conversation, let handle): (key, kind, value) = (conversation, Mark.contact, handle)
            case .sampled(let conversation, let drawn): (key, kind, value) = (conversation, Mark.sampled, drawn ? Mark.drawn : Mark.notDrawn)
            }
            // The first draw stands; a wall or contact is remembered once.
            try await connection.query(
                """
                INSERT INTO policy_marks (platform, conversation, kind, value)
                SELECT \(key.platform), \(key.id), \(kind), \(value)
                WHERE \(kind) <> 'sampled' OR NOT EXISTS (
                    SELECT 1 FROM policy_marks WHERE platform = \(key.platform) AND conversation = \(key.id) AND kind = 'sampled')
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    static func generation(_ connection: PostgresConnection, lock: Bool, logger: Logger) async throws -> Int64 {
        let rows = try await connection.query(
            lock
                ? "SELECT generation FROM policy_generation WHERE id = 1 FOR UPDATE"
                : "SELECT generation FROM policy_generation WHERE id = 1", logger: logger)
        for try await generation in rows.decode(Int64.self) { return generation }
        return 0
    }

    private enum Mark {
        static let wall = "wall"
        static let contact = "contact"
        static let sampled = "sampled"
        static let drawn = "drawn"
        static let notDrawn = "not-drawn"
    }
}
