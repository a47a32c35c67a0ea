import ChatVaultArchive
import ChatVaultCore
import PostgresNIO

/// A message row of the PostgreSQL store with its conversation's platform and id: the
/// columns the canonical record (``CanonicalRecord``) is computed from, the same as the
/// embedded store's, so a message has the same leaf hash on both backends.
@dynamicMemberLookup
struct PostgresMessageRow {
    /// The columns ``init(_:offset:)`` reads, in order; `m` is the message and `c` its conversation.
    static let selection = """
        m.id, m.leaf, m.conversation_id, m.source_id, m.kind, m.target, m.sender, m.sender_name, m.recipients, m.sent_at, \
        m.text, m.reply_to, m.thread, m.edited_from, m.deleted, m.reactions, m.attachments, m.redactions, m.delivered_by, \
        c.platform, c.source_id
        """
    /// How many columns ``selection`` names.
    static let width = 21

    /// The message's columns, the same as the embedded store's.
    var stored: StoredMessage
    var platform: String
    var conversationSourceID: String

    subscript<Value>(dynamicMember column: KeyPath<StoredMessage, Value>) -> Value { stored[keyPath: column] }

    init(id: Int64, leaf: Int, conversation: Int64, message: Message, deliveredBy: String?) {
        stored = StoredMessage(id: id, leaf: leaf, conversation: conversation, message: message, deliveredBy: deliveredBy)
        platform = message.platform
        conversationSourceID = message.conversation
    }

    /// Reads ``selection`` from `row`, starting at column `offset`.
    init(_ row: PostgresRandomAccessRow, offset: Int = 0) throws {
        func text(_ index: Int) throws -> String { try row[offset + index].decode(String?.self) ?? "" }
        func optional(_ index: Int) throws -> String? { try row[offset + index].decode(String?.self) }
        stored = StoredMessage(
            id: try row[offset].decode(Int64.self), leaf: Int(try row[offset + 1].decode(Int64?.self) ?? -1),
            conversation: try row[offset + 2].decode(Int64?.self) ?? -1, sourceID: try text(3), kind: try text(4), target: try optional(5),
            sender: try text(6), senderName: try optional(7), recipients: try text(8), sentAt: try row[offset + 9].decode(Int64?.self) ?? 0,
            text: try text(10), replyTo: try optional(11), thread: try optional(12), editedFrom: try text(13),
            deleted: try row[offset + 14].decode(Bool?.self) ?? false, reactions: try text(15), attachments: try text(16),
            redactions: try text(17), deliveredBy: try optional(18))
        platform = try text(19)
        conversationSourceID = try text(20)
    }

    var canonicalBytes: [UInt8] { stored.canonicalBytes(platform: platform, conversationSourceID: conversationSourceID) }

    var archived: ArchivedMessage { stored.archived(platform: platform, conversationSourceID: conversationSourceID) }
}
