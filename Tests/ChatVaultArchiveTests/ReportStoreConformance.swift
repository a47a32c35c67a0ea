import ChatVaultArchive
import ChatVaultCore
import Testing

/// What every ``ReportStore`` promises, written once and run on each backend.
enum ReportStoreConformance {
    typealias S = StoreConformance

    /// Day 0 (a Friday): alice twice in slack:C1, carol once in teams:T1; day 1: alice in
    /// slack:C1, bob in slack:X1 with an outside address; day -1 and day 5: outside the range.
    static func seed(_ subject: some StoreSubject) async throws {
        _ = try await subject.messages.append(
            [
                S.message("early", day: -1, text: "before"),
                S.message("m1", day: 0, hour: 9, text: "one"),
                S.message("m2", day: 0, hour: 23, text: "two"),
                S.message("t1", day: 0, platform: "teams", conversation: "T1", sender: "carol@bank.example", to: [], text: "three"),
                S.message("m3", day: 1, text: "four"),
                S.message("x1", day: 1, conversation: "X1", sender: "bob@bank.example", to: ["client@acme.example"], text: "five"),
                S.message("late", day: 5, text: "after"),
            ],
            alerts: [S.alert(on: "m1", day: 0), S.alert(on: "m3", rule: "pump", day: 1), S.alert(on: "late", day: 5)], context: testContext)
    }

    static var from: Timestamp { S.time(day: 0) }
    static var to: Timestamp { S.time(day: 2) }

    static func volumeAndSendersCountTheRange(_ subject: some StoreSubject) async throws {
        try await seed(subject)
        let store = subject.reportStore
        let volume = try await store.volumeByDay(from: from, to: to)
        #expect(volume.map { "\($0.day) \($0.platform) \($0.messages)" } == ["2024-03-01 slack 2", "2024-03-01 teams 1", "2024-03-02 slack 2"])
        let senders = try await store.topSenders(from: from, to: to, limit: 10)
        #expect(senders.map { "\($0.key) \($0.count)" } == ["alice@bank.example 3", "bob@bank.example 1", "carol@bank.example 1"])
        #expect(try await store.topSenders(from: from, to: to, limit: 1).map(\.key) == ["alice@bank.example"])
        #expect(try await store.volumeByDay(from: S.time(day: 3), to: S.time(day: 4)).isEmpty)
    }

    static func trafficGroupsByConversation(_ subject: some StoreSubject) async throws {
        try await seed(subject)
        let traffic = try await subject.reportStore.conversationTraffic(from: from, to: to)
        let rows = traffic.map { "\($0.participants.joined(separator: ",")) \($0.messages) \($0.isExternal)" }.sorted()
        #expect(
            rows == [
                "alice@bank.example,bob@bank.example 3 false", "bob@bank.example,client@acme.example 1 true", "carol@bank.example 1 false",
            ])
    }

    static func alertsByWeekAndBacklog(_ subject: some StoreSubject) async throws {
        try await seed(subject)
        let store = subject.reportStore
        let weeks = try await store.alertsByWeek(from: from, to: to)
        #expect(weeks.map { "\($0.week) \($0.rule) \($0.alerts)" } == ["2024-W09 insider 1", "2024-W09 pump 1"], "one row per alert, oldest first")
        #expect(weeks[0].participants == ["alice@bank.example"])
        let queue = try await subject.reviewStore.alertQueue(AlertFilter()).alerts.map(\.stored.id).sorted()
        subject.clock.set(S.time(day: 1, hour: 12).microseconds)
        _ = try await subject.reviewStore.review(alertID: queue[0], action: .close, actor: "reviewer", detail: [("reason", .string("fine"))])
        _ = try await subject.reviewStore.review(alertID: queue[1], action: .escalate, actor: "reviewer", detail: [])
        let backlog = try await store.reviewBacklog(from: from, to: to)
        #expect(backlog.open == 1 && backlog.escalated == 1 && backlog.closed == 1)
        #expect(backlog.closeTimes == [26 * 3600], "raised day 0 at 10:00, closed day 1 at 12:00")
        #expect(try await store.reviewBacklog(from: S.time(day: 3), to: S.time(day: 4)).closeTimes.isEmpty)
    }
}
