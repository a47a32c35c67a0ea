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
    public static let all: [PostgresMigration] = [policyState]

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
}
