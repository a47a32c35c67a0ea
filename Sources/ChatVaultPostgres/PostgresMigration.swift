/// One named step of the PostgreSQL schema. Migrations are append-only: once shipped, a
/// migration is never edited or removed, and a new one goes at the end of ``all``.
public struct PostgresMigration: Sendable, Hashable {
    public var name: String
    /// Statements run in order, in one transaction with the bookkeeping row.
    public var statements: [String]

    public init(_ name: String, _ statements: [String]) {
        self.name = name
        self.statements = statements
    }

    /// The schema of this build, oldest first.
    public static let all: [PostgresMigration] = [policyState, messageStore]

    /// What ``PostgresPolicyStateStore`` needs: the policy's state, its generation, and the
    /// messages' dedup keys and content (a minimal message table until the message store).
    static let policyState = PostgresMigration(
        "1-policy-state",
        [
            """
            CREATE TABLE policy_personal_use (
                person text COLLATE "C" NOT NULL,
                day text COLLATE "C" NOT NULL,
                count bigint NOT NULL,
                PRIMARY KEY (person, day))
            """,
            """
            CREATE TABLE policy_marks (
                platform text COLLATE "C" NOT NULL,
                conversation text COLLATE "C" NOT NULL,
                kind text COLLATE "C" NOT NULL CHECK (kind IN ('wall', 'contact', 'sampled')),
                value text COLLATE "C" NOT NULL,
                PRIMARY KEY (platform, conversation, kind, value))
            """,
            """
            CREATE TABLE policy_generation (
                id integer PRIMARY KEY CHECK (id = 1),
                generation bigint NOT NULL)
            """,
            "INSERT INTO policy_generation (id, generation) VALUES (1, 0)",
            """
            CREATE TABLE messages (
                id bigserial PRIMARY KEY,
                platform text COLLATE "C" NOT NULL,
                conversation text COLLATE "C" NOT NULL,
                source_id text COLLATE "C" NOT NULL,
                sender text NOT NULL,
                text text NOT NULL,
                UNIQUE (platform, conversation, source_id))
            """,
            """
            CREATE TABLE participants (
                platform text COLLATE "C" NOT NULL,
                conversation text COLLATE "C" NOT NULL,
                handle text COLLATE "C" NOT NULL,
                display_name text,
                PRIMARY KEY (platform, conversation, handle))
            """,
        ])

    /// The message store (``PostgresArchive``): conversations, the full message columns and
    /// their search vector, attachments, the integrity log and its checkpoints, the audit
    /// trail and alerts. Ids of conversations, attachments, audit events and alerts are
    /// given by the writer (the next after the largest, as SQLite's row ids), so the same
    /// history gives the same canonical records and the same Merkle root on both backends.
    static let messageStore = PostgresMigration(
        "2-message-store",
        [
            """
            CREATE TABLE log_blocks (
                first_leaf bigint PRIMARY KEY,
                hashes bytea NOT NULL,
                owners bytea NOT NULL)
            """,
            """
            CREATE TABLE checkpoints (
                tree_size bigint PRIMARY KEY,
                root bytea NOT NULL,
                at bigint NOT NULL,
                origin text NOT NULL,
                signature bytea NOT NULL,
                frontier bytea NOT NULL)
            """,
            """
            CREATE TABLE conversations (
                id bigint PRIMARY KEY,
                leaf bigint NOT NULL UNIQUE,
                platform text COLLATE "C" NOT NULL,
                source_id text COLLATE "C" NOT NULL,
                name text,
                kind text NOT NULL,
                is_external boolean NOT NULL DEFAULT false,
                message_count bigint NOT NULL DEFAULT 0,
                first_at bigint,
                last_at bigint,
                UNIQUE (platform, source_id))
            """,
            "CREATE INDEX conversations_name ON conversations (lower(name))",
            "CREATE INDEX conversations_last ON conversations (last_at)",
            // Nullable: rows stored by the policy-state store's interim `store(_:messages:)` have only its columns.
            """
            ALTER TABLE messages
                ADD COLUMN leaf bigint UNIQUE,
                ADD COLUMN conversation_id bigint REFERENCES conversations(id),
                ADD COLUMN kind text,
                ADD COLUMN target text,
                ADD COLUMN sender_name text,
                ADD COLUMN recipients text,
                ADD COLUMN sent_at bigint,
                ADD COLUMN reply_to text,
                ADD COLUMN thread text,
                ADD COLUMN edited_from text,
                ADD COLUMN deleted boolean,
                ADD COLUMN reactions text,
                ADD COLUMN attachments text,
                ADD COLUMN redactions text,
                ADD COLUMN delivered_by text,
                ADD COLUMN sender_key text COLLATE "C",
                ADD COLUMN sender_name_key text COLLATE "C",
                ADD COLUMN platform_key text COLLATE "C",
                ADD COLUMN is_external boolean,
                ADD COLUMN has_attachments boolean,
                ADD COLUMN has_alert boolean,
                ADD COLUMN search tsvector
            """,
            "CREATE INDEX messages_search ON messages USING gin (search)",
            "CREATE INDEX messages_conversation ON messages (conversation_id, id)",
            "CREATE INDEX messages_sender ON messages (sender_key, id)",
            "CREATE INDEX messages_source ON messages (source_id)",
            """
            CREATE TABLE blobs (
                id bigint PRIMARY KEY,
                sha256 text COLLATE "C" NOT NULL UNIQUE,
                size bigint NOT NULL,
                leaf bigint NOT NULL UNIQUE,
                content bytea NOT NULL)
            """,
            """
            CREATE TABLE audit_events (
                id bigint PRIMARY KEY,
                leaf bigint NOT NULL UNIQUE,
                at bigint NOT NULL,
                actor text COLLATE "C" NOT NULL,
                action text COLLATE "C" NOT NULL,
                detail text NOT NULL)
            """,
            "CREATE INDEX audit_events_actor ON audit_events (actor, id)",
            """
            CREATE TABLE alerts (
                id bigint PRIMARY KEY,
                leaf bigint NOT NULL UNIQUE,
                message_id bigint NOT NULL REFERENCES messages(id),
                rule text COLLATE "C" NOT NULL,
                severity text NOT NULL,
                action text NOT NULL,
                state text NOT NULL,
                policy_version text NOT NULL,
                raised_at bigint NOT NULL,
                detail text NOT NULL,
                assignee text)
            """,
            "CREATE INDEX alerts_state ON alerts (state, id)",
            "CREATE INDEX alerts_rule ON alerts (rule, id)",
        ])
}
