import ChatVaultCore
import ChatVaultIngest
import Testing

@Suite struct ChatVaultJSONLTests {
    let format = ChatVaultJSONL(maxTextBytes: 100)

    func parse(_ line: String) -> Result<IncomingMessage, InputError> {
        var copy = line
        return copy.withUTF8 { format.message(from: $0, source: "in.jsonl", line: 7) }
    }

    @Test func readsEveryDocumentedField() throws {
        let line = #"""
            {"platform":"slack","conversation":"C1","conversation_name":"#deals","conversation_kind":"channel","id":1712345678.000200,
             "sender":{"id":"U1","name":"Alice"},"recipients":["U2",{"id":"U3","name":"Carol"}],"sent_at":"2024-04-05T19:34:38.0002Z",
             "text":"hi","reply_to":"1.0","thread":"1.0","edited_from":"hey","deleted":true,
             "reactions":[{"emoji":"👍","by":["U2"]}],"attachments":[{"name":"a.pdf","sha256":"\#(String(repeating: "AB", count: 32))","size":12,"media_type":"application/pdf"}],
             "unknown_field":{"ignored":true}}
            """#.replacing("\n", with: "")
        let incoming = try parse(line).get()
        let m = incoming.message
        #expect(m.platform == "slack" && m.conversation == "C1" && m.sourceID == "1712345678.000200")
        #expect(m.sender == Handle(id: "U1", displayName: "Alice"))
        #expect(m.recipients == [Handle(id: "U2"), Handle(id: "U3", displayName: "Carol")])
        #expect(m.sentAt.iso8601 == "2024-04-05T19:34:38.000200Z")
        #expect(m.replyTo == "1.0" && m.thread == "1.0" && m.editedFrom == ["hey"] && m.deleted)
        #expect(m.reactions == [Reaction(emoji: "👍", by: ["U2"])])
        #expect(m.attachments == [Attachment(name: "a.pdf", sha256: String(repeating: "ab", count: 32), size: 12, mediaType: "application/pdf")])
        #expect(incoming.conversationName == "#deals" && incoming.conversationKind == .channel)
    }

    @Test func readsEditAndDeleteEvents() throws {
        let edit = try parse(
            #"{"platform":"p","conversation":"c","id":"e1","kind":"edit","target":"m1","sender":"u","sent_at":"2024-01-01T00:00:00Z","text":"new"}"#
        ).get()
        #expect(edit.message.kind == .edit && edit.message.target == "m1")
        let epoch = try parse(#"{"platform":"p","conversation":"c","id":"1","sender":"u","sent_at":1700000000.5,"text":"x"}"#).get()
        #expect(epoch.message.sentAt.microseconds == 1_700_000_000_500_000)
    }

    @Test(arguments: [
        (#"{"conversation":"c","id":"1","sender":"u","sent_at":"2024-01-01","text":"x"}"#, "missing \"platform\""),
        (#"{"platform":"p","conversation":"c","id":"1","sender":"u","sent_at":"yesterday","text":"x"}"#, "\"sent_at\" is not an ISO 8601"),
        (#"{"platform":"p","conversation":"c","id":"1","sender":"u","text":"x"}"#, "missing \"sent_at\""),
        (#"{"platform":"p","conversation":"c","id":"1","sender":[],"sent_at":"2024-01-01","text":"x"}"#, "\"sender\" must be"),
        (#"{"platform":"p","conversation":"c","id":"","sender":"u","sent_at":"2024-01-01","text":"x"}"#, "\"id\" must be a non-empty"),
        (#"{"platform":"p","conversation":"c","id":"1","sender":"u","sent_at":"2024-01-01","kind":"delete"}"#, "needs \"target\""),
        (#"{"platform":"p","conversation":"c","id":"1","sender":"u","sent_at":"2024-01-01","kind":"shout"}"#, "\"kind\" must be one of"),
        (
            #"{"platform":"p","conversation":"c","id":"1","sender":"u","sent_at":"2024-01-01","attachments":[{"name":"a","sha256":"xyz"}]}"#,
            "64 hexadecimal"
        ),
        (#"["not","an","object"]"#, "expected a JSON object"),
        (#"{"platform":"p", "#, "not valid JSON"),
        (#"{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]}"#, "nesting deeper"),
    ])
    func badLinesSayWhatIsWrongAndWhere(line: String, reason: String) {
        guard case .failure(let error) = parse(line) else {
            Issue.record("accepted: \(line)")
            return
        }
        #expect(error.source == "in.jsonl" && error.line == 7)
        #expect(error.description.hasPrefix("in.jsonl:7: "))
        #expect(error.reason.contains(reason), "\(error.reason)")
    }

    @Test func boundsTheTextSize() {
        let long = String(repeating: "x", count: 101)
        guard case .failure(let error) = parse(#"{"platform":"p","conversation":"c","id":"1","sender":"u","sent_at":"2024-01-01","text":"\#(long)"}"#)
        else {
            Issue.record("accepted an oversized text")
            return
        }
        #expect(error.reason.contains("limit is 100"))
    }
}
