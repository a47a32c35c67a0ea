import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import GRDB
import Testing

/// Two writers on one vault (two processes, or a process and a CLI import): each decides
/// on the state the other stored, never on its own stale memory.
@Suite struct PolicyStageWriterTests {
    static let policy = """
        version: 1
        company_domains: [bank.example]
        time_zone: UTC
        lexicons:
          personal: ["football"]
        personal_use: { match: "@personal", daily_allowance: 2 }
        """

    static func personal(_ id: String, minute: Int) -> IncomingMessage {
        IncomingMessage(
            message: Message(
                platform: "slack", conversation: "P", sourceID: id, sender: Handle(id: "tom@bank.example"),
                recipients: [Handle(id: "sam@bank.example")], sentAt: Timestamp(iso8601: String(format: "2024-03-05T15:%02d:00Z", minute))!,
                text: "football \(id)"),
            origin: "test")
    }

    func vault() throws -> (Vault, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-writers-\(UUID().uuidString)")
        let vault = try Vault.create(at: root)
        try Self.policy.write(to: vault.policyURL, atomically: true, encoding: .utf8)
        return (vault, root)
    }

    @Test func aStageReadsTheStateAgainAfterAnotherWriterStored() async throws {
        let (vault, root) = try vault()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try Ingestor.forVault(vault, archive: try vault.openArchive(), actor: "first")
        let second = try Ingestor.forVault(vault, archive: try vault.openArchive(), actor: "second")
        #expect(try await first.ingest([Self.personal("m1", minute: 0), Self.personal("m2", minute: 1)], source: "a").alerts == 0)
        // The other writer stores the third: its alert.
        #expect(try await second.ingest([Self.personal("m3", minute: 2)], source: "b").alerts == 1)
        // The first one's memory says two; the archive says three, so the fourth raises nothing.
        #expect(try await first.ingest([Self.personal("m4", minute: 3)], source: "a").alerts == 0)
        #expect(try await vault.openArchive().alerts(state: nil, rule: "personal-use", limit: 10).count == 1)
    }

    @Test func anArchivedIDReusedForOtherContentIsPolicedAsANewMessage() async throws {
        let (vault, root) = try vault()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try vault.openArchive()
        let ingestor = try Ingestor.forVault(vault, archive: archive, actor: "t")
        _ = try await ingestor.ingest([Self.personal("m1", minute: 0), Self.personal("m2", minute: 1)], source: "t")
        // The same id and content again is a duplicate: nothing counted.
        let retried = try await ingestor.ingest([Self.personal("m2", minute: 1)], source: "t")
        #expect(retried.duplicates == 1 && retried.alerts == 0)
        // The same id with other text is another message (stored under a derived id): it is the third.
        var reused = Self.personal("m2", minute: 1)
        reused.message.text = "football again, under an old id"
        let report = try await ingestor.ingest([reused], source: "t")
        #expect(report.stored == 1 && report.alerts == 1)
        #expect(try await archive.alerts(state: nil, rule: "personal-use", limit: 10).count == 1)
    }

    @Test func aBatchEvaluatedOnStaleStateIsEvaluatedAgain() async throws {
        let (vault, root) = try vault()
        defer { try? FileManager.default.removeItem(at: root) }
        let archive = try vault.openArchive()
        let stage = try #require(try PolicyStage.forVault(vault))
        _ = try await stage.store(
            [Self.personal("m1", minute: 0), Self.personal("m2", minute: 1)], in: archive, context: AppendContext(actor: "t", source: "t"))
        // While the batch is being evaluated, another process stores a personal message of
        // the same person and day (its count and the generation move on).
        let other = try DatabaseQueue(path: vault.databasePath)
        let calls = Calls()
        let stored = try await stage.store(
            [Self.personal("m3", minute: 2)], in: archive, context: AppendContext(actor: "t", source: "t"),
            finishing: { evaluated in
                if calls.next() == 1 {
                    #expect(evaluated[0].alerts.map(\.rule) == ["personal-use"])
                    try other.write { db in
                        try db.execute(sql: "UPDATE policy_personal_use SET count = count + 1")
                        try db.execute(sql: "UPDATE policy_generation SET generation = generation + 1")
                    }
                }
            })
        #expect(calls.count == 2)
        #expect(stored.receipt.stored == 1)
        #expect(stored.messages[0].alerts.isEmpty)
        #expect(try await archive.alerts(state: nil, rule: "personal-use", limit: 10).isEmpty)
        let day = PolicyState.PersonDay(person: "tom@bank.example", day: "2024-03-05")
        #expect(try await archive.policyState(for: PolicyStateKeys(personDays: [day]), messages: []).state.personalCounts[day] == 4)
    }
}

/// Counts calls from a `@Sendable` closure.
private final class Calls: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
