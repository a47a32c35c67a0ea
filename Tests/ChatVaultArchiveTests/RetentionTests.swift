import ChatVaultArchive
import ChatVaultCore
import Foundation
import Testing

/// A clock the test moves by hand, so seven years pass in a millisecond.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64

    init(_ start: Int64) { current = start }

    var now: Timestamp { lock.withLock { Timestamp(microseconds: current) } }
    func set(_ value: Int64) { lock.withLock { current = value } }
    func advance(days: Double) { lock.withLock { current += Int64(days * 86_400_000_000) } }
}

@Suite struct RetentionTests {
    static let day: Int64 = 86_400_000_000
    static let start: Int64 = 1_704_067_200_000_000  // 2024-01-01

    func message(_ id: String, at micros: Int64, conversation: String = "C1", sender: String = "alice@bank.example", text: String = "hello")
        -> IncomingMessage
    {
        IncomingMessage(
            message: Message(
                platform: "slack", conversation: conversation, sourceID: id, sender: Handle(id: sender), sentAt: Timestamp(microseconds: micros),
                text: text),
            origin: "t")
    }

    func withArchive(_ body: (SQLiteArchive, TestClock) async throws -> Void) async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let clock = TestClock(Self.start)
        try await body(try vault.archive(clock: { clock.now }), clock)
    }

    @Test func recordsExpireExactlyAtTheEndOfTheirPeriod() async throws {
        try await withArchive { archive, clock in
            try await archive.setRetentionRule(RetentionRule(name: "comms", periodDays: 10), actor: "officer-a")
            _ = try await archive.append([message("1", at: Self.start)], context: testContext)
            let end = Timestamp(microseconds: Self.start + 10 * Self.day)
            #expect(try await archive.dispositionPlan(cutoff: Timestamp(microseconds: end.microseconds - 1)).expired.isEmpty)
            #expect(try await archive.dispositionPlan(cutoff: end).expired.count == 1)
            _ = clock
        }
    }

    @Test func theLongestMatchingRuleWins() async throws {
        try await withArchive { archive, _ in
            try await archive.setRetentionRule(RetentionRule(name: "all", periodDays: 10), actor: "a")
            try await archive.setRetentionRule(RetentionRule(name: "desk", conversation: "slack:C1", periodDays: 30), actor: "a")
            _ = try await archive.append([message("1", at: Self.start), message("2", at: Self.start, conversation: "C2")], context: testContext)
            let plan = try await archive.dispositionPlan(cutoff: Timestamp(microseconds: Self.start + 20 * Self.day))
            #expect(plan.expired.count == 1)
            #expect(plan.rules.values.first == "all")
        }
    }

    @Test func shorteningAppliesOnlyToRecordsStoredAfterIt() async throws {
        try await withArchive { archive, clock in
            try await archive.setRetentionRule(RetentionRule(name: "comms", periodDays: 30), actor: "a")
            _ = try await archive.append([message("old", at: Self.start)], context: testContext)
            clock.advance(days: 1)
            try await archive.setRetentionRule(RetentionRule(name: "comms", periodDays: 10), actor: "a")
            clock.advance(days: 1)
            _ = try await archive.append([message("new", at: Self.start)], context: testContext)
            let plan = try await archive.dispositionPlan(cutoff: Timestamp(microseconds: Self.start + 20 * Self.day))
            let expired = try await plan.expired.asyncMap { try await archive.message(id: $0)?.message.sourceID }
            #expect(expired == ["new"], "the record stored before the shortening keeps 30 days")
            // Lengthening applies to every record.
            try await archive.setRetentionRule(RetentionRule(name: "comms", periodDays: 60), actor: "a")
            #expect(try await archive.dispositionPlan(cutoff: Timestamp(microseconds: Self.start + 40 * Self.day)).expired.isEmpty)
            let trail = try await archive.auditTrail(limit: 50).filter { $0.action == "retention.rule.set" }
            #expect(trail.contains { $0.detail["shortened"] == .bool(true) })
        }
    }

    @Test func dispositionNeedsASecondOfficerKeepsHeldRecordsAndVerifies() async throws {
        try await withArchive { archive, clock in
            try await archive.setRetentionRule(RetentionRule(name: "comms", periodDays: 10), actor: "officer-a")
            _ = try await archive.append(
                [
                    message("1", at: Self.start, text: "routine update"),
                    message("2", at: Self.start, sender: "dan@bank.example", text: "the acme deal"),
                    message("3", at: Self.start + 30 * Self.day, text: "recent"),
                ], context: testContext)
            let hold = try await archive.createHold(name: "acme litigation", kind: .query, value: "acme", from: nil, to: nil, actor: "officer-a")
            clock.set(Self.start + 11 * Self.day)

            let proposal = try await archive.proposeDisposition(actor: "officer-a")
            #expect(proposal.candidates == 1)
            await #expect(throws: ArchiveError.self) { try await archive.approveDisposition(id: proposal.id, actor: "officer-a") }
            #expect(try await archive.statistics().messages == 3, "one officer alone deletes nothing")

            let done = try await archive.approveDisposition(id: proposal.id, actor: "officer-b")
            #expect(done.disposed == 1)
            #expect(try await archive.statistics().messages == 2)
            #expect(try await archive.search(SearchRequest(query: SearchQuery.parse("routine"))).hits.isEmpty)
            let report = try await archive.verify()
            #expect(report.isIntact, "\(report.problems)")

            // The held record goes only after the hold is released by two officers.
            _ = try await archive.releaseHold(id: hold.id, actor: "officer-a")
            await #expect(throws: ArchiveError.self) { try await archive.releaseHold(id: hold.id, actor: "officer-a") }
            #expect(try await archive.dispositionPlan(cutoff: clock.now).held == 1, "a proposed release still holds")
            _ = try await archive.releaseHold(id: hold.id, actor: "officer-b")
            let second = try await archive.proposeDisposition(actor: "officer-b")
            #expect(second.candidates == 1)
            _ = try await archive.approveDisposition(id: second.id, actor: "officer-a")
            #expect(try await archive.statistics().messages == 1)
            #expect(try await archive.search(SearchRequest(query: SearchQuery.parse("acme"))).hits.isEmpty)
            #expect(try await archive.verify().isIntact)
            let actions = try await archive.auditTrail(limit: 100).map(\.action)
            for action in ["hold.create", "hold.release.propose", "hold.release", "retention.propose", "retention.dispose"] {
                #expect(actions.contains(action))
            }
        }
    }

    /// Disposition removes exactly the index entry the message was given (filter tokens
    /// included), keeps messages that carry a policy alert, and leaves a verifiable log.
    @Test func dispositionKeepsAlertedMessagesAndLeavesNoIndexGhosts() async throws {
        try await withArchive { archive, clock in
            try await archive.setRetentionRule(RetentionRule(name: "comms", periodDays: 10), actor: "officer-a")
            var withFile = message("2", at: Self.start, conversation: "C2", sender: "client@other.example", text: "see the attached file")
            withFile.message.attachments = [Attachment(name: "terms.pdf", sha256: nil, size: 10, mediaType: "application/pdf")]
            let flagged = message("3", at: Self.start, text: "guaranteed returns")
            let alert = Alert(rule: "guarantees", severity: .high, message: flagged.message.dedupKey, raisedAt: Timestamp(microseconds: Self.start))
            _ = try await archive.append([message("1", at: Self.start), withFile, flagged], alerts: [alert], context: testContext)
            var everything = SearchRequest(query: nil)
            everything.platform = "slack"
            #expect(try await archive.count(everything) == 3)
            clock.set(Self.start + 11 * Self.day)
            let plan = try await archive.dispositionPlan(cutoff: clock.now)
            #expect(plan.expired.count == 2 && plan.held == 1, "the alerted message stays with its alert")
            let proposal = try await archive.proposeDisposition(actor: "officer-a")
            _ = try await archive.approveDisposition(id: proposal.id, actor: "officer-b")
            #expect(try await archive.statistics().messages == 1)
            for filter in [\SearchRequest.externalOnly, \SearchRequest.withAttachments] {
                var request = SearchRequest(query: nil)
                request[keyPath: filter] = true
                #expect(try await archive.count(request) == 0, "no index entry is left behind")
            }
            #expect(try await archive.count(everything) == 1)
            var alerted = SearchRequest(query: nil)
            alerted.withAlerts = true
            #expect(try await archive.count(alerted) == 1)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func holdsCoverPeopleConversationsAndLaterRecords() async throws {
        try await withArchive { archive, _ in
            let byPerson = try await archive.createHold(name: "p", kind: .person, value: "dan@bank.example", from: nil, to: nil, actor: "a")
            let byConversation = try await archive.createHold(name: "c", kind: .conversation, value: "slack:C2", from: nil, to: nil, actor: "a")
            _ = try await archive.append(
                [
                    message("1", at: Self.start, sender: "dan@bank.example"), message("2", at: Self.start, conversation: "C2"),
                    message("3", at: Self.start),
                ],
                context: testContext)
            #expect(try await archive.messagesHeld(by: byPerson).count == 1, "records that arrive after the hold are covered")
            #expect(try await archive.messagesHeld(by: byConversation).count == 1)
        }
    }

    @Test func aTamperedTombstoneIsNamed() async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let clock = TestClock(Self.start)
        let archive = try vault.archive(clock: { clock.now })
        try await archive.setRetentionRule(RetentionRule(name: "comms", periodDays: 1), actor: "a")
        _ = try await archive.append([message("1", at: Self.start)], context: testContext)
        clock.advance(days: 2)
        let proposal = try await archive.proposeDisposition(actor: "a")
        _ = try await archive.approveDisposition(id: proposal.id, actor: "b")
        #expect(try await archive.verify().isIntact)
        let db = try DatabaseQueueForTests.open(vault.vault.databasePath)
        try db.execute("UPDATE tombstones SET rule = 'other'")
        #expect(try await archive.verify().problems.contains { $0.recordKind == "tombstone" })
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
