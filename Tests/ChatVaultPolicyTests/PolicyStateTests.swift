import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import GRDB
import Testing

@testable import ChatVaultPolicy

/// The evaluator's state as a value: exported, restored, undone, and stored in SQLite
/// with the batch it belongs to.
@Suite struct PolicyStateTests {
    static let policy = """
        company_domains: [bank.example]
        time_zone: UTC
        lexicons:
          personal: ["dinner", "football"]
        walls:
          - { name: research-trading, between: [research, trading] }
        approved_contacts:
          wealth: ["*@client.example"]
        personal_use: { match: "@personal", daily_allowance: 2 }
        sampling: { rate: 1.0 }
        """

    static let messages = [
        PolicyFixtures.message("m1", "football tonight?", from: "U2", to: ["U4"], in: "P"),
        PolicyFixtures.message("m2", "dinner after", from: "U2", to: ["U4"], in: "P"),
        PolicyFixtures.message("m3", "football again", from: "U2", to: ["U4"], in: "P"),
        PolicyFixtures.message("m4", "note draft", from: "U1", in: "G"),
        PolicyFixtures.message("m5", "morning", from: "U2", in: "G"),
        PolicyFixtures.message("m6", "hello", from: "U3", to: ["joe@gmail.example"], in: "W"),
        PolicyFixtures.message("m7", "again", from: "U3", to: ["joe@gmail.example"], in: "W"),
        PolicyFixtures.message("m8", "see you", from: "U1", in: "G"),
        PolicyFixtures.message("m9", "and dinner", from: "U2", to: ["U4"], in: "P"),
    ]

    static func summary(_ alerts: [Alert]) -> [String] { alerts.map { "\($0.message.sourceID) \($0.rule)" } }

    @Test func aFreshEvaluatorOnTheSavedStateRaisesWhatOneRunRaises() throws {
        var whole = try PolicyFixtures.evaluator(Self.policy)
        let once = Self.messages.flatMap { whole.evaluate($0) }
        #expect(
            Self.summary(once) == [
                "m1 sampling", "m3 personal-use", "m4 sampling", "m5 wall.research-trading", "m6 external-contact", "m6 sampling",
            ])

        // One evaluator per message, as one process per batch: it restores what was saved
        // (the archive adds the participants of stored messages) and its changes are saved.
        var saved = PolicyState()
        var split: [Alert] = []
        for message in Self.messages {
            var evaluator = try PolicyFixtures.evaluator(Self.policy)
            evaluator.recordChanges()
            let keys = evaluator.missingState(for: [message])
            var needed = PolicyState()
            for key in keys.conversations { needed.conversations[key] = saved.conversations[key] ?? PolicyState.Conversation() }
            for key in keys.personDays { needed.personalCounts[key] = saved.personalCounts[key] ?? 0 }
            evaluator.restore(needed)
            split += evaluator.evaluate(message)
            saved = saved.applying(evaluator.takeChanges())
            let key = PolicyState.ConversationKey(platform: message.platform, id: message.conversation)
            for handle in [message.sender] + message.recipients where saved.conversations[key]?.participants.contains(handle) != true {
                saved.conversations[key, default: PolicyState.Conversation()].participants.append(handle)
            }
        }
        #expect(Self.summary(split) == Self.summary(once))
        #expect(saved.personalCounts == whole.state.personalCounts)
        #expect(saved.personalCounts[PolicyState.PersonDay(person: "E2", day: "2024-03-05")] == 4)
        let wall = PolicyState.ConversationKey(platform: "slack", id: "G")
        #expect(saved.conversations[wall]?.breachedWalls == ["research-trading"])
        #expect(whole.state.conversations[wall]?.breachedWalls == ["research-trading"])
    }

    @Test func undoRevertsAnEvaluation() throws {
        var evaluator = try PolicyFixtures.evaluator(Self.policy)
        evaluator.recordChanges()
        for message in Self.messages.prefix(2) { _ = evaluator.evaluate(message) }
        _ = evaluator.takeChanges()
        let before = evaluator.state
        // The third personal message raises the alert; undone, it is as if never seen.
        #expect(Self.summary(evaluator.evaluate(Self.messages[2])) == ["m3 personal-use"])
        let changes = evaluator.takeChanges()
        #expect(changes == [.personalUse(PolicyState.PersonDay(person: "E2", day: "2024-03-05"))])
        evaluator.undo(changes)
        #expect(evaluator.state == before)
        #expect(Self.summary(evaluator.evaluate(Self.messages[2])) == ["m3 personal-use"])
    }

    @Test func missingStateNamesConversationsAndDaysNotHeld() throws {
        var evaluator = try PolicyFixtures.evaluator(Self.policy)
        let keys = evaluator.missingState(for: Self.messages.prefix(2))
        let conversation = PolicyState.ConversationKey(platform: "slack", id: "P")
        #expect(keys.conversations == [conversation])
        #expect(keys.personDays == [PolicyState.PersonDay(person: "E2", day: "2024-03-05")])
        evaluator.restore(PolicyState(personalCounts: [keys.personDays.first!: 2], conversations: [conversation: PolicyState.Conversation()]))
        #expect(evaluator.missingState(for: Self.messages.prefix(2)).isEmpty)
        // Two counted earlier: the first message of this run is the third.
        #expect(Self.summary(evaluator.evaluate(Self.messages[0])).contains("m1 personal-use"))
        evaluator.forget()
        #expect(evaluator.missingState(for: Self.messages.prefix(1)) == keys)
    }

    @Test func changesMergeTheSameWayEverywhere() {
        let key = PolicyState.ConversationKey(platform: "slack", id: "a:b")
        let day = PolicyState.PersonDay(person: "E1", day: "2024-03-05")
        let state = PolicyState().applying([
            .sampled(key, drawn: true), .sampled(key, drawn: false), .personalUse(day), .personalUse(day),
            .wallBreached(key, wall: "w"), .wallBreached(key, wall: "w"), .contactAlerted(key, handle: "joe@x.example"),
        ])
        #expect(state.conversations[key]?.sampled == true)
        #expect(state.personalCounts[day] == 2)
        #expect(state.conversations[key]?.breachedWalls == ["w"])
        #expect(state.conversations[key]?.alertedContacts == ["joe@x.example"])
        #expect(PolicyStateDelta(basis: 0, changes: [.personalUse(day), .personalUse(day)]).personalIncrements == [day: 2])
    }

    @Test func anUpgradedVaultRemembersWhatItsAlertsAlreadyRaised() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = try Vault.create(at: root)
        try ("version: 1\n" + Self.policy).write(to: vault.policyURL, atomically: true, encoding: .utf8)
        try JSONEncoder().encode(PolicyFixtures.directory.people).write(to: PolicyStage.directoryURL(of: vault))
        let ingestor = try Ingestor.forVault(vault, archive: try vault.openArchive(), actor: "t")
        let incoming = Self.messages.prefix(7).map { IncomingMessage(message: $0, origin: "t") }
        #expect(try await ingestor.ingest(Array(incoming), source: "t").alerts == 6)
        // The vault as it was before the migration: alerts, but no policy state.
        let queue = try DatabaseQueue(path: vault.databasePath)
        try await queue.write { db in
            try db.execute(
                sql: """
                    DROP TABLE policy_personal_use; DROP TABLE policy_marks; DROP TABLE policy_generation;
                    DELETE FROM grdb_migrations WHERE identifier = 'policy_state'
                    """)
        }
        try queue.close()
        let upgraded = try vault.openArchive()
        let keys = PolicyStateKeys(conversations: [
            PolicyState.ConversationKey(platform: "slack", id: "G"), PolicyState.ConversationKey(platform: "slack", id: "W"),
        ])
        let state = try await upgraded.policyState(for: keys, messages: []).state
        #expect(state.conversations[PolicyState.ConversationKey(platform: "slack", id: "G")]?.breachedWalls == ["research-trading"])
        #expect(state.conversations[PolicyState.ConversationKey(platform: "slack", id: "G")]?.sampled == true)
        #expect(state.conversations[PolicyState.ConversationKey(platform: "slack", id: "W")]?.alertedContacts == ["joe@gmail.example"])
        // So the rest of the conversations raise nothing again.
        let rest = Self.messages.dropFirst(7).map { IncomingMessage(message: $0, origin: "t") }
        let again = try Ingestor.forVault(vault, archive: upgraded, actor: "t")
        #expect(try await again.ingest(Array(rest), source: "t").alerts == 0)
    }

    @Test func theArchiveStoresADeltaWithItsBatchOrNotAtAll() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-state-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let vault = try Vault.create(at: root)
        let archive = try vault.openArchive()
        let day = PolicyState.PersonDay(person: "E2", day: "2024-03-05")
        let conversation = PolicyState.ConversationKey(platform: "slack", id: "P")
        let keys = PolicyStateKeys(conversations: [conversation], personDays: [day])
        let empty = try await archive.policyState(for: keys, messages: [])
        #expect(empty.generation == 0 && empty.state.personalCounts == [day: 0])
        #expect(empty.state.conversations == [conversation: PolicyState.Conversation()])

        let first = IncomingMessage(message: Self.messages[0], origin: "test")
        let delta = PolicyStateDelta(
            basis: 0, changes: [.personalUse(day), .sampled(conversation, drawn: false), .wallBreached(conversation, wall: "w")])
        _ = try await archive.append([first], alerts: [], policyState: delta, context: AppendContext(actor: "test", source: "test"))
        let after = try await archive.policyState(for: keys, messages: [first.message.dedupKey])
        #expect(after.generation == 1 && after.state.personalCounts == [day: 1])
        #expect(after.state.conversations[conversation]?.sampled == false)
        #expect(after.state.conversations[conversation]?.breachedWalls == ["w"])
        #expect(after.state.conversations[conversation]?.participants.map(\.id) == ["U2", "U4"])
        #expect(after.isArchived(first.message))

        // Evaluated on generation 0 while another batch was stored: refused, nothing written.
        let second = IncomingMessage(message: Self.messages[1], origin: "test")
        await #expect(throws: PolicyStateConflict.self) {
            try await archive.append([second], alerts: [], policyState: delta, context: AppendContext(actor: "test", source: "test"))
        }
        #expect(try await archive.statistics().messages == 1)
        #expect(try await archive.policyState(for: keys, messages: []).state.personalCounts == [day: 1])
        // A batch without policy still moves the generation: it adds participants and duplicates to decide on.
        _ = try await archive.append([second], context: AppendContext(actor: "test", source: "test"))
        #expect(try await archive.policyState(for: keys, messages: []).generation == 2)
    }
}
