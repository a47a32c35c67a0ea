import ChatVaultArchive
import ChatVaultCore
import Testing

/// A ``PolicyStateStore`` under test, and how its backend stores a batch with its delta.
protocol PolicyStateStoreSubject: Sendable {
    var store: any PolicyStateStore { get }
    func write(_ batch: [IncomingMessage], _ delta: PolicyStateDelta) async throws
}

/// What every ``PolicyStateStore`` promises, written once and run on each backend.
enum PolicyStateStoreConformance {
    static let conversation = PolicyState.ConversationKey(platform: "slack", id: "P")
    static let day = PolicyState.PersonDay(person: "E2", day: "2024-03-05")
    static var keys: PolicyStateKeys { PolicyStateKeys(conversations: [conversation], personDays: [day]) }

    static func message(_ id: String, _ text: String, from sender: String = "U2", to recipients: [String] = ["U4"]) -> IncomingMessage {
        IncomingMessage(
            message: Message(
                platform: "slack", conversation: "P", sourceID: id, sender: Handle(id: sender),
                recipients: recipients.map { Handle(id: $0) }, sentAt: Timestamp(iso8601: "2024-03-05T15:00:00Z")!, text: text),
            origin: "conformance")
    }

    static func emptyState(_ subject: some PolicyStateStoreSubject) async throws {
        let snapshot = try await subject.store.policyState(for: keys, messages: [message("m1", "hi").message.dedupKey])
        #expect(snapshot.generation == 0)
        #expect(snapshot.state.personalCounts == [day: 0])
        #expect(snapshot.state.conversations == [conversation: PolicyState.Conversation()])
        #expect(snapshot.archivedCopies.isEmpty)
    }

    static func deltaStoredThenRead(_ subject: some PolicyStateStoreSubject) async throws {
        let first = message("m1", "football tonight?")
        try await subject.write(
            [first],
            PolicyStateDelta(
                basis: 0,
                changes: [
                    .personalUse(day), .personalUse(day), .wallBreached(conversation, wall: "research-trading"),
                    .contactAlerted(conversation, handle: "joe@gmail.example"), .sampled(conversation, drawn: false),
                    .sampled(conversation, drawn: true),
                ]))
        let snapshot = try await subject.store.policyState(for: keys, messages: [first.message.dedupKey])
        #expect(snapshot.generation == 1)
        #expect(snapshot.state.personalCounts == [day: 2])
        let expected = PolicyState.Conversation(
            participants: [Handle(id: "U2"), Handle(id: "U4")], breachedWalls: ["research-trading"], alertedContacts: ["joe@gmail.example"],
            sampled: false)
        #expect(snapshot.state.conversations == [conversation: expected])
        #expect(snapshot.isArchived(first.message))

        // Counts add up; marks are remembered once; the first draw stands.
        try await subject.write(
            [],
            PolicyStateDelta(
                basis: 1, changes: [.personalUse(day), .wallBreached(conversation, wall: "research-trading"), .sampled(conversation, drawn: true)]))
        let later = try await subject.store.policyState(for: keys, messages: [])
        #expect(later.generation == 2)
        #expect(later.state.personalCounts == [day: 3])
        #expect(later.state.conversations[conversation]?.breachedWalls == ["research-trading"])
        #expect(later.state.conversations[conversation]?.sampled == false)
    }

    static func staleGenerationWritesNothing(_ subject: some PolicyStateStoreSubject) async throws {
        try await subject.write([], PolicyStateDelta(basis: 0, changes: [.personalUse(day)]))
        let late = message("m2", "dinner after")
        await #expect(throws: PolicyStateConflict(expected: 0, found: 1)) {
            try await subject.write([late], PolicyStateDelta(basis: 0, changes: [.personalUse(day), .wallBreached(conversation, wall: "w")]))
        }
        let snapshot = try await subject.store.policyState(for: keys, messages: [late.message.dedupKey])
        #expect(snapshot.generation == 1)
        #expect(snapshot.state.personalCounts == [day: 1])
        #expect(snapshot.state.conversations[conversation] == PolicyState.Conversation())
        #expect(snapshot.archivedCopies.isEmpty)
    }

    /// Two writers evaluated on the same generation: exactly one is stored, every round.
    static func concurrentWritersOneWinsPerGeneration(_ subject: some PolicyStateStoreSubject) async throws {
        for round in 0..<6 {
            let basis = try await subject.store.policyState(for: keys, messages: []).generation
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for writer in 0..<2 {
                    group.addTask {
                        do {
                            try await subject.write(
                                [message("r\(round)w\(writer)", "round \(round) writer \(writer)")],
                                PolicyStateDelta(basis: basis, changes: [.personalUse(day)]))
                            return true
                        } catch is PolicyStateConflict {
                            return false
                        } catch {
                            Issue.record("writer \(writer): \(error)")
                            return false
                        }
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1, "round \(round): \(outcomes)")
            let snapshot = try await subject.store.policyState(for: keys, messages: [])
            #expect(snapshot.generation == basis + 1)
            #expect(snapshot.state.personalCounts[day] == round + 1)
        }
    }

    static func duplicatesAreDetected(_ subject: some PolicyStateStoreSubject) async throws {
        let original = message("m1", "see you")
        try await subject.write([original], PolicyStateDelta(basis: 0))
        // A re-read of the same message stores nothing and leaves the generation alone.
        try await subject.write([original], PolicyStateDelta(basis: 1))
        var snapshot = try await subject.store.policyState(for: keys, messages: [original.message.dedupKey])
        #expect(snapshot.generation == 1)
        #expect(snapshot.archivedCopies[original.message.dedupKey] == [PolicyStateSnapshot.ArchivedCopy(text: "see you", sender: "U2")])
        // The same id with other content is another message, found under the same key.
        let reused = message("m1", "other text", from: "U4", to: ["U2"])
        #expect(!snapshot.isArchived(reused.message))
        try await subject.write([reused], PolicyStateDelta(basis: 1))
        snapshot = try await subject.store.policyState(for: keys, messages: [original.message.dedupKey])
        #expect(snapshot.generation == 2)
        #expect(snapshot.isArchived(reused.message) && snapshot.isArchived(original.message))
        #expect(snapshot.archivedCopies[original.message.dedupKey]?.count == 2)
        // Neither is stored a third time.
        try await subject.write([original, reused], PolicyStateDelta(basis: 2))
        snapshot = try await subject.store.policyState(for: keys, messages: [original.message.dedupKey])
        #expect(snapshot.generation == 2 && snapshot.archivedCopies[original.message.dedupKey]?.count == 2)
        // A key of another conversation is not confused with this one.
        let elsewhere = Message.DedupKey(platform: "slack", conversation: "Q", sourceID: "m1")
        #expect(try await subject.store.policyState(for: keys, messages: [elsewhere]).archivedCopies.isEmpty)
    }
}
