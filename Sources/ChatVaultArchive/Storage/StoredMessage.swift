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

extension JSONWriter {
    mutating func writeOptional(_ text: String?) {
        if let text { writeString(text) } else { raw("null") }
    }
}

/// The JSON text of the list-valued message columns, written deterministically.
enum ColumnJSON {
    static func handles(_ handles: [Handle]) -> String {
        guard !handles.isEmpty else { return "[]" }
        return JSONValue.array(
            handles.map { handle in
                .object([("id", .string(handle.id)), ("name", handle.displayName.map(JSONValue.string) ?? .null)])
            }
        ).compactText
    }

    static func strings(_ strings: [String]) -> String {
        guard !strings.isEmpty else { return "[]" }
        return JSONValue.array(strings.map(JSONValue.string)).compactText
    }

    static func reactions(_ reactions: [Reaction]) -> String {
        guard !reactions.isEmpty else { return "[]" }
        return JSONValue.array(
            reactions.map { reaction in
                .object([("emoji", .string(reaction.emoji)), ("by", .array(reaction.by.map(JSONValue.string)))])
            }
        ).compactText
    }

    static func attachments(_ attachments: [Attachment]) -> String {
        guard !attachments.isEmpty else { return "[]" }
        return JSONValue.array(
            attachments.map { a in
                .object([
                    ("name", .string(a.name)), ("sha256", a.sha256.map(JSONValue.string) ?? .null),
                    ("size", a.size.map { .number(String($0)) } ?? .null),
                    ("media_type", a.mediaType.map(JSONValue.string) ?? .null), ("redacted", .bool(a.redacted)),
                ])
            }
        ).compactText
    }

    static func redactions(_ redactions: [Redaction]) -> String {
        guard !redactions.isEmpty else { return "[]" }
        return JSONValue.array(
            redactions.map { r in
                .object([
                    ("field", .string(r.field)), ("rule", .string(r.rule)), ("type", .string(r.type)), ("start", .number(String(r.start))),
                    ("end", .number(String(r.end))), ("operation", .string(r.operation.rawValue)),
                ])
            }
        ).compactText
    }

    static func parseRedactions(_ text: String) -> [Redaction] {
        parse(text).compactMap { item in
            guard let rule = item["rule"]?.stringValue, let type = item["type"]?.stringValue,
                let start = item["start"]?.scalarText.flatMap({ Int($0) }), let end = item["end"]?.scalarText.flatMap({ Int($0) }),
                let operation = item["operation"]?.stringValue.flatMap(Redaction.Operation.init(rawValue:))
            else { return nil }
            return Redaction(rule: rule, type: type, start: start, end: end, operation: operation, field: item["field"]?.stringValue ?? "text")
        }
    }

    private static func parse(_ text: String) -> [JSONValue] {
        guard text != "[]", let value = try? JSONParser().parse(text) else { return [] }
        return value.arrayValue ?? []
    }

    static func parseHandles(_ text: String) -> [Handle] {
        parse(text).compactMap { item in
            item["id"]?.stringValue.map { Handle(id: $0, displayName: item["name"]?.stringValue) }
        }
    }

    static func parseStrings(_ text: String) -> [String] {
        parse(text).compactMap(\.stringValue)
    }

    static func parseReactions(_ text: String) -> [Reaction] {
        parse(text).compactMap { item in
            item["emoji"]?.stringValue.map { Reaction(emoji: $0, by: item["by"]?.arrayValue?.compactMap(\.stringValue) ?? []) }
        }
    }

    static func parseAttachments(_ text: String) -> [Attachment] {
        parse(text).compactMap { item in
            item["name"]?.stringValue.map {
                Attachment(
                    name: $0, sha256: item["sha256"]?.stringValue, size: item["size"]?.scalarText.flatMap { Int64($0) },
                    mediaType: item["media_type"]?.stringValue, redacted: item["redacted"]?.boolValue ?? false)
            }
        }
    }
}

/// A message's stored columns, from Swift values or straight from a result row.
protocol CanonicalMessageFields {
    var id: Int64 { get }
    var sentAt: Int64 { get }
    var deleted: Bool { get }
    /// Writes a text column as a JSON string, or `null`.
    func write(_ field: MessageTextField, to writer: inout JSONWriter)
    /// Writes a JSON column (recipients, edited_from, reactions, attachments) as stored.
    func write(_ field: MessageJSONField, to writer: inout JSONWriter)
    /// Writes `,"delivered_by":"…"` when the message records who delivered it, and
    /// nothing otherwise, so a record stored before the field existed hashes as it did.
    func writeDeliveredBy(to writer: inout JSONWriter)
}

enum MessageTextField { case sourceID, kind, target, sender, senderName, text, replyTo, thread }
enum MessageJSONField { case recipients, editedFrom, reactions, attachments, redactions }

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

/// The canonical bytes of each record kind in the integrity log (version 1). Field order
/// is fixed; JSON columns are embedded as stored. A message's `delivered_by` comes last
/// and only when recorded, so records stored before it existed keep their hashes. Computed from the stored columns, so
/// changing any column of a stored record changes its leaf hash.
enum CanonicalRecord {
    static func message(_ m: some CanonicalMessageFields, platform: String, conversationSourceID: String) -> [UInt8] {
        message(m, conversationFields: conversationFields(platform: platform, sourceID: conversationSourceID))
    }

    /// `"platform":…,"conversation":…`, the part of a message record that depends on its
    /// conversation; `verify` computes it once per conversation.
    static func conversationFields(platform: String, sourceID: String) -> [UInt8] {
        var w = JSONWriter()
        w.raw("\"platform\":")
        w.writeString(platform)
        w.raw(",\"conversation\":")
        w.writeString(sourceID)
        return w.bytes
    }

    static func message(_ m: some CanonicalMessageFields, conversationFields: [UInt8]) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 512)
        w.raw("{\"v\":1,\"type\":\"message\",\"id\":")
        w.integer(m.id)
        w.raw(",")
        conversationFields.withUnsafeBufferPointer { w.raw(bytes: $0) }
        w.raw(",\"source_id\":")
        m.write(.sourceID, to: &w)
        w.raw(",\"kind\":")
        m.write(.kind, to: &w)
        w.raw(",\"target\":")
        m.write(.target, to: &w)
        w.raw(",\"sender\":")
        m.write(.sender, to: &w)
        w.raw(",\"sender_name\":")
        m.write(.senderName, to: &w)
        w.raw(",\"recipients\":")
        m.write(.recipients, to: &w)
        w.raw(",\"sent_at\":")
        w.timestamp(Timestamp(microseconds: m.sentAt))
        w.raw(",\"text\":")
        m.write(.text, to: &w)
        w.raw(",\"reply_to\":")
        m.write(.replyTo, to: &w)
        w.raw(",\"thread\":")
        m.write(.thread, to: &w)
        w.raw(",\"edited_from\":")
        m.write(.editedFrom, to: &w)
        w.raw(m.deleted ? ",\"deleted\":true,\"reactions\":" : ",\"deleted\":false,\"reactions\":")
        m.write(.reactions, to: &w)
        w.raw(",\"attachments\":")
        m.write(.attachments, to: &w)
        w.raw(",\"redactions\":")
        m.write(.redactions, to: &w)
        m.writeDeliveredBy(to: &w)
        w.raw("}")
        return w.bytes
    }

    static func conversation(id: Int64, platform: String, sourceID: String, name: String?, kind: String) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"conversation\",\"id\":\(id),\"platform\":")
        w.writeString(platform)
        w.raw(",\"source_id\":")
        w.writeString(sourceID)
        w.raw(",\"name\":")
        w.writeOptional(name)
        w.raw(",\"kind\":")
        w.writeString(kind)
        w.raw("}")
        return w.bytes
    }

    static func blob(id: Int64, sha256: String, size: Int) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"attachment\",\"id\":")
        w.integer(id)
        w.raw(",\"sha256\":")
        w.writeString(sha256)
        w.raw(",\"size\":")
        w.integer(Int64(size))
        w.raw("}")
        return w.bytes
    }

    static func tombstone(messageID: Int64, messageLeaf: Int, at: Int64, rule: String, disposition: Int64) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"tombstone\",\"message\":")
        w.integer(messageID)
        w.raw(",\"message_leaf\":")
        w.integer(Int64(messageLeaf))
        w.raw(",\"at\":")
        w.timestamp(Timestamp(microseconds: at))
        w.raw(",\"rule\":")
        w.writeString(rule)
        w.raw(",\"disposition\":")
        w.integer(disposition)
        w.raw("}")
        return w.bytes
    }

    static func audit(id: Int64, at: Int64, actor: String, action: String, detail: String) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"v\":1,\"type\":\"audit\",\"id\":\(id),\"at\":\"\(Timestamp(microseconds: at).iso8601)\",\"actor\":")
        w.writeString(actor)
        w.raw(",\"action\":")
        w.writeString(action)
        w.raw(",\"detail\":")
        w.raw(detail)
        w.raw("}")
        return w.bytes
    }
}
