import ChatVaultArchive
import ChatVaultCore
import Testing

/// What every ``RetentionStore`` promises, written once and run on each backend.
enum RetentionStoreConformance {
    typealias S = StoreConformance

    static func rulesAreVersioned(_ subject: some StoreSubject) async throws {
        let store = subject.retentionStore
        #expect(await S.code { try await store.setRetentionRule(RetentionRule(name: "x", periodDays: 0), actor: "officer-a") } == .invalid)
        try await store.setRetentionRule(RetentionRule(name: "comms", periodDays: 30), actor: "officer-a")
        subject.clock.advance(days: 1)
        try await store.setRetentionRule(RetentionRule(name: "comms", periodDays: 10), actor: "officer-b")
        try await store.setRetentionRule(
            RetentionRule(name: "desk", platform: "slack", conversation: "C9", person: "joe", periodDays: 99), actor: "a")
        let rules = try await store.retentionRules()
        #expect(rules.map(\.name) == ["comms", "desk"])
        #expect(rules[0].periodDays == 10 && rules[0].setBy == "officer-b" && rules[0].effectiveFrom == S.time(day: 1))
        #expect(rules[1].platform == "slack" && rules[1].conversation == "C9" && rules[1].person == "joe")
        let set = try await subject.messages.auditTrail(actor: nil, actionPrefix: "retention.rule.set", beforeID: nil, limit: 10)
        #expect(set.count == 3)
        #expect(set[1].detail["shortened"] == .bool(true) && set[1].detail["previous_days"] == .number("30"))
    }

    /// m1 alice→bob "acme deal" in C1 (day 0), m2 carol in C2 (day 1), m3 bob in C2 "acme again" (day 2).
    static func seed(_ subject: some StoreSubject) async throws -> [Int64] {
        try await subject.messages.append(
            [
                S.message("m1", day: 0, text: "the acme deal"),
                S.message("m2", day: 1, conversation: "C2", sender: "carol@bank.example", to: [], text: "lunch?"),
                S.message("m3", day: 2, conversation: "C2", sender: "bob@bank.example", to: ["carol@bank.example"], text: "acme again"),
            ], context: testContext
        ).storedIDs
    }

    static func holdsCoverPeopleConversationsAndQueries(_ subject: some StoreSubject) async throws {
        let store = subject.retentionStore
        let ids = try await seed(subject)
        func covers(_ kind: LegalHold.Kind, _ value: String, from: Timestamp? = nil, to: Timestamp? = nil) async throws -> Set<Int64> {
            let hold = try await store.createHold(name: "\(kind) \(value)", kind: kind, value: value, from: from, to: to, actor: "officer-a")
            let held = try await store.messagesHeld(by: hold)
            #expect(try await store.coverage(kind: kind, value: value, from: from, to: to) == held.count)
            return held
        }
        #expect(try await covers(.person, "BOB@bank.example") == [ids[0], ids[2]], "as recipient and as sender, without case")
        #expect(try await covers(.conversation, "slack:C2") == [ids[1], ids[2]])
        #expect(try await covers(.query, "acme") == [ids[0], ids[2]])
        #expect(try await covers(.query, "acme", from: S.time(day: 1), to: S.time(day: 3)) == [ids[2]], "within the hold's range")
        #expect(try await covers(.person, "new-hire@bank.example").isEmpty)
        #expect(await S.code { _ = try await store.createHold(name: "q", kind: .query, value: "   ", from: nil, to: nil, actor: "a") } == .invalid)
        #expect(
            await S.code {
                _ = try await store.createHold(
                    name: "typo", kind: .person, value: "bbo@bank.example", from: nil, to: nil, actor: "a", allowEmpty: false)
            } == .invalid)
        // A person hold also covers what arrives later.
        let later = try await subject.messages.append([S.message("m4", day: 3, sender: "bob@bank.example", text: "new")], context: testContext)
        let person = try #require(try await store.holds().first { $0.kind == .person && $0.value == "BOB@bank.example" })
        #expect(try await store.messagesHeld(by: person).contains(later.storedIDs[0]))
        #expect(try await store.holds().map(\.id) == (try await store.holds()).map(\.id).sorted(), "oldest first")
        #expect(person.state == .active && person.createdBy == "officer-a" && person.createdAt == S.time(day: 0))
    }

    static func releasingAHoldTakesTwoOfficers(_ subject: some StoreSubject) async throws {
        let store = subject.retentionStore
        _ = try await seed(subject)
        let hold = try await store.createHold(name: "matter", kind: .query, value: "acme", from: nil, to: nil, actor: "officer-a")
        let proposed = try await store.releaseHold(id: hold.id, actor: "officer-a")
        #expect(proposed.state == .releaseProposed && proposed.releaseProposedBy == "officer-a")
        #expect(await S.code { _ = try await store.releaseHold(id: hold.id, actor: "Officer-A") } == .conflict, "the same person, in other case")
        let released = try await store.releaseHold(id: hold.id, actor: "officer-b", evidence: [("signature", .string("sig"))])
        #expect(released.state == .released && released.releasedBy == "officer-b")
        #expect(await S.code { _ = try await store.releaseHold(id: hold.id, actor: "officer-c") } == .conflict)
        #expect(await S.code { _ = try await store.releaseHold(id: 424242, actor: "officer-c") } == .notFound)
        let trail = try await subject.messages.auditTrail(actor: nil, actionPrefix: "hold.", beforeID: nil, limit: 10)
        #expect(trail.map(\.action) == ["hold.release", "hold.release.propose", "hold.create"])
        #expect(trail[0].detail["signature"] == .string("sig"))
    }

    static func dispositionRemovesExpiredUnheldMessagesWithTwoOfficers(_ subject: some StoreSubject) async throws {
        let store = subject.retentionStore
        try await store.setRetentionRule(RetentionRule(name: "comms", periodDays: 10), actor: "officer-a")
        let ids = try await seed(subject)
        let alerted = try await subject.messages.append(
            [S.message("m5", day: 0, text: "flagged")], alerts: [S.alert(on: "m5")], context: testContext
        ).storedIDs[0]
        _ = try await store.createHold(name: "matter", kind: .conversation, value: "slack:C2", from: nil, to: S.time(day: 2), actor: "officer-a")
        #expect(try await store.dispositionPlan(cutoff: S.time(day: 10, hour: 9)).expired.isEmpty, "m1's period ends at day 10, 10:00")
        let plan = try await store.dispositionPlan(cutoff: S.time(day: 20))
        #expect(plan.expired == [ids[0], ids[2]], "m2 is held; the alerted message stays")
        #expect(plan.rules == [ids[0]: "comms", ids[2]: "comms"])
        #expect(plan.held == 2)
        subject.clock.set(S.time(day: 20).microseconds)
        let proposal = try await store.proposeDisposition(actor: "officer-a")
        #expect(proposal.state == .proposed && proposal.candidates == 2 && proposal.proposedAt == S.time(day: 20))
        #expect(try await subject.messages.message(id: ids[0]) != nil, "nothing goes on a proposal")
        #expect(await S.code { _ = try await store.approveDisposition(id: proposal.id, actor: "officer-a") } == .conflict)
        #expect(await S.code { _ = try await store.approveDisposition(id: 424242, actor: "officer-b") } == .notFound)
        let done = try await store.approveDisposition(id: proposal.id, actor: "officer-b")
        #expect(done.state == .completed && done.disposed == 2 && done.approvedBy == "officer-b")
        #expect(try await subject.messages.message(id: ids[0]) == nil)
        #expect(try await subject.messages.message(id: ids[2]) == nil)
        #expect(try await subject.messages.message(id: ids[1]) != nil)
        #expect(try await subject.messages.message(id: alerted) != nil)
        #expect(try await subject.messages.search(SearchRequest(query: SearchQuery.parse("acme"))).hits.isEmpty, "gone from the index too")
        #expect(await S.code { _ = try await store.approveDisposition(id: proposal.id, actor: "officer-c") } == .conflict)
        let report = try await subject.messages.verify()
        #expect(report.isIntact, "a disposed message keeps its leaf: \(report.problems)")
    }
}
