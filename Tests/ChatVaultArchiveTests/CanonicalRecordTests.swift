import ChatVaultCore
import Testing

@testable import ChatVaultArchive

/// The canonical bytes of each record kind, pinned: every backend must write exactly these
/// for the same records, so that the same messages give the same Merkle root.
@Suite struct CanonicalRecordTests {
    @Test func aMessageRecordIsPinned() {
        let message = Message(
            platform: "slack", conversation: "C1", sourceID: "1709284500.000100", sender: Handle(id: "U1", displayName: "Alice \"A\""),
            recipients: [Handle(id: "U2")], sentAt: Timestamp(microseconds: 1_709_284_500_123_456), text: "wire é\u{0}\n",
            reactions: [Reaction(emoji: "+1", by: ["U2"])], attachments: [Attachment(name: "a.pdf", sha256: "ab", size: 3, mediaType: nil)])
        let id = MessageID(millisecond: 1_709_284_500_123, sequence: 2).rawValue
        let stored = StoredMessage(id: id, leaf: 9, conversation: 4, message: message, deliveredBy: "import:x.jsonl")
        let bytes = String(decoding: stored.canonicalBytes(platform: "slack", conversationSourceID: "C1"), as: UTF8.self)
        #expect(
            bytes
                == #"{"v":1,"type":"message","id":7001229312503810,"platform":"slack","conversation":"C1","source_id":"1709284500.000100","kind":"message","target":null,"sender":"U1","sender_name":"Alice \"A\"","recipients":[{"id":"U2","name":null}],"sent_at":"2024-03-01T09:15:00.123456Z","text":"wire é\u0000\n","reply_to":null,"thread":null,"edited_from":[],"deleted":false,"reactions":[{"emoji":"+1","by":["U2"]}],"attachments":[{"name":"a.pdf","sha256":"ab","size":3,"media_type":null,"redacted":false}],"redactions":[],"delivered_by":"import:x.jsonl"}"#
        )
        var older = stored
        older.deliveredBy = nil
        #expect(!String(decoding: older.canonicalBytes(platform: "slack", conversationSourceID: "C1"), as: UTF8.self).contains("delivered_by"))
    }

    @Test func theOtherRecordKindsArePinned() {
        func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
        #expect(
            text(CanonicalRecord.conversation(id: 4, platform: "slack", sourceID: "C1", name: nil, kind: "channel"))
                == #"{"v":1,"type":"conversation","id":4,"platform":"slack","source_id":"C1","name":null,"kind":"channel"}"#)
        #expect(text(CanonicalRecord.blob(id: 2, sha256: "ab", size: 3)) == #"{"v":1,"type":"attachment","id":2,"sha256":"ab","size":3}"#)
        #expect(
            text(CanonicalRecord.tombstone(messageID: 5, messageLeaf: 9, at: 1_000_000, rule: "comms", disposition: 1))
                == #"{"v":1,"type":"tombstone","message":5,"message_leaf":9,"at":"1970-01-01T00:00:01Z","rule":"comms","disposition":1}"#)
        #expect(
            text(CanonicalRecord.audit(id: 3, at: 1_000_000, actor: "a", action: "archive.search", detail: #"{"q":"x"}"#))
                == #"{"v":1,"type":"audit","id":3,"at":"1970-01-01T00:00:01Z","actor":"a","action":"archive.search","detail":{"q":"x"}}"#)
        #expect(
            text(
                CanonicalRecord.alert(
                    id: 1, messageID: 5, rule: "insider", severity: "high", action: "flag", policyVersion: "p", raisedAt: 1_000_000, detail: "{}"))
                == #"{"v":1,"type":"alert","id":1,"message_id":5,"rule":"insider","severity":"high","action":"flag","policy_version":"p","raised_at":"1970-01-01T00:00:01Z","detail":{}}"#
        )
    }
}
