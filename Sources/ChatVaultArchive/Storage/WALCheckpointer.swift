import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log back into the database file on a connection of its own,
/// off the commit path.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that
/// commit copies the whole log into the database and syncs both files before it returns,
/// so one request in a few dozen waits for a thousand page writes. Here a commit only
/// notes how long the log is (SQLite's WAL hook); past ``threshold`` pages a background
/// queue runs a passive checkpoint, which never blocks a writer. Should the log still
/// reach ``backstop`` pages (the background queue starved), the committing connection
/// checkpoints itself, as SQLite would have.
final class WALCheckpointer: @unchecked Sendable {
    /// Log pages after which a background checkpoint is started (SQLite's default threshold).
    static let threshold: Int32 = 1_000
    /// Log pages after which the committing connection checkpoints itself.
    static let backstop: Int32 = 16_000

    private let path: String
    private let queue = DispatchQueue(label: "chatvault.wal-checkpoint", qos: .utility)
    /// The checkpoint connection, opened on first use; touched on `queue` only (and in deinit).
    private var connection: OpaquePointer?
    /// Whether a run is queued and has not started.
    private let queued = Atomic<Bool>(false)
    /// Background checkpoints run so far (for tests).
    let runs = Atomic<Int>(0)

    init(path: String) {
        self.path = path
    }

    deinit {
        sqlite3_close_v2(connection)
    }

    /// Makes `db` report each commit's log length to this checkpointer instead of
    /// checkpointing in the commit (replaces SQLite's automatic checkpoint).
    func install(on db: Database) {
        guard let connection = db.sqliteConnection else { return }
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            connection,
            { context, connection, _, pages in
                guard let context else { return SQLITE_OK }
                let checkpointer = Unmanaged<WALCheckpointer>.fromOpaque(context).takeUnretainedValue()
                if pages >= WALCheckpointer.backstop {
                    sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                } else if pages >= WALCheckpointer.threshold {
                    checkpointer.schedule()
                }
                return SQLITE_OK
            }, context)
    }

    /// Queues one background checkpoint unless one is queued already.
    func schedule() {
        guard !queued.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { self.run() }
    }

    /// Waits until the checkpoints queued so far have run.
    func drain() {
        queue.sync {}
    }

    private func run() {
        queued.store(false, ordering: .releasing)
        if connection == nil {
            var opened: OpaquePointer?
            guard sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let opened else {
                sqlite3_close_v2(opened)
                return
            }
            sqlite3_busy_timeout(opened, 5_000)
            // A checkpoint syncs the log before and the database after copying.
            sqlite3_exec(opened, "PRAGMA synchronous = FULL", nil, nil, nil)
            connection = opened
        }
        sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        runs.add(1, ordering: .relaxed)
    }
}
