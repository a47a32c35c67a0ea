import ChatVaultArchive
import ChatVaultCore
import Testing

/// What every ``NoticeStore`` promises, written once and run on each backend.
enum NoticeStoreConformance {
    typealias S = StoreConformance

    static func noticesAndParticipants(_ subject: some StoreSubject) async throws {
        var notice = S.message(
            ArchiveNotices.sourceIDPrefix + "abc", day: 1, sender: "chatvault", to: ["bob@bank.example"], text: "this chat is archived", kind: .notice
        )
        notice.message.recipients = [Handle(id: "bob@bank.example", displayName: "Bob")]
        var lookalike = S.message("notice-not", day: 1, text: "not a notice record")
        lookalike.message.kind = .system
        _ = try await subject.messages.append(
            [
                S.message("m1", day: 0), notice, lookalike,
                S.message("t1", day: 0, platform: "teams", conversation: "T1", sender: "carol@bank.example", to: []),
            ], context: AppendContext(actor: "gateway:g", source: "gateway:g", deliveredBy: "gateway:g"))
        let store = subject.noticeStore
        let notices = try await store.notices()
        #expect(notices.count == 1)
        let found = try #require(notices.first)
        #expect(found.platform == "slack" && found.conversation == "C1" && found.conversationName == "#c1")
        #expect(found.recipients == [Handle(id: "bob@bank.example", displayName: "Bob")])
        #expect(found.text == "this chat is archived" && found.sentAt == S.time(day: 1, hour: 10) && found.deliveredBy == "gateway:g")
        #expect(try await store.notices(platform: "teams").isEmpty)
        #expect(try await store.notices(platform: "slack").map(\.messageID) == [found.messageID])
        let people = try await store.participants(platforms: ["slack", "teams"])
        #expect(people.map { "\($0.platform):\($0.conversation)" } == ["slack:C1", "teams:T1"])
        #expect(people[0].handles.map(\.id) == ["alice@bank.example", "bob@bank.example", "chatvault"])
        #expect(people[0].firstMessageAt == S.time(day: 0, hour: 10))
        #expect(try await store.participants(platforms: []).isEmpty)
    }
}
