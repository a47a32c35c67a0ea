import ChatVaultArchive
import ChatVaultCore

/// The JSON shapes the CLI prints with `--json`.
enum MessageJSON {
    static func message(_ archived: ArchivedMessage, conversation: Conversation? = nil) -> JSONValue {
        let m = archived.message
        var members: [(key: String, value: JSONValue)] = [
            ("id", .int(archived.id)), ("leaf", .int(archived.leafIndex)), ("platform", .string(m.platform)),
            ("conversation", .string(m.conversation)), ("source_id", .string(m.sourceID)), ("kind", .string(m.kind.rawValue)),
            ("target", .optional(m.target)), ("sender", .string(m.sender.id)), ("sender_name", .optional(m.sender.displayName)),
            ("recipients", .array(m.recipients.map { .string($0.id) })), ("sent_at", .string(m.sentAt.iso8601)),
            ("text", .string(m.text)), ("reply_to", .optional(m.replyTo)), ("thread", .optional(m.thread)),
            ("edited_from", .array(m.editedFrom.map(JSONValue.string))), ("deleted", .bool(m.deleted)),
            ("reactions", .array(m.reactions.map { .object([("emoji", .string($0.emoji)), ("by", .array($0.by.map(JSONValue.string)))]) })),
            (
                "attachments",
                .array(
                    m.attachments.map {
                        .object([("name", .string($0.name)), ("sha256", .optional($0.sha256)), ("size", $0.size.map { .int($0) } ?? .null)])
                    })
            ),
        ]
        members.append(
            (
                "redactions",
                .array(
                    m.redactions.map {
                        .object([
                            ("field", .string($0.field)), ("rule", .string($0.rule)), ("type", .string($0.type)), ("start", .int($0.start)),
                            ("end", .int($0.end)), ("operation", .string($0.operation.rawValue)),
                        ])
                    })
            ))
        members.append(("delivered_by", .optional(archived.deliveredBy)))
        if let conversation {
            members.append(("conversation_name", .optional(conversation.name)))
            members.append(("external", .bool(conversation.isExternal)))
        }
        return .object(members)
    }

    static func conversation(_ record: ConversationRecord) -> JSONValue {
        let c = record.conversation
        return .object([
            ("id", .int(record.id)), ("key", .string(c.key)), ("platform", .string(c.platform)), ("source_id", .string(c.sourceID)),
            ("name", .optional(c.name)), ("kind", .string(c.kind.rawValue)), ("external", .bool(c.isExternal)),
            ("messages", .int(record.messageCount)), ("first_at", .optional(record.firstMessageAt?.iso8601)),
            ("last_at", .optional(record.lastMessageAt?.iso8601)), ("participants", .array(c.participants.map { .string($0.id) })),
        ])
    }
}
