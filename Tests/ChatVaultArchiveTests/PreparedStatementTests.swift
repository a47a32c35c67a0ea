import ChatVaultCore
import Foundation
import GRDB
import GRDBSQLite
import Testing

@testable import ChatVaultArchive

/// Reads between appends leave the write path's prepared statements alone: a statement
/// SQLite had to compile again (an expired one) shows in its REPREPARE counter.
@Suite struct PreparedStatementTests {
    /// GRDB's `read` toggles `PRAGMA query_only`, which expires every prepared statement
    /// of the connection; the archive's reads must not.
    @Test func readsBetweenAppendsDoNotRecompileTheAppendStatements() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let archive = try vault.archive()
        for round in 0..<4 {
            _ = try await archive.append([incoming("m\(round)", text: "round \(round) of the quarterly review")], context: testContext)
            _ = try await archive.statistics()
            _ = try await archive.search(SearchRequest(query: SearchQuery.parse("quarterly")))
            _ = try await archive.conversations(limit: 10)
        }
        let sql = "SELECT first_leaf + length(hashes) / 32 FROM log_blocks ORDER BY first_leaf DESC LIMIT 1"
        let recompiled = try await archive.database.writeWithoutTransaction { db in
            sqlite3_stmt_status(try db.cachedStatement(sql: sql).sqliteStatement, SQLITE_STMTSTATUS_REPREPARE, 0)
        }
        #expect(recompiled == 0)
    }
}
