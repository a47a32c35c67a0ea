import ChatVaultCore
import Crypto
import Foundation
import Synchronization
import Testing

@testable import ChatVaultArchive

/// The write-ahead log is copied back into the database by the background checkpointer,
/// not by the commit that crosses SQLite's threshold, and nothing is lost on the way.
@Suite struct WALCheckpointerTests {
    /// Enough batches to pass the threshold several times: the background queue ran (it is
    /// the only checkpoint the archive schedules: SQLite's own is replaced), and a fresh
    /// open reads everything intact.
    @Test func theLogIsCheckpointedInTheBackgroundAndNothingIsLost() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let archive = try vault.archive()
        let checkpointer = try #require(archive.checkpointer)
        let filler = String(repeating: "quarterly numbers look steady ", count: 60)
        var appended = 0
        for batch in 0..<12 {
            let messages = (0..<150).map { n in incoming("b\(batch)-\(n)", conversation: "C\(n % 7)", text: "\(batch) \(n) " + filler) }
            appended += try await archive.append(messages, context: testContext).stored
        }
        checkpointer.drain()
        #expect(checkpointer.runs.load(ordering: .relaxed) > 0)

        let reopened = try vault.archive()
        #expect(try await reopened.statistics().messages == appended)
        #expect(try await reopened.verify().isIntact)
    }

    /// An archive in memory has no log file to checkpoint.
    @Test func anArchiveInMemoryHasNoCheckpointer() throws {
        let archive = try SQLiteArchive(path: ":memory:", signer: CheckpointSigner(origin: "test", privateKey: .init()))
        #expect(archive.checkpointer == nil)
    }
}
