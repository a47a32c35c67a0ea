import ChatVaultCore
import Foundation
import GRDB

/// The baseline: the rows loaded by a plain SQLite FTS5 insert loop, as
/// ../shared/bench/bench_sqlite.py does it (same schema, WAL, synchronous=NORMAL,
/// 100,000-row transactions), in this process so the ratio is measured in one run.
struct PlainSQLiteBaseline {
    var path: String

    func connect() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY")
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    func load(corpus: String) throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let db = try connect()
        try db.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE messages(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, platform TEXT NOT NULL,
                      channel TEXT NOT NULL, sender TEXT NOT NULL, recipients TEXT NOT NULL, text TEXT NOT NULL);
                    CREATE INDEX messages_sender_ts ON messages(sender, ts);
                    CREATE INDEX messages_ts ON messages(ts);
                    CREATE VIRTUAL TABLE fts USING fts5(text, content='messages', content_rowid='id');
                    """)
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: corpus))
        let parser = JSONParser()
        var rows: [(Int64, Int64, String, String, String, String, String)] = []
        func flush() throws {
            try db.write { db in
                let message = try db.makeStatement(sql: "INSERT INTO messages VALUES (?,?,?,?,?,?,?)")
                let fts = try db.makeStatement(sql: "INSERT INTO fts(rowid, text) VALUES (?,?)")
                for r in rows { try message.execute(arguments: [r.0, r.1, r.2, r.3, r.4, r.5, r.6]) }
                for r in rows { try fts.execute(arguments: [r.0, r.6]) }
            }
            rows.removeAll(keepingCapacity: true)
        }
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                if end > start {
                    let d = try parser.parse(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    let ts = Timestamp(iso8601: d["ts"]?.stringValue ?? "")?.microseconds ?? 0
                    rows.append(
                        (
                            Int64(d["id"]?.scalarText ?? "0") ?? 0, ts / 1_000_000, d["platform"]?.stringValue ?? "",
                            d["channel"]?.stringValue ?? "", d["sender"]?.stringValue ?? "",
                            (d["recipients"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","), d["text"]?.stringValue ?? ""
                        ))
                    if rows.count >= 100_000 { try flush() }
                }
                start = end + 1
            }
        }
        try flush()
        try db.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    /// The reference queries as bench_sqlite.py runs them: top 50 by BM25 with snippets.
    func query(_ queries: [ReferenceQuery], reps: Int) throws -> [String: [Double]] {
        let db = try connect()
        var samples: [String: [Double]] = [:]
        let base = """
            SELECT m.id, m.ts, m.sender, m.channel, snippet(fts, 0, '<b>', '</b>', '…', 16) AS snip, bm25(fts) AS score
            FROM fts JOIN messages m ON m.id = fts.rowid WHERE fts MATCH ? %@ ORDER BY bm25(fts) LIMIT 50
            """
        try db.read { db in
            for q in queries {
                let sql: String
                let arguments: StatementArguments
                if q.kind == "filtered", let sender = q.sender, let from = q.from.flatMap(Timestamp.init(iso8601:)),
                    let to = q.to.flatMap(Timestamp.init(iso8601:))
                {
                    sql = base.replacingOccurrences(of: "%@", with: "AND m.sender = ? AND m.ts >= ? AND m.ts < ?")
                    arguments = [q.fts5, sender, from.microseconds / 1_000_000, to.microseconds / 1_000_000]
                } else {
                    sql = base.replacingOccurrences(of: "%@", with: "")
                    arguments = [q.fts5]
                }
                _ = try Row.fetchAll(db, sql: sql, arguments: arguments)
                samples[q.id] = try (0..<reps).map { _ in
                    let started = Measure.now()
                    _ = try Row.fetchAll(db, sql: sql, arguments: arguments)
                    return Measure.now() - started
                }
            }
        }
        return samples
    }
}
