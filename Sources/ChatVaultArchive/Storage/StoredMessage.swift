import ChatVaultCore
import Foundation
import GRDB

/// A message row exactly as stored, and the canonical bytes that the integrity log
/// hashes. The canonical form is computed from the stored columns, so changing any
/// column of a stored message changes its leaf hash and `verify` names it.
struct StoredMessage {
    static let columns =
        "id, leaf, conversation, source_id, kind, target, sender, sender_name, recipients, sent_at, text, reply_to, thread, edited_from, deleted, reactions, attachments, redactions, delivered_by"
    /// How many columns ``columns`` and ``selection(table:)`` name: a query that selects
    /// more after them reads those from this index on.
    static let width = 19

    /// The columns to read a message with ``init(row:)``, each text column as a blob so
    /// that nothing is cut at an embedded U+0000; `table` prefixes them (`m.`).
    static func selection(table: String = "") -> String {
        let integers: Set<String> = ["id", "leaf", "conversation", "sent_at", "deleted"]
        return columns.split(separator: ",").map { name in
            let column = table + name.trimmingPrefix(" ")
            return integers.contains(String(name.trimmingPrefix(" "))) ? column : "CAST(\(column) AS BLOB)"
        }.joined(separator: ", ")
    }

    var id: Int64
    var leaf: Int
    var conversation: Int64
    var sourceID: String
    var kind: String
    var target: String?
    var sender: String
    var senderName: String?
    /// JSON arrays written by ``ColumnJSON``.
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
    /// Who delivered the message (`import:FILE`, `ingest:TOKEN`, `capture:SOURCE`); `nil`
    /// for messages stored before it was recorded, whose canonical record has no such field.
    var deliveredBy: String?

    init(row: Row) {
        // Text is read as bytes: a C-string read would end at an embedded U+0000.
        func text(_ index: Int) -> String { (row[index] as Data?).map { String(decoding: $0, as: UTF8.self) } ?? "" }
        func optionalText(_ index: Int) -> String? { (row[index] as Data?).map { String(decoding: $0, as: UTF8.self) } }
        id = row[0]
        leaf = row[1]
        conversation = row[2]
        sourceID = text(3)
        kind = text(4)
        target = optionalText(5)
        sender = text(6)
        senderName = optionalText(7)
        recipients = text(8)
        sentAt = row[9]
        self.text = text(10)
        replyTo = optionalText(11)
        thread = optionalText(12)
        editedFrom = text(13)
        deleted = row[14]
        reactions = text(15)
        attachments = text(16)
        redactions = text(17)
        deliveredBy = optionalText(18)
    }

    init(id: Int64, leaf: Int, conversation: Int64, message: Message, deliveredBy: String? = nil) {
        self.id = id
        self.leaf = leaf
        self.conversation = conversation
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

    func canonicalBytes(platform: String, conversationSourceID: String) -> [UInt8] {
        CanonicalRecord.message(self, platform: platform, conversationSourceID: conversationSourceID)
    }

    func bind(to statement: RawStatement) {
        statement.bind(1, id)
        statement.bind(2, leaf)
        statement.bind(3, conversation)
        statement.bind(4, sourceID)
        statement.bind(5, kind)
        statement.bind(6, target)
        statement.bind(7, sender)
        statement.bind(8, senderName)
        statement.bind(9, recipients)
        statement.bind(10, sentAt)
        statement.bind(11, text)
        statement.bind(12, replyTo)
        statement.bind(13, thread)
        statement.bind(14, editedFrom)
        statement.bind(15, deleted)
        statement.bind(16, reactions)
        statement.bind(17, attachments)
        statement.bind(18, redactions)
        statement.bind(19, deliveredBy)
    }

    func archived(platform: String, conversationSourceID: String) -> ArchivedMessage {
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
}

extension StoredMessage: CanonicalMessageFields {
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
