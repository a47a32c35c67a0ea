import ChatVaultCapture
import ChatVaultCore
import Testing

@Suite struct IRCMessageTests {
    func parse(_ line: String) -> IRCMessage? {
        IRCMessage.parse(Array(line.utf8))
    }

    @Test func prefixCommandAndTrailing() throws {
        let line = try #require(parse(":alice!~a@127.0.0.1 PRIVMSG #desk :hello there: you\r\n"))
        #expect(line.prefix == "alice!~a@127.0.0.1")
        #expect(line.nick == "alice")
        #expect(line.isFromUser)
        #expect(line.command == "PRIVMSG")
        #expect(line.parameters == ["#desk", "hello there: you"])
    }

    @Test func tagsAreUnescaped() throws {
        let line = try #require(parse(#"@time=2026-11-29T10:00:00.123Z;msgid=abc\:def\sghi\\;+draft/x;=ignored :bob!b@h NOTICE #c :hi"#))
        #expect(line.tags["time"] == "2026-11-29T10:00:00.123Z")
        #expect(line.tags["msgid"] == #"abc;def ghi\"#)
        #expect(line.tags["+draft/x"] == "")
        #expect(line.tags.count == 3)
        #expect(line.command == "NOTICE")
    }

    @Test func serverLinesAndNumerics() throws {
        let ping = try #require(parse("PING :irc.localhost"))
        #expect(ping.prefix == nil)
        #expect(ping.parameters == ["irc.localhost"])
        let names = try #require(parse(":irc.localhost 353 cvlog = #desk :@alice +bob carol"))
        #expect(names.command == "353")
        #expect(!names.isFromUser)
        #expect(names.parameters == ["cvlog", "=", "#desk", "@alice +bob carol"])
        #expect(parse("join #desk")?.command == "JOIN")
    }

    @Test(arguments: ["", "\r\n", ":prefixonly", "@tags=only", ":a!b@c PRIV-MSG #x :y", ":a!b@c  "])
    func malformedLinesAreRejected(_ line: String) {
        #expect(parse(line) == nil)
    }

    @Test func overlongLinesAreRejected() {
        let body = ":a!b@c PRIVMSG #x :" + String(repeating: "x", count: 600)
        #expect(parse(body) == nil)
        let tags = "@" + String(repeating: "t", count: 9000) + " PING :x"
        #expect(parse(tags) == nil)
        // Long tags are allowed up to their own limit, the body to 512 bytes.
        let fine = "@" + String(repeating: "t", count: 4000) + " :a!b@c PRIVMSG #x :" + String(repeating: "y", count: 400)
        #expect(parse(fine)?.parameters.last?.count == 400)
    }

    @Test func latin1IsReadWhenNotUTF8() throws {
        let line = try #require(IRCMessage.parse(Array(":a!b@c PRIVMSG #x :caf".utf8) + [0xE9]))
        #expect(line.parameters.last == "café")
    }

    @Test func atMostFifteenParameters() throws {
        let line = try #require(parse("CMD " + (1...30).map(String.init).joined(separator: " ")))
        #expect(line.parameters.count == 15)
    }

    @Test func formattingCodesAndControlsAreStripped() {
        #expect(IRCText.plain("\u{2}bold\u{2} \u{1D}it\u{1D} \u{1F}u\u{1F} \u{1E}s\u{1E} \u{11}m\u{11} \u{16}r\u{16}\u{F}") == "bold it u s m r")
        #expect(IRCText.plain("\u{3}04red\u{3} \u{3}4,12both\u{3} \u{3}99,99x \u{3},5comma") == "red both x ,5comma")
        #expect(IRCText.plain("\u{3}123") == "3")
        #expect(IRCText.plain("\u{4}FF0000hex\u{4}00ff00,000000bg") == "hexbg")
        #expect(IRCText.plain("a\tb\u{0}c\u{7}d\u{1B}[31me\u{7F}\u{85}f") == "a bcd[31mef")
        #expect(IRCText.plain("4111 1111 \u{2}1111\u{2} 1111") == "4111 1111 1111 1111")
    }

    @Test func ctcp() throws {
        let action = try #require(IRCText.ctcp("\u{1}ACTION waves\u{1}"))
        #expect(action.command == "ACTION")
        #expect(action.argument == "waves")
        #expect(IRCText.ctcp("\u{1}version")?.command == "VERSION")
        #expect(IRCText.ctcp("plain") == nil)
    }

    @Test func serializedLinesCannotInjectCommands() {
        let line = IRCMessage(command: "PRIVMSG", parameters: ["#x", "hi\r\nQUIT :gone"])
        #expect(line.serialized == "PRIVMSG #x :hiQUIT :gone")
        #expect(IRCMessage(command: "NICK", parameters: ["cv"]).serialized == "NICK cv")
    }
}

@Suite struct IRCLogbookTests {
    let now = Timestamp(iso8601: "2026-11-29T12:00:00Z")!

    func line(_ text: String) -> IRCMessage {
        IRCMessage.parse(Array(text.utf8))!
    }

    @Test func channelMessagesActionsAndNotices() {
        var book = IRCLogbook(nick: "cvlog")
        let said = book.record(line(":alice!a@h PRIVMSG #Desk :\u{3}4hello\u{3} world"), receivedAt: now)
        #expect(said.count == 1)
        #expect(said.first?.message.conversation == "#desk")
        #expect(said.first?.message.sender.id == "alice")
        #expect(said.first?.message.text == "hello world")
        #expect(said.first?.conversationKind == .channel)
        #expect(said.first?.message.sentAt == now)
        #expect(book.record(line(":bob!b@h PRIVMSG #desk :\u{1}ACTION waves\u{1}"), receivedAt: now).first?.message.text == "* bob waves")
        #expect(book.record(line(":bob!b@h NOTICE #desk :heads up"), receivedAt: now).first?.message.text == "heads up")
        #expect(book.record(line(":bob!b@h PRIVMSG #desk :\u{1}VERSION\u{1}"), receivedAt: now).isEmpty)
        #expect(book.record(line(":irc.localhost NOTICE * :*** Looking up your hostname"), receivedAt: now).isEmpty)
    }

    @Test func privateMessageToTheLoggerIsADirectConversation() {
        var book = IRCLogbook(nick: "cvlog")
        let direct = book.record(line(":Alice!a@h PRIVMSG CVLog :psst"), receivedAt: now)
        #expect(direct.first?.message.conversation == "alice,cvlog")
        #expect(direct.first?.conversationKind == .direct)
        #expect(direct.first?.message.recipients == [Handle(id: "cvlog")])
        #expect(book.record(line(":alice!a@h PRIVMSG someoneelse :psst"), receivedAt: now).isEmpty)
    }

    @Test func joinsPartsKicksAndQuitsInEveryChannelTheNickWasIn() {
        var book = IRCLogbook(nick: "cvlog")
        _ = book.record(line(":irc.localhost 353 cvlog = #a :@cvlog alice"), receivedAt: now)
        #expect(book.record(line(":bob!b@h JOIN #a"), receivedAt: now).first?.message.kind == .join)
        #expect(book.record(line(":bob!b@h JOIN :#b"), receivedAt: now).first?.message.conversation == "#b")
        let part = book.record(line(":alice!a@h PART #a :lunch"), receivedAt: now)
        #expect(part.first?.message.kind == .leave)
        #expect(part.first?.message.text == "alice left #a (lunch)")
        let quit = book.record(line(":bob!b@h QUIT :gone"), receivedAt: now)
        #expect(quit.map(\.message.conversation) == ["#a", "#b"])
        #expect(quit.allSatisfy { $0.message.kind == .leave && $0.message.sender.id == "bob" })
        #expect(book.record(line(":carol!c@h QUIT :never seen"), receivedAt: now).isEmpty)
        _ = book.record(line(":dave!d@h JOIN #a"), receivedAt: now)
        let kick = book.record(line(":cvlog!x@h KICK #a dave :spam"), receivedAt: now)
        #expect(kick.first?.message.sender.id == "dave")
        #expect(kick.first?.message.kind == .leave)
    }

    @Test func idsAreStableForTheSameLineAndDifferForRepeats() {
        var first = IRCLogbook(nick: "cvlog")
        var second = IRCLogbook(nick: "cvlog")
        let text = ":alice!a@h PRIVMSG #a :same words"
        let a = first.record(line(text), receivedAt: now).first!.message.sourceID
        #expect(second.record(line(text), receivedAt: now).first!.message.sourceID == a)
        // The same words again at the same time are a second message.
        let repeated = first.record(line(text), receivedAt: now).first!.message.sourceID
        #expect(repeated != a)
        #expect(repeated == second.record(line(text), receivedAt: now).first!.message.sourceID)
        // Another time, sender, target or text is another id.
        let later = Timestamp(microseconds: now.microseconds + 1)
        #expect(first.record(line(text), receivedAt: later).first!.message.sourceID != a)
        #expect(first.record(line(":bob!a@h PRIVMSG #a :same words"), receivedAt: now).first!.message.sourceID != a)
        #expect(first.record(line(":alice!a@h PRIVMSG #b :same words"), receivedAt: now).first!.message.sourceID != a)
    }

    @Test func aReplayedServerTimeLineIsTheSameMessageInANewSession() {
        let text = "@time=2026-11-29T09:30:00.500Z :alice!a@h PRIVMSG #a :hello"
        var first = IRCLogbook(nick: "cvlog")
        var second = IRCLogbook(nick: "cvlog")
        _ = first.record(line(":bob!b@h PRIVMSG #a :something else first"), receivedAt: now)
        let a = first.record(line(text), receivedAt: now).first!.message.sourceID
        let b = second.record(line(text), receivedAt: Timestamp(microseconds: now.microseconds + 60_000_000)).first!.message.sourceID
        #expect(a == b)
    }

    @Test func serverTimeAndMsgidTagsAreUsed() {
        var book = IRCLogbook(nick: "cvlog")
        let tagged = book.record(line("@time=2026-11-29T09:30:00.500Z;msgid=Xy1 :alice!a@h PRIVMSG #a :hi"), receivedAt: now)
        #expect(tagged.first?.message.sentAt == Timestamp(iso8601: "2026-11-29T09:30:00.500Z"))
        #expect(tagged.first?.message.sourceID == "msgid:Xy1")
        let bad = book.record(line("@time=yesterday :alice!a@h PRIVMSG #a :hi"), receivedAt: now)
        #expect(bad.first?.message.sentAt == now)
    }

    @Test func nickChangesFollowTheLogger() {
        var book = IRCLogbook(nick: "cvlog")
        _ = book.record(line(":cvlog!x@h JOIN #a"), receivedAt: now)
        let renamed = book.record(line(":cvlog!x@h NICK :cvlog2"), receivedAt: now)
        #expect(renamed.first?.message.kind == .system)
        #expect(book.nick == "cvlog2")
        #expect(book.record(line(":alice!a@h PRIVMSG cvlog2 :hi"), receivedAt: now).first?.message.conversation == "alice,cvlog2")
    }
}
