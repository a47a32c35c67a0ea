import ChatVaultCore
import Foundation
import GRDB
import Glibc
import Testing

@testable import ChatVaultArchive

/// The delivering source in the hashed record (issue 13 item 8) and private files from
/// the first byte (item 7), at the archive level.
@Suite struct DeliveredByHardeningTests {
    @Test func theDeliveringSourceIsHashedOnlyWhenRecorded() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let archive = try vault.archive()
        let before = try await archive.append(
            [incoming("old", text: "from before the field")], context: AppendContext(actor: "t", source: "import:a.jsonl:1-1"))
        let after = try await archive.append(
            [incoming("new", text: "delivered by a relay")], context: AppendContext(actor: "t", source: "ingest:relay", deliveredBy: "ingest:relay"))
        let ids = before.storedIDs + after.storedIDs
        let proofs = try await archive.proofSession(treeSize: nil).proofs(messageIDs: ids)
        #expect(proofs.count == 2)
        #expect(proofs[0].record.hasSuffix(#""redactions":[]}"#), "a record without a source keeps the version-1 shape")
        #expect(!proofs[0].record.contains("delivered_by"))
        #expect(proofs[1].record.hasSuffix(#""redactions":[],"delivered_by":"ingest:relay"}"#))
        #expect(try await archive.message(id: ids[1])?.deliveredBy == "ingest:relay")

        // Changing who delivered a message is tampering like any other column.
        let queue = try DatabaseQueue(path: vault.vault.databasePath)
        try await queue.write { db in
            try db.execute(sql: "UPDATE messages SET delivered_by = 'import:innocent.jsonl' WHERE id = ?", arguments: [ids[1]])
        }
        let report = try await archive.verify()
        #expect(!report.isIntact)
    }

    /// A vault from before the column: opening it adds the column and every old record
    /// still verifies, because a record without the field hashes exactly as before.
    @Test func anOlderVaultMigratesAndStillVerifies() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        _ = try await vault.archive().append([incoming("m1", text: "hello"), incoming("m2", text: "world")], context: testContext)
        let queue = try DatabaseQueue(path: vault.vault.databasePath)
        try await queue.write { db in
            try db.execute(sql: "ALTER TABLE messages DROP COLUMN delivered_by")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v5-delivered-by'")
        }
        let reopened = try vault.archive()
        #expect(try await reopened.verify().isIntact)
        _ = try await reopened.append([incoming("m3", text: "later")], context: AppendContext(actor: "t", source: "s", deliveredBy: "capture:irc"))
        #expect(try await reopened.verify().isIntact)
    }

    /// `O_CREAT|O_EXCL` with 0600: private even under a umask of 0, and never written over
    /// an existing file (a planted file or link is refused, not followed).
    @Test func privateFilesArePrivateWhateverTheUmask() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cv-private-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let previous = umask(0)
        defer { umask(previous) }
        try PrivateFile.createDirectory(at: folder.appendingPathComponent("a/b"))
        let secret = folder.appendingPathComponent("a/b/secret.key")
        try PrivateFile.createNew(Data("k".utf8), at: secret)
        try PrivateFile.write(Data("c".utf8), to: folder.appendingPathComponent("a/config.json"))
        func mode(_ url: URL) -> mode_t {
            var info = stat()
            lstat(url.path, &info)
            return info.st_mode & 0o777
        }
        #expect(mode(folder) == 0o700 && mode(folder.appendingPathComponent("a")) == 0o700)
        #expect(mode(secret) == 0o600)
        #expect(mode(folder.appendingPathComponent("a/config.json")) == 0o600)
        #expect(throws: PrivateFileError.self) { try PrivateFile.createNew(Data("again".utf8), at: secret) }
        let planted = folder.appendingPathComponent("a/planted.key")
        try FileManager.default.createSymbolicLink(atPath: planted.path, withDestinationPath: "/tmp/cv-elsewhere-\(UUID().uuidString)")
        #expect(throws: PrivateFileError.self) { try PrivateFile.createNew(Data("k".utf8), at: planted) }
    }
}
