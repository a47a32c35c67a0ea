import ChatVaultCore
import Testing

@Suite struct ModelTests {
    @Test func handlesKnowTheirDomain() {
        #expect(Handle(id: "Alice@Bank.Example").domain == "bank.example")
        #expect(Handle(id: "+4915100000001").domain == nil)
        #expect(Handle(id: "trailing@").domain == nil)
        #expect(Handle(id: "u1", displayName: "Alice").description == "Alice <u1>")
        #expect(Handle(id: "u1").description == "u1")
    }

    @Test func dedupKeyIsPlatformConversationAndSourceID() {
        let base = Message(
            platform: "slack", conversation: "C1", sourceID: "1", sender: Handle(id: "a"), sentAt: Timestamp(microseconds: 0), text: "x")
        var edited = base
        edited.text = "changed"
        edited.sentAt = Timestamp(microseconds: 99)
        #expect(base.dedupKey == edited.dedupKey, "the same message re-exported with other content is still the same message")
        var elsewhere = base
        elsewhere.conversation = "C2"
        #expect(base.dedupKey != elsewhere.dedupKey)
        var otherPlatform = base
        otherPlatform.platform = "teams"
        #expect(base.dedupKey != otherPlatform.dedupKey)
    }

    @Test func conversationsAreNamedByPlatformAndSourceID() {
        #expect(Conversation(platform: "teams", sourceID: "19:abc", kind: .group).key == "teams:19:abc")
    }

    @Test func eventsReferToTheirTarget() {
        let edit = Message(
            platform: "p", conversation: "c", sourceID: "e1", kind: .edit, target: "m1", sender: Handle(id: "a"),
            sentAt: Timestamp(microseconds: 0), text: "new")
        #expect(edit.kind == .edit && edit.target == "m1")
        #expect(Message.Kind.allCases.count == 9)  // the seven an import may carry, plus the gateway's blocked and notice
    }
}
