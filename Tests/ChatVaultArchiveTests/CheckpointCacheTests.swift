import ChatVaultArchive
import ChatVaultCore
import Foundation
import GRDB
import Testing

/// The log writer skips re-verifying the latest checkpoint only when it is, byte for byte,
/// the one this process last signed or verified; anything else is checked in full.
@Suite struct CheckpointCacheTests {
    /// An append after the archive's own append, with that checkpoint changed behind its
    /// back (its time, so the signature no longer matches), is refused.
    @Test func aCheckpointChangedAfterTheLastAppendIsRefused() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let archive = try vault.archive()
        _ = try await archive.append([incoming("m1", text: "first")], context: testContext)
        let db = try DatabaseQueue(path: vault.vault.databasePath)
        try await db.write { try $0.execute(sql: "UPDATE checkpoints SET at = at + 1 WHERE tree_size = (SELECT max(tree_size) FROM checkpoints)") }
        await #expect(throws: (any Error).self) {
            _ = try await archive.append([incoming("m2", text: "second")], context: testContext)
        }
        #expect(try await archive.statistics().messages == 1)
    }

    /// A saved frontier that no longer gives the signed root is refused, even though the
    /// checkpoint's own fields are untouched.
    @Test func aDamagedFrontierIsRefused() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let archive = try vault.archive()
        _ = try await archive.append([incoming("m1", text: "first"), incoming("m2", text: "second")], context: testContext)
        let db = try DatabaseQueue(path: vault.vault.databasePath)
        try await db.write {
            try $0.execute(
                sql: "UPDATE checkpoints SET frontier = zeroblob(length(frontier)) WHERE tree_size = (SELECT max(tree_size) FROM checkpoints)")
        }
        await #expect(throws: (any Error).self) {
            _ = try await archive.append([incoming("m3", text: "third")], context: testContext)
        }
    }

    /// Two archives on one vault (as two processes would be) take turns appending: each
    /// verifies the other's checkpoint and continues the same log, which stays intact.
    @Test func anotherWritersAppendsAreVerifiedAndContinued() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let first = try vault.archive()
        let second = try vault.archive()
        for round in 0..<3 {
            _ = try await first.append([incoming("a\(round)", text: "from the first")], context: testContext)
            _ = try await second.append([incoming("b\(round)", text: "from the second")], context: testContext)
        }
        #expect(try await first.statistics().messages == 6)
        #expect(try await first.verify().isIntact)
        // The second writer's latest checkpoint forged: the first, which never saw those
        // bytes, refuses to extend the log.
        let db = try DatabaseQueue(path: vault.vault.databasePath)
        try await db.write { try $0.execute(sql: "UPDATE checkpoints SET at = at + 1 WHERE tree_size = (SELECT max(tree_size) FROM checkpoints)") }
        await #expect(throws: (any Error).self) {
            _ = try await first.append([incoming("a9", text: "again")], context: testContext)
        }
    }
}
