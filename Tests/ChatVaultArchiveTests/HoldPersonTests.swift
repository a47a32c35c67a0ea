import ChatVaultArchive
import ChatVaultCore
import Foundation
import Testing

/// Holds and rules on a person match the person as search does, whatever case or width
/// the officer types; a hold says what it covers; disposition keeps it.
@Suite struct HoldPersonTests {
    static let day: Int64 = 86_400_000_000
    static let start: Int64 = 1_704_067_200_000_000  // 2024-01-01

    func message(_ id: String, sender: String, to recipients: [Handle] = [], text: String = "hello") -> IncomingMessage {
        IncomingMessage(
            message: Message(
                platform: "slack", conversation: "C1", sourceID: id, sender: Handle(id: sender), recipients: recipients,
                sentAt: Timestamp(microseconds: Self.start), text: text),
            origin: "t")
    }

    func withArchive(_ body: (SQLiteArchive, TestClock) async throws -> Void) async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let clock = TestClock(Self.start)
        try await body(try vault.archive(clock: { clock.now }), clock)
    }

    @Test func aHoldOnAPersonIgnoresCaseAndWidthAndDispositionKeepsWhatItCovers() async throws {
        try await withArchive { archive, clock in
            try await archive.setRetentionRule(RetentionRule(name: "comms", periodDays: 30), actor: "a")
            _ = try await archive.append(
                [
                    message("1", sender: "dan.okafor@bank.example"),
                    message("2", sender: "eve@bank.example", to: [Handle(id: "DAN.OKAFOR@bank.example", displayName: "Dan")]),
                    message("3", sender: "eve@bank.example"),
                ],
                context: testContext)
            // Typed as the officer has it on paper: mixed case, and once in full-width letters.
            let hold = try await archive.createHold(
                name: "matter", kind: .person, value: "Dan.Okafor@Bank.Example", from: nil, to: nil, actor: "officer-a", allowEmpty: false)
            #expect(try await archive.messagesHeld(by: hold).count == 2)
            #expect(try await archive.coverage(kind: .person, value: "ＤＡＮ.okafor@bank.example", from: nil, to: nil) == 2)
            let trail = try await archive.auditTrail(actor: "officer-a", actionPrefix: "hold.create", beforeID: nil, limit: 1)
            #expect(trail.first?.detail["covers"] == .int(2))

            clock.advance(days: 60)
            let proposal = try await archive.proposeDisposition(actor: "officer-a")
            #expect(proposal.candidates == 1)
            let done = try await archive.approveDisposition(id: proposal.id, actor: "officer-b")
            #expect(done.disposed == 1)
            let left = try await archive.search(SearchRequest(query: nil, order: .oldest)).hits.map(\.message.message.sourceID)
            #expect(left == ["1", "2"], "the held messages stay")
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func anEmptyHoldIsRefusedUnlessAllowed() async throws {
        try await withArchive { archive, _ in
            _ = try await archive.append([message("1", sender: "dan@bank.example")], context: testContext)
            let refused = await #expect(throws: ArchiveError.self) {
                try await archive.createHold(
                    name: "typo", kind: .person, value: "dna@bank.example", from: nil, to: nil, actor: "a", allowEmpty: false)
            }
            #expect(refused?.code == .invalid)
            do {
                _ = try await archive.createHold(
                    name: "typo", kind: .query, value: "nonexistentword", from: nil, to: nil, actor: "a", allowEmpty: false)
                Issue.record("an empty query hold was placed")
            } catch let error as ArchiveError {
                #expect(error.code == .invalid)
                #expect(error.description.contains("covers no message now") && error.description.contains("arrive later"))
            }
            #expect(try await archive.holds().isEmpty)
            let future = try await archive.createHold(
                name: "new hire", kind: .person, value: "new@bank.example", from: nil, to: nil, actor: "a", allowEmpty: true)
            _ = try await archive.append([message("2", sender: "NEW@bank.example")], context: testContext)
            #expect(try await archive.messagesHeld(by: future).count == 1, "an allowed empty hold covers what arrives later")
        }
    }

    @Test func aPersonRuleIgnoresCaseToo() async throws {
        try await withArchive { archive, _ in
            try await archive.setRetentionRule(RetentionRule(name: "short", periodDays: 10), actor: "a")
            try await archive.setRetentionRule(RetentionRule(name: "dan", person: "Dan.Okafor@Bank.Example", periodDays: 3650), actor: "a")
            _ = try await archive.append(
                [message("1", sender: "dan.okafor@bank.example"), message("2", sender: "eve@bank.example")], context: testContext)
            let plan = try await archive.dispositionPlan(cutoff: Timestamp(microseconds: Self.start + 100 * Self.day))
            #expect(plan.expired.count == 1, "Dan's message keeps his longer period")
        }
    }

    @Test func oneOfficerCannotApproveTheirOwnProposalByChangingCase() async throws {
        try await withArchive { archive, _ in
            let proposal = try await archive.proposeDisposition(actor: "alice")
            let refused = await #expect(throws: ArchiveError.self) { try await archive.approveDisposition(id: proposal.id, actor: "ALICE") }
            #expect(refused?.code == .conflict)
        }
    }

    @Test func aQueryPastItsTimeLimitStopsWithAClearError() async throws {
        try await withArchive { archive, _ in
            let batch = (0..<2000).map { message("m\($0)", sender: "eve@bank.example", text: "quarterly numbers wire \($0) transfer") }
            _ = try await archive.append(batch, context: testContext)
            var request = SearchRequest(query: SearchQuery.parse("qua* OR wir* OR tra*"), order: .relevance)
            #expect(try await archive.search(request).hits.count == 50)
            request.timeLimit = .nanoseconds(1)
            do {
                _ = try await archive.search(request)
                Issue.record("the search was not stopped")
            } catch let error as ArchiveError {
                #expect(error.code == .tooExpensive && error.message.contains("time limit"))
            }
            let stopped = await #expect(throws: ArchiveError.self) { try await archive.count(request) }
            #expect(stopped?.code == .tooExpensive)
            // The connection is usable afterwards: the handler does not outlive the search.
            request.timeLimit = nil
            #expect(try await archive.count(request) == 2000)
            let refused = SearchRequest(query: SearchQuery.parse("q*"))
            let error = await #expect(throws: ArchiveError.self) { try await archive.search(refused) }
            #expect(error?.code == .invalid)
        }
    }

    @Test func aMessageIsFoundByThePlatformsOwnID() async throws {
        try await withArchive { archive, _ in
            _ = try await archive.append([message("1712345678.000200", sender: "eve@bank.example")], context: testContext)
            let ids = try await archive.messageIDs(platform: "slack", conversation: "C1", sourceID: "1712345678.000200")
            #expect(ids.count == 1)
            #expect(try await archive.messageIDs(platform: "teams", conversation: nil, sourceID: "1712345678.000200").isEmpty)
            #expect(try await archive.messageIDs(platform: nil, conversation: nil, sourceID: "1712345678").isEmpty)
        }
    }
}
