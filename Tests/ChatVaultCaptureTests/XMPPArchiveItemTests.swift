import ChatVaultCapture
import ChatVaultCore
import Testing

@Suite struct XMPPArchiveItemTests {
    /// A MAM result as Prosody sends it, parsed by the stream parser.
    func item(_ inner: String, id: String = "arch-1", stamp: String = "2026-11-29T10:15:30.25Z", query: String = "q1") throws -> XMPPArchiveItem? {
        var parser = XMPPStreamParser()
        let text =
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
            + "<message to='alice@localhost/cv'><result xmlns='urn:xmpp:mam:2' queryid='q1' id='\(id)'>"
            + "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='\(stamp)'/>\(inner)</forwarded></result></message>"
        let events = try parser.feed(Array(text.utf8))
        guard case .stanza(let message) = events.last else { return nil }
        return XMPPArchiveItem(result: message, queryID: query)
    }

    @Test func aChatMessageIsTheSameMessageInBothParticipantsArchives() throws {
        let stanza =
            "<message xmlns='jabber:client' from='Alice@localhost/phone' to='bob@localhost' type='chat' id='abc'><body>hi bob</body></message>"
        let fromAlice = try #require(try item(stanza, id: "alice-archive-7")?.incomingMessage(owner: "alice@localhost"))
        let fromBob = try #require(try item(stanza, id: "bob-archive-3")?.incomingMessage(owner: "bob@localhost"))
        #expect(fromAlice.message == fromBob.message)
        let message = fromAlice.message
        #expect(message.platform == "xmpp")
        #expect(message.conversation == "alice@localhost,bob@localhost")
        #expect(message.sourceID == "alice@localhost/abc")
        #expect(message.sender.id == "alice@localhost")
        #expect(message.recipients.map(\.id) == ["bob@localhost"])
        #expect(message.sentAt == Timestamp(iso8601: "2026-11-29T10:15:30.25Z"))
        #expect(message.text == "hi bob")
        #expect(message.kind == .message)
        #expect(fromAlice.conversationKind == .direct)
        // The reply goes to the same conversation.
        let reply = try #require(
            try item("<message xmlns='jabber:client' from='bob@localhost/x' to='alice@localhost' type='chat' id='r'><body>yo</body></message>")?
                .incomingMessage(owner: "bob@localhost"))
        #expect(reply.message.conversation == message.conversation)
    }

    @Test func roomMessagesUseTheRoomAndTheOccupant() throws {
        let stanza =
            "<message xmlns='jabber:client' from='compliance@conference.localhost/ally' type='groupchat' id='g1'><body>hello room</body>"
            + "<x xmlns='http://jabber.org/protocol/muc#user'><item jid='alice@localhost/phone'/></x></message>"
        let incoming = try #require(try item(stanza)?.incomingMessage(owner: "compliance@conference.localhost"))
        #expect(incoming.message.conversation == "compliance@conference.localhost")
        #expect(incoming.message.sender == Handle(id: "alice@localhost", displayName: "ally"))
        #expect(incoming.message.sourceID == "ally/g1")
        #expect(incoming.conversationKind == .channel)
        let anonymous = try #require(
            try item("<message xmlns='jabber:client' from='compliance@conference.localhost/bob' type='groupchat'><body>x</body></message>", id: "r9")?
                .incomingMessage(owner: "compliance@conference.localhost"))
        #expect(anonymous.message.sender.id == "compliance@conference.localhost/bob")
        #expect(anonymous.message.sourceID == "mam:r9")
    }

    @Test func correctionsAreEditsAndRetractionsAreDeletions() throws {
        let edit = try #require(
            try item(
                "<message xmlns='jabber:client' from='alice@localhost/a' to='bob@localhost' type='chat' id='e2'><body>fixed</body>"
                    + "<replace xmlns='urn:xmpp:message-correct:0' id='abc'/></message>")?.incomingMessage(owner: "alice@localhost"))
        #expect(edit.message.kind == .edit)
        #expect(edit.message.target == "alice@localhost/abc")
        #expect(edit.message.sourceID == "alice@localhost/e2")
        #expect(edit.message.text == "fixed")
        let retraction = try #require(
            try item(
                "<message xmlns='jabber:client' from='alice@localhost/a' to='bob@localhost' type='chat' id='d3'>"
                    + "<retract xmlns='urn:xmpp:message-retract:1' id='abc'/><body>fallback for old clients</body></message>")?.incomingMessage(
                    owner: "alice@localhost"))
        #expect(retraction.message.kind == .delete)
        #expect(retraction.message.text == "")
        #expect(retraction.message.target == "alice@localhost/abc")
    }

    @Test func originIDIsUsedWithoutAnIDAttribute() throws {
        let incoming = try #require(
            try item(
                "<message xmlns='jabber:client' from='alice@localhost/a' to='bob@localhost' type='chat'><body>x</body>"
                    + "<origin-id xmlns='urn:xmpp:sid:0' id='o-1'/></message>")?.incomingMessage(owner: "bob@localhost"))
        #expect(incoming.message.sourceID == "alice@localhost/o-1")
    }

    @Test func nothingToKeepIsSkipped() throws {
        let chatState =
            "<message xmlns='jabber:client' from='alice@localhost/a' to='bob@localhost' type='chat' id='c'><active xmlns='http://jabber.org/protocol/chatstates'/></message>"
        #expect(try item(chatState)?.incomingMessage(owner: "bob@localhost") == nil)
        let error = "<message xmlns='jabber:client' from='alice@localhost/a' type='error' id='c'><body>x</body></message>"
        #expect(try item(error)?.incomingMessage(owner: "bob@localhost") == nil)
        // A result for another query, or without a forwarded message, is not an item.
        #expect(try item("<message xmlns='jabber:client'><body>x</body></message>", query: "other") == nil)
        #expect(try item("<iq/>") == nil)
    }
}
