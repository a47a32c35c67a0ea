public import ChatVaultCore
public import Foundation
import GRDB

/// The embedded archive: one SQLite database in WAL mode with an FTS5 index.
///
/// Writes go through one serialized connection with `synchronous=FULL`, so a batch
/// is on disk when ``append(_:context:)`` returns; the log is copied back into the
/// database by a ``WALCheckpointer`` on a connection of its own, not in the commit.
/// Schema changes are named, append-only migrations, so an old vault upgrades itself on
/// open. It implements every store of ``ArchiveBackend``; callers above the archive
/// module see only those.
public final class SQLiteArchive: Archive {
    let database: DatabaseQueue
    /// Checkpoints the write-ahead log off the commit path; `nil` for an in-memory archive.
    let checkpointer: WALCheckpointer?
    let signer: CheckpointSigner
    /// Company domains; a participant with an address outside them makes a conversation external.
    let internalDomains: Set<String>
    let clock: @Sendable () -> Timestamp
    /// Where attachment contents are kept; `nil` for an archive that stores none.
    let blobs: BlobStore?

    /// Opens (creating if needed) the archive database at `path`.
    public init(
        path: String, signer: CheckpointSigner, internalDomains: Set<String> = [], blobDirectory: URL? = nil,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let onDisk = !path.isEmpty && !path.hasPrefix(":") && !path.hasPrefix("file:")
        // Retained by the configuration's closure, so it lives as long as the connection.
        let checkpointer = onDisk ? WALCheckpointer(path: path) : nil
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            checkpointer?.install(on: db)
            // FULL: a commit is on disk before it is acknowledged, even across power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // Batches of thousands of messages touch many index pages; a 2 MB default cache
            // would re-read them from the OS for every batch.
            try db.execute(sql: "PRAGMA cache_size = -131072")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        // SQLite gives its -wal and -shm files the database file's mode, so a database
        // created 0600 here keeps all three private whatever the umask.
        if onDisk { try PrivateFile.touch(URL(fileURLWithPath: path)) }
        database = try DatabaseQueue(path: path, configuration: configuration)
        self.checkpointer = checkpointer
        self.signer = signer
        self.internalDomains = Set(internalDomains.map { $0.lowercased() })
        self.clock = clock
        self.blobs = blobDirectory.map(BlobStore.init(directory:))
        try Self.migrator.migrate(database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    -- The integrity log: the leaf hashes of one committed batch, in order, and
                    -- which record each leaf is (9 bytes a leaf: kind, then id big-endian).
                    CREATE TABLE log_blocks (
                        first_leaf INTEGER PRIMARY KEY,
                        hashes BLOB NOT NULL,
                        owners BLOB NOT NULL
                    );
                    CREATE TABLE checkpoints (
                        tree_size INTEGER PRIMARY KEY,
                        root BLOB NOT NULL,
                        at INTEGER NOT NULL,
                        origin TEXT NOT NULL,
                        signature BLOB NOT NULL,
                        frontier BLOB NOT NULL
                    );
                    CREATE TABLE conversations (
                        id INTEGER PRIMARY KEY,
                        leaf INTEGER NOT NULL UNIQUE,
                        platform TEXT NOT NULL,
                        source_id TEXT NOT NULL,
                        name TEXT,
                        kind TEXT NOT NULL,
                        is_external INTEGER NOT NULL DEFAULT 0,
                        message_count INTEGER NOT NULL DEFAULT 0,
                        first_at INTEGER,
                        last_at INTEGER,
                        UNIQUE (platform, source_id)
                    );
                    CREATE INDEX conversations_name ON conversations(name COLLATE NOCASE);
                    CREATE INDEX conversations_last ON conversations(last_at);
                    CREATE TABLE participants (
                        conversation INTEGER NOT NULL REFERENCES conversations(id),
                        handle TEXT NOT NULL,
                        display_name TEXT,
                        PRIMARY KEY (conversation, handle)
                    ) WITHOUT ROWID;
                    CREATE TABLE messages (
                        id INTEGER PRIMARY KEY,
                        leaf INTEGER NOT NULL,
                        conversation INTEGER NOT NULL REFERENCES conversations(id),
                        source_id TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        target TEXT,
                        sender TEXT NOT NULL,
                        sender_name TEXT,
                        recipients TEXT NOT NULL,
                        sent_at INTEGER NOT NULL,
                        text TEXT NOT NULL,
                        reply_to TEXT,
                        thread TEXT,
                        edited_from TEXT NOT NULL,
                        deleted INTEGER NOT NULL,
                        reactions TEXT NOT NULL,
                        attachments TEXT NOT NULL,
                        redactions TEXT NOT NULL,
                        UNIQUE (conversation, source_id)
                    );
                    CREATE TABLE blobs (
                        id INTEGER PRIMARY KEY,
                        sha256 TEXT NOT NULL UNIQUE,
                        size INTEGER NOT NULL,
                        leaf INTEGER NOT NULL UNIQUE
                    );
                    CREATE TABLE audit_events (
                        id INTEGER PRIMARY KEY,
                        leaf INTEGER NOT NULL UNIQUE,
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    -- Policy alerts: the leaf covers every column but state, which the review
                    -- workflow changes (each change is an audit event).
                    -- What the index holds beyond the message's own text (redacted attachment
                    -- text), so that disposition can remove the message's index entry exactly.
                    CREATE TABLE message_extras (
                        id INTEGER PRIMARY KEY,
                        attachment_text TEXT NOT NULL
                    );
                    -- Retention rules, one row per version: a change adds a row, never edits one.
                    CREATE TABLE retention_rules (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        platform TEXT,
                        conversation TEXT,
                        person TEXT,
                        period_days INTEGER NOT NULL,
                        effective_from INTEGER NOT NULL,
                        set_by TEXT NOT NULL
                    );
                    CREATE TABLE legal_holds (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        value TEXT NOT NULL,
                        from_at INTEGER,
                        to_at INTEGER,
                        created_by TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        release_proposed_by TEXT,
                        released_by TEXT,
                        released_at INTEGER
                    );
                    CREATE TABLE dispositions (
                        id INTEGER PRIMARY KEY,
                        proposed_by TEXT NOT NULL,
                        proposed_at INTEGER NOT NULL,
                        candidates INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        approved_by TEXT,
                        approved_at INTEGER,
                        disposed INTEGER
                    );
                    -- A disposed message: its content is gone, its leaf stays, and this record
                    -- (itself a leaf) says when and under which rule it went.
                    CREATE TABLE tombstones (
                        message_id INTEGER PRIMARY KEY,
                        leaf INTEGER NOT NULL UNIQUE,
                        message_leaf INTEGER NOT NULL UNIQUE,
                        disposed_at INTEGER NOT NULL,
                        rule TEXT NOT NULL,
                        disposition INTEGER NOT NULL
                    );
                    CREATE TABLE alerts (
                        id INTEGER PRIMARY KEY,
                        leaf INTEGER NOT NULL UNIQUE,
                        message_id INTEGER NOT NULL REFERENCES messages(id),
                        rule TEXT NOT NULL,
                        severity TEXT NOT NULL,
                        action TEXT NOT NULL,
                        state TEXT NOT NULL,
                        policy_version TEXT NOT NULL,
                        raised_at INTEGER NOT NULL,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX alerts_state ON alerts(state, id);
                    CREATE INDEX alerts_rule ON alerts(rule, id);
                    -- The index holds normalised text; it never reads content back (snippets are
                    -- made from the stored text), so its content table is a view of empty strings.
                    CREATE VIEW message_index_content AS SELECT id, '' AS body, '' AS meta FROM messages;
                    CREATE VIRTUAL TABLE message_index USING fts5(
                        body, meta,
                        content = 'message_index_content', content_rowid = 'id',
                        tokenize = 'unicode61 remove_diacritics 0'
                    );
                    """)
        }
        migrator.registerMigration("v2-review") { db in
            try db.execute(
                sql: """
                    -- The review workflow on alerts: every action is also an audit event (a leaf);
                    -- this table is the queryable view of them, and alerts.assignee the current owner.
                    ALTER TABLE alerts ADD COLUMN assignee TEXT;
                    CREATE TABLE alert_reviews (
                        id INTEGER PRIMARY KEY,
                        alert_id INTEGER NOT NULL REFERENCES alerts(id),
                        audit_id INTEGER NOT NULL REFERENCES audit_events(id),
                        at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        action TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    CREATE INDEX alert_reviews_alert ON alert_reviews(alert_id, id);
                    """)
        }
        migrator.registerMigration("v3-index-flags") { db in
            // The filter tokens each message was indexed with (platform, external, attachments,
            // alerts); NULL for messages indexed before they existed.
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN index_flags TEXT")
        }
        // Who delivered each message; older rows keep NULL, and so their old record hashes.
        // Registered before v4's backfill, which reads every message column.
        migrator.registerMigration("v5-delivered-by") { db in
            try db.execute(sql: "ALTER TABLE messages ADD COLUMN delivered_by TEXT")
        }
        migrator.registerMigration("v4-backfill-index-flags") { db in
            try Self.backfillIndexFlags(db)
        }
        // What the IM-use policy remembers between batches (SQLiteArchive+PolicyState.swift).
        migrator.registerMigration("policy_state") { db in
            try Self.createPolicyState(db)
        }
        return migrator
    }

    public func statistics() async throws -> ArchiveStatistics {
        try await reading { db in
            ArchiveStatistics(
                messages: try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") ?? 0,
                conversations: try Int.fetchOne(db, sql: "SELECT count(*) FROM conversations") ?? 0,
                auditEvents: try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_events") ?? 0,
                treeSize: try Self.latestCheckpoint(db)?.checkpoint.treeSize ?? 0,
                latestCheckpoint: try Self.latestCheckpoint(db)?.checkpoint)
        }
    }

    /// The newest checkpoint and the frontier saved with it.
    static func latestCheckpoint(_ db: Database) throws -> (checkpoint: Checkpoint, frontier: MerkleFrontier)? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT tree_size, root, at, origin, signature, frontier FROM checkpoints ORDER BY tree_size DESC LIMIT 1")
        else { return nil }
        let checkpoint = checkpoint(from: row)
        let frontierBytes: [UInt8] = Array(row[5] as Data)
        guard let frontier = MerkleFrontier(size: checkpoint.treeSize, serialized: frontierBytes) else {
            throw ArchiveError.corrupt("the latest checkpoint's saved frontier is damaged; run `chatvault verify`")
        }
        return (checkpoint, frontier)
    }

    static func checkpoint(from row: Row) -> Checkpoint {
        Checkpoint(
            origin: row[3], treeSize: row[0], root: Array(row[1] as Data), time: Timestamp(microseconds: row[2]),
            signature: Array(row[4] as Data))
    }
}

extension SQLiteArchive: ArchiveBackend {}
