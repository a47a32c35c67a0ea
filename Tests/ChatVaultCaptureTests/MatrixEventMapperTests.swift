import ChatVaultCapture
import ChatVaultCore
import Testing

@Suite struct MatrixEventMapperTests {
    let mapper = MatrixEventMapper(roomID: "!room:localhost", roomName: "Trading desk")

    func event(_ json: String) throws -> JSONValue {
        try JSONParser().parse(json)
    }

    func map(_ json: String) throws -> Message? {
        mapper.map(try event(json))?.message
    }

    @Test func textMessage() throws {
        let incoming = try #require(
            mapper.map(
                try event(
                    #"{"type":"m.room.message","event_id":"$e1","sender":"@alice:localhost","origin_server_ts":1700000000123,"content":{"msgtype":"m.text","body":"hello bob"}}"#
                )))
        let message = incoming.message
        #expect(message.platform == "matrix")
        #expect(message.conversation == "!room:localhost")
        #expect(message.sourceID == "$e1")
        #expect(message.kind == .message)
        #expect(message.sender.id == "@alice:localhost")
        #expect(message.sentAt == Timestamp(microseconds: 1_700_000_000_123_000))
        #expect(message.text == "hello bob")
        #expect(incoming.conversationName == "Trading desk")
    }

    @Test func editIsAnEditOfItsTarget() throws {
        let message = try #require(
            try map(
                #"{"type":"m.room.message","event_id":"$e2","sender":"@alice:localhost","origin_server_ts":1700000001000,"content":{"msgtype":"m.text","body":"* fixed","m.new_content":{"msgtype":"m.text","body":"fixed"},"m.relates_to":{"rel_type":"m.replace","event_id":"$e1"}}}"#
            ))
        #expect(message.kind == .edit)
        #expect(message.target == "$e1")
        #expect(message.text == "fixed")
    }

    @Test func redactionDeletesItsTargetInBothRoomVersionLayouts() throws {
        let old = try #require(
            try map(
                #"{"type":"m.room.redaction","event_id":"$r1","sender":"@alice:localhost","origin_server_ts":1700000002000,"redacts":"$e1","content":{"reason":"oops"}}"#
            ))
        #expect(old.kind == .delete)
        #expect(old.target == "$e1")
        let v11 = try #require(
            try map(
                #"{"type":"m.room.redaction","event_id":"$r2","sender":"@alice:localhost","origin_server_ts":1700000002000,"content":{"redacts":"$e9"}}"#
            ))
        #expect(v11.kind == .delete)
        #expect(v11.target == "$e9")
        #expect(try map(#"{"type":"m.room.redaction","event_id":"$r3","sender":"@a:l","origin_server_ts":1700000002000,"content":{}}"#) == nil)
    }

    @Test func redactedEventIsMarkedDeleted() throws {
        let message = try #require(
            try map(
                #"{"type":"m.room.message","event_id":"$e3","sender":"@bob:localhost","origin_server_ts":1700000003000,"content":{},"unsigned":{"redacted_because":{"type":"m.room.redaction"}}}"#
            ))
        #expect(message.deleted)
        #expect(message.text == "")
    }

    @Test func reaction() throws {
        let message = try #require(
            try map(
                #"{"type":"m.reaction","event_id":"$x","sender":"@bob:localhost","origin_server_ts":1700000004000,"content":{"m.relates_to":{"rel_type":"m.annotation","event_id":"$e1","key":"👍"}}}"#
            ))
        #expect(message.kind == .reaction)
        #expect(message.target == "$e1")
        #expect(message.text == "👍")
        #expect(try map(#"{"type":"m.reaction","event_id":"$y","sender":"@b:l","origin_server_ts":1700000004000,"content":{}}"#) == nil)
    }

    @Test func membership() throws {
        let join = try #require(
            try map(
                #"{"type":"m.room.member","event_id":"$j","sender":"@bob:localhost","state_key":"@bob:localhost","origin_server_ts":1700000005000,"content":{"membership":"join","displayname":"Bob"},"unsigned":{"prev_content":{"membership":"invite"}}}"#
            ))
        #expect(join.kind == .join)
        #expect(join.sender == Handle(id: "@bob:localhost", displayName: "Bob"))
        // A display-name change repeats "join": not a new arrival.
        #expect(
            try map(
                #"{"type":"m.room.member","event_id":"$k","sender":"@bob:localhost","state_key":"@bob:localhost","origin_server_ts":1700000005000,"content":{"membership":"join","displayname":"Robert"},"unsigned":{"prev_content":{"membership":"join"}}}"#
            ) == nil)
        let kick = try #require(
            try map(
                #"{"type":"m.room.member","event_id":"$l","sender":"@alice:localhost","state_key":"@bob:localhost","origin_server_ts":1700000006000,"content":{"membership":"leave"},"unsigned":{"prev_content":{"membership":"join"}}}"#
            ))
        #expect(kick.kind == .leave)
        #expect(kick.sender.id == "@bob:localhost")
        #expect(kick.text.contains("removed by @alice:localhost"))
        #expect(
            try map(
                #"{"type":"m.room.member","event_id":"$m","sender":"@alice:localhost","state_key":"@carol:localhost","origin_server_ts":1700000006000,"content":{"membership":"invite"}}"#
            ) == nil)
    }

    @Test func sendersGetTheDisplayNameOfTheirLatestJoin() throws {
        var mapper = MatrixEventMapper(roomID: "!r:l")
        let join = try event(
            #"{"type":"m.room.member","event_id":"$j","sender":"@bob:l","state_key":"@bob:l","origin_server_ts":1700000000000,"content":{"membership":"join","displayname":"Bob B."}}"#
        )
        let said = try event(
            #"{"type":"m.room.message","event_id":"$m","sender":"@bob:l","origin_server_ts":1700000001000,"content":{"msgtype":"m.text","body":"hi"}}"#
        )
        #expect(mapper.map(said)?.message.sender.displayName == nil)
        mapper.learn(from: join)
        #expect(mapper.map(said)?.message.sender == Handle(id: "@bob:l", displayName: "Bob B."))
        mapper.learn(
            from: try event(#"{"type":"m.room.member","event_id":"$k","sender":"@bob:l","state_key":"@bob:l","content":{"membership":"join"}}"#))
        #expect(mapper.map(said)?.message.sender.displayName == nil)
    }

    @Test func fileIsAnAttachmentWithNameSizeAndType() throws {
        let message = try #require(
            try map(
                #"{"type":"m.room.message","event_id":"$f","sender":"@alice:localhost","origin_server_ts":1700000007000,"content":{"msgtype":"m.file","body":"q3.pdf","url":"mxc://x/y","info":{"size":52431,"mimetype":"application/pdf"}}}"#
            ))
        #expect(message.attachments == [Attachment(name: "q3.pdf", size: 52431, mediaType: "application/pdf")])
        #expect(message.text == "")
        let captioned = try #require(
            try map(
                #"{"type":"m.room.message","event_id":"$g","sender":"@alice:localhost","origin_server_ts":1700000007000,"content":{"msgtype":"m.image","body":"see chart","filename":"chart.png","info":{"size":-5,"mimetype":"image/png"}}}"#
            ))
        #expect(captioned.attachments == [Attachment(name: "chart.png", size: nil, mediaType: "image/png")])
        #expect(captioned.text == "see chart")
    }

    @Test func replyLosesItsQuotedFallback() throws {
        let message = try #require(
            try map(
                #"{"type":"m.room.message","event_id":"$h","sender":"@bob:localhost","origin_server_ts":1700000008000,"content":{"msgtype":"m.text","body":"> <@alice:localhost> hello\n> more\n\nmy answer","m.relates_to":{"m.in_reply_to":{"event_id":"$e1"}}}}"#
            ))
        #expect(message.replyTo == "$e1")
        #expect(message.text == "my answer")
    }

    @Test(arguments: [
        // missing or wrong-typed required fields
        #"{"type":"m.room.message","sender":"@a:l","origin_server_ts":1700000000000,"content":{"body":"x"}}"#,
        #"{"type":"m.room.message","event_id":"$e","origin_server_ts":1700000000000,"content":{"body":"x"}}"#,
        #"{"type":"m.room.message","event_id":"$e","sender":"@a:l","content":{"body":"x"}}"#,
        #"{"type":"m.room.message","event_id":"$e","sender":"@a:l","origin_server_ts":"1700000000000","content":{"body":"x"}}"#,
        #"{"type":"m.room.message","event_id":"$e","sender":"@a:l","origin_server_ts":1.7e12,"content":{"body":"x"}}"#,
        #"{"type":"m.room.message","event_id":"$e","sender":"@a:l","origin_server_ts":-1,"content":{"body":"x"}}"#,
        #"{"type":"m.room.message","event_id":"$e","sender":"@a:l","origin_server_ts":99999999999999999999999,"content":{}}"#,
        #"{"type":7,"event_id":"$e","sender":"@a:l","origin_server_ts":1700000000000}"#,
        #"{"type":"m.room.message","event_id":["$e"],"sender":"@a:l","origin_server_ts":1700000000000}"#,
        #"{"type":"m.room.message","event_id":"$e\u0001x","sender":"@a:l","origin_server_ts":1700000000000}"#,
        #"{"type":"m.room.message","event_id":"","sender":"@a:l","origin_server_ts":1700000000000}"#,
        #"{"type":"m.call.invite","event_id":"$e","sender":"@a:l","origin_server_ts":1700000000000,"content":{}}"#,
        #"[1,2,3]"#,
        #""string""#,
        #"{"type":"m.room.message","event_id":"$e","sender":"@a:l","origin_server_ts":1700000000000,"content":{"m.relates_to":{"rel_type":"m.replace"}}}"#,
    ])
    func hostileEventsAreSkipped(_ json: String) throws {
        #expect(try map(json) == nil)
    }

    @Test func hostileFieldsAreBounded() throws {
        let long = String(repeating: "é", count: 100_000)
        let longID = "$" + String(repeating: "a", count: 300)
        #expect(
            try map(#"{"type":"m.room.message","event_id":"\#(longID)","sender":"@a:l","origin_server_ts":1700000000000,"content":{"body":"x"}}"#)
                == nil)
        let message = try #require(
            try map(
                #"{"type":"m.room.message","event_id":"$e","sender":"@a:l","origin_server_ts":1700000000000,"content":{"msgtype":{"x":1},"body":"\#(long)","m.relates_to":"nonsense"}}"#
            ))
        #expect(message.text.utf8.count <= MatrixEventMapper.maxTextLength)
        #expect(message.text.utf8.count > 60_000)
        let file = try #require(
            try map(
                #"{"type":"m.room.message","event_id":"$f","sender":"@a:l","origin_server_ts":1700000000000,"content":{"msgtype":"m.file","body":"\#(long)","info":{"size":"huge","mimetype":["x"]}}}"#
            ))
        #expect(file.attachments.first.map { $0.name.utf8.count <= 255 } == true)
        #expect(file.attachments.first?.size == nil)
        #expect(file.attachments.first?.mediaType == nil)
        #expect(MatrixEventMapper(roomID: "!r:l", roomName: long).roomName.map { $0.utf8.count <= 256 } == true)
    }
}
