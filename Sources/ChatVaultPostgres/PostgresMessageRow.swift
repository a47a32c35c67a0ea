import ChatVaultArchive
import ChatVaultCore
import PostgresNIO

/// A message row of the PostgreSQL store with its conversation's platform and id: the
/// columns the canonical record (``CanonicalRecord``) is computed from, the same as the
/// embedded store's, so a message has the same leaf hash on both backends.
struct PostgresMessageRow: CanonicalMessageFields {
    /// The columns ``init(_:)`` reads, in order; `m` is the message and `c` its conversation.
    static let selection = """
        m.id, m.leaf, m.conversation_id, m.source_id, m.kind, m.target, m.sender, m.sender_name, m.recipients, m.sent_at, \
        m.text, m.reply_to, m.thread, m.edited_from, m.deleted, m.reactions, m.attachments, m.redactions, m.delivered_by, \
        c.platform, c.source_id
        """
    /// How many columns ``selection`` names.
    static let width = 21

    var id: Int64
    var leaf: Int
    var conversation: Int64
    var platform: String
    var conversationSourceID: String
    var sourceID: String
    var kind: String
    var target: String?
    var sender: String
    var senderName: String?
    var recipients: String
    var sentAt: Int64
    var text: String
    var replyTo: String?
    var thread: String?
    var editedFrom: String
    var deleted: Bool
    var reactions: String
    var attachments: String
    var redactions: String
    var deliveredBy: String?

    init(id: Int64, leaf: Int, conversation: Int64, message: Message, deliveredBy: String?) {
        self.id = id
        self.leaf = leaf
        self.conversation = conversation
        platform = message.platform
        conversationSourceID = message.conversation
        sourceID = message.sourceID
        kind = message.kind.rawValue
        target = message.target
        sender = message.sender.id
        senderName = message.sender.displayName
        recipients = ColumnJSON.handles(message.recipients)
        sentAt = message.sentAt.microseconds
        text = message.text
        replyTo = message.replyTo
        thread = message.thread
        editedFrom = ColumnJSON.strings(message.editedFrom)
        deleted = message.deleted
        reactions = ColumnJSON.reactions(message.reactions)
        attachments = ColumnJSON.attachments(message.attachments)
        redactions = ColumnJSON.redactions(message.redactions)
        self.deliveredBy = deliveredBy
    }

    /// Reads ``selection`` from `row`, starting at column `offset`.
    init(_ row: PostgresRandomAccessRow, offset: Int = 0) throws {
        func text(_ index: Int) throws -> String { try row[offset + index].decode(String?.self) ?? "" }
        func optional(_ index: Int) throws -> String? { try row[offset + index].decode(String?.self) }
        id = try row[offset].decode(Int64.self)
        leaf = Int(try row[offset + 1].decode(Int64?.self) ?? -1)
        conversation = try row[offset + 2].decode(Int64?.self) ?? -1
        sourceID = try text(3)
        kind = try text(4)
        target = try optional(5)
        sender = try text(6)
        senderName = try optional(7)
        recipients = try text(8)
        sentAt = try row[offset + 9].decode(Int64?.self) ?? 0
        self.text = try text(10)
        replyTo = try optional(11)
        thread = try optional(12)
        editedFrom = try text(13)
        deleted = try row[offset + 14].decode(Bool?.self) ?? false
        reactions = try text(15)
        attachments = try text(16)
        redactions = try text(17)
        deliveredBy = try optional(18)
        platform = try text(19)
        conversationSourceID = try text(20)
    }

    var canonicalBytes: [UInt8] {
        CanonicalRecord.message(self, platform: platform, conversationSourceID: conversationSourceID)
    }

    var archived: ArchivedMessage {
        let message = Message(
            platform: platform, conversation: conversationSourceID, sourceID: sourceID,
            kind: Message.Kind(rawValue: kind) ?? .message, target: target,
            sender: Handle(id: sender, displayName: senderName), recipients: ColumnJSON.parseHandles(recipients),
            sentAt: Timestamp(microseconds: sentAt), text: text, replyTo: replyTo, thread: thread,
            editedFrom: ColumnJSON.parseStrings(editedFrom), deleted: deleted,
            reactions: ColumnJSON.parseReactions(reactions), attachments: ColumnJSON.parseAttachments(attachments),
            redactions: ColumnJSON.parseRedactions(redactions))
        return ArchivedMessage(id: id, leafIndex: leaf, conversationID: conversation, message: message, deliveredBy: deliveredBy)
    }

    func write(_ field: MessageTextField, to writer: inout JSONWriter) {
        switch field {
        case .sourceID: writer.writeString(sourceID)
        case .kind: writer.writeString(kind)
        case .target: writer.writeOptional(target)
        case .sender: writer.writeString(sender)
        case .senderName: writer.writeOptional(senderName)
        case .text: writer.writeString(text)
        case .replyTo: writer.writeOptional(replyTo)
        case .thread: writer.writeOptional(thread)
        }
    }

    func write(_ field: MessageJSONField, to writer: inout JSONWriter) {
        switch field {
        case .recipients: writer.raw(recipients)
        case .editedFrom: writer.raw(editedFrom)
        case .reactions: writer.raw(reactions)
        case .attachments: writer.raw(attachments)
        case .redactions: writer.raw(redactions)
        }
    }

    func writeDeliveredBy(to writer: inout JSONWriter) {
        guard let deliveredBy else { return }
        writer.raw(",\"delivered_by\":")
        writer.writeString(deliveredBy)
    }
}
