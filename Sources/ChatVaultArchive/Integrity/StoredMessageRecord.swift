package import ChatVaultCore

/// A message row exactly as stored, on either backend, and the canonical bytes that the
/// integrity log hashes. The canonical form is computed from the stored columns, so
/// changing any column of a stored message changes its leaf hash and `verify` names it.
package struct StoredMessage: Sendable {
    package var id: Int64
    package var leaf: Int
    package var conversation: Int64
    package var sourceID: String
    package var kind: String
    package var target: String?
    package var sender: String
    package var senderName: String?
    /// JSON arrays written by ``ColumnJSON``.
    package var recipients: String
    package var sentAt: Int64
    package var text: String
    package var replyTo: String?
    package var thread: String?
    package var editedFrom: String
    package var deleted: Bool
    package var reactions: String
    package var attachments: String
    package var redactions: String
    /// Who delivered the message (`import:FILE`, `ingest:TOKEN`, `capture:SOURCE`); `nil`
    /// for messages stored before it was recorded, whose canonical record has no such field.
    package var deliveredBy: String?

    /// The columns as read back from a store.
    package init(
        id: Int64, leaf: Int, conversation: Int64, sourceID: String, kind: String, target: String?, sender: String, senderName: String?,
        recipients: String, sentAt: Int64, text: String, replyTo: String?, thread: String?, editedFrom: String, deleted: Bool, reactions: String,
        attachments: String, redactions: String, deliveredBy: String?
    ) {
        self.id = id
        self.leaf = leaf
        self.conversation = conversation
        self.sourceID = sourceID
        self.kind = kind
        self.target = target
        self.sender = sender
        self.senderName = senderName
        self.recipients = recipients
        self.sentAt = sentAt
        self.text = text
        self.replyTo = replyTo
        self.thread = thread
        self.editedFrom = editedFrom
        self.deleted = deleted
        self.reactions = reactions
        self.attachments = attachments
        self.redactions = redactions
        self.deliveredBy = deliveredBy
    }

    package init(id: Int64, leaf: Int, conversation: Int64, message: Message, deliveredBy: String? = nil) {
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

    package func canonicalBytes(platform: String, conversationSourceID: String) -> [UInt8] {
        CanonicalRecord.message(self, platform: platform, conversationSourceID: conversationSourceID)
    }

    package func archived(platform: String, conversationSourceID: String) -> ArchivedMessage {
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
    package func write(_ field: MessageTextField, to writer: inout JSONWriter) {
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

    package func write(_ field: MessageJSONField, to writer: inout JSONWriter) {
        switch field {
        case .recipients: writer.raw(recipients)
        case .editedFrom: writer.raw(editedFrom)
        case .reactions: writer.raw(reactions)
        case .attachments: writer.raw(attachments)
        case .redactions: writer.raw(redactions)
        }
    }

    package func writeDeliveredBy(to writer: inout JSONWriter) {
        guard let deliveredBy else { return }
        writer.raw(",\"delivered_by\":")
        writer.writeString(deliveredBy)
    }
}
