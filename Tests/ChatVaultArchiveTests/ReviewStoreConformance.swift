import ChatVaultArchive
import ChatVaultCore
import Testing

/// What every ``ReviewStore`` promises, written once and run on each backend.
enum ReviewStoreConformance {
    typealias S = StoreConformance

    /// Two messages in slack:C1 with an alert each; returns the alert ids.
    static func seed(_ subject: some StoreSubject) async throws -> [Int64] {
        let receipt = try await subject.messages.append(
            [S.message("m1", text: "tip for you"), S.message("m2", sender: "carol@bank.example", to: [], text: "buy now")],
            alerts: [S.alert(on: "m1"), S.alert(on: "m2", rule: "pump", severity: .low)], context: testContext)
        #expect(receipt.alertIDs.count == 2)
        return receipt.alertIDs
    }

    static func stepsMoveAlertsAlongTheStateMachine(_ subject: some StoreSubject) async throws {
        let store = subject.reviewStore
        let alert = try await seed(subject)[0]
        let escalated = try await store.review(alertID: alert, action: .escalate, actor: "reviewer-1", detail: [("reason", .string("looks bad"))])
        #expect(escalated.alertID == alert && escalated.action == "escalate" && escalated.actor == "reviewer-1")
        #expect(escalated.detail["from"] == .string("open") && escalated.detail["to"] == .string("escalated"))
        #expect(try await store.alert(id: alert)?.stored.alert.state == .escalated)
        _ = try await store.review(alertID: alert, action: .close, actor: "reviewer-1", detail: [("reason", .string("explained"))])
        #expect(await S.code { try await store.review(alertID: alert, action: .escalate, actor: "reviewer-1", detail: []) } == .conflict)
        #expect(await S.code { try await store.review(alertID: 999_999, action: .comment, actor: "reviewer-1", detail: []) } == .notFound)
        _ = try await store.review(alertID: alert, action: .reopen, actor: "reviewer-2", detail: [])
        #expect(try await store.alert(id: alert)?.stored.alert.state == .open)
        let history = try await store.reviews(alertID: alert)
        #expect(history.map(\.action) == ["escalate", "close", "reopen"], "a refused step leaves no trace")
        #expect(history.map(\.actor) == ["reviewer-1", "reviewer-1", "reviewer-2"])
        // Every step is an audit event, and so a leaf of the integrity log.
        let trail = try await subject.messages.auditTrail(actor: nil, actionPrefix: "alert.", beforeID: nil, limit: 10)
        #expect(trail.map(\.action) == ["alert.reopen", "alert.close", "alert.escalate"])
        #expect(history.map(\.auditID) == trail.reversed().map(\.id))
        #expect(try await subject.messages.verify().isIntact)
    }

    static func aBatchOfStepsIsAllOrNothing(_ subject: some StoreSubject) async throws {
        let store = subject.reviewStore
        let alerts = try await seed(subject)
        let before = try await subject.messages.statistics()
        let refused = await S.code {
            try await store.review(
                [
                    ReviewStep(alertID: alerts[0], action: .close, detail: []), ReviewStep(alertID: alerts[1], action: .close, detail: []),
                    ReviewStep(alertID: alerts[1], action: .escalate, detail: []),
                ], actor: "reviewer-1")
        }
        #expect(refused == .conflict, "escalating a closed alert is refused")
        #expect(try await store.alert(id: alerts[0])?.stored.alert.state == .open, "the first step was not kept")
        #expect(try await store.reviews(alertID: alerts[0]).isEmpty)
        #expect(try await store.reviews(alertID: alerts[1]).isEmpty)
        #expect(try await subject.messages.statistics() == before)
        // Steps apply in order: the second sees the state the first left.
        let done = try await store.review(
            [ReviewStep(alertID: alerts[0], action: .close, detail: []), ReviewStep(alertID: alerts[0], action: .reopen, detail: [])],
            actor: "reviewer-1")
        #expect(done.map(\.action) == ["close", "reopen"])
        #expect(try await store.alert(id: alerts[0])?.stored.alert.state == .open)
    }

    static func theQueueFiltersCountsAndPages(_ subject: some StoreSubject) async throws {
        let store = subject.reviewStore
        let alerts = try await seed(subject)
        _ = try await store.review(alertID: alerts[0], action: .assign, actor: "lead", detail: [], assignee: "reviewer-1")
        #expect(try await store.alert(id: alerts[0])?.assignee == "reviewer-1")
        func queue(_ change: (inout AlertFilter) -> Void) async throws -> (ids: [Int64], total: Int) {
            var filter = AlertFilter()
            change(&filter)
            let (found, total) = try await store.alertQueue(filter)
            return (found.map(\.stored.id), total)
        }
        #expect(try await queue { _ in } == ([alerts[1], alerts[0]], 2), "newest first")
        #expect(try await queue { $0.rule = "pump" } == ([alerts[1]], 1))
        #expect(try await queue { $0.severity = .high } == ([alerts[0]], 1))
        #expect(try await queue { $0.assignee = "reviewer-1" } == ([alerts[0]], 1))
        #expect(try await queue { $0.states = [.closed] } == ([], 0))
        #expect(try await queue { $0.participants = ["CAROL@bank.example"] }.total == 2, "scoped by the conversation's people, without case")
        #expect(try await queue { $0.participants = ["nobody@bank.example"] } == ([], 0))
        #expect(try await queue { $0.participants = [] } == ([], 0))
        #expect(try await queue { $0.limit = 1 } == ([alerts[1]], 2))
        #expect(
            try await queue {
                $0.limit = 1; $0.offset = 1
            } == ([alerts[0]], 2))
        let message = try #require(try await store.alert(id: alerts[0])).stored.messageID
        let byMessage = try await store.alerts(forMessages: [message, 424242])
        #expect(byMessage.keys.sorted() == [message])
        #expect(byMessage[message]?.map(\.stored.id) == [alerts[0]])
        #expect(try await store.alert(id: 424242) == nil)
    }

    static func coachingNotesByEmployee(_ subject: some StoreSubject) async throws {
        let store = subject.reviewStore
        let alerts = try await seed(subject)
        for (index, employee) in ["alice@bank.example", "carol@bank.example", "alice@bank.example"].enumerated() {
            _ = try await store.review(
                alertID: alerts[index % 2], action: .coach, actor: "lead", detail: [("employee", .string(employee)), ("note", .string("n\(index)"))])
        }
        _ = try await store.review(alertID: alerts[0], action: .comment, actor: "lead", detail: [("comment", .string("not a note"))])
        #expect(try await store.coachingNotes().map { $0.detail["note"] } == [.string("n2"), .string("n1"), .string("n0")], "newest first")
        #expect(try await store.coachingNotes(employee: "alice@bank.example", limit: 10).map { $0.detail["note"] } == [.string("n2"), .string("n0")])
        #expect(try await store.coachingNotes(employee: nil, limit: 1).count == 1)
    }
}
