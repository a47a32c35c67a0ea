import ChatVaultCore
import Crypto

/// Turns one message of a Telegram export into the events it records: the message, and
/// an edit event when it was edited (the export keeps only the latest text).
struct TelegramMessageMapper {
    let conversation: String
    let name: String
    let kind: Conversation.Kind
    let origin: String

    struct Failure: Error {
        var reason: String
    }

    /// Service actions that bring people in or take them out; others are system notices.
    static let joins: Set<String> = ["join_group_by_link", "join_group_by_request", "invite_members", "add_members"]
    static let leaves: Set<String> = ["remove_members", "kick_members", "leave_group"]

    func map(_ item: JSONValue, ordinal: Int) -> Result<[IncomingMessage], Failure> {
        guard item.objectMembers != nil else { return .failure(Failure(reason: "expected an object, found \(item.kindName)")) }
        guard let sentAt = Self.time(item, unix: "date_unixtime", local: "date") else {
            return .failure(Failure(reason: "missing or malformed \"date_unixtime\" and \"date\""))
        }
        let isService = item.text("type") == "service"
        let senderID = item.text(isService ? "actor_id" : "from_id") ?? item.text("from_id")
        let senderName = item.text(isService ? "actor" : "from") ?? item.text("from")
        let sender = Handle(id: senderID ?? senderName ?? "unknown", displayName: senderName)
        var text = Self.text(item.field("text"))
        if text.isEmpty, item.field("text") == nil { text = Self.text(item.field("text_entities")) }
        let id = item.text("id") ?? fallbackID(sentAt, sender: sender.id, ordinal: ordinal)
        var message = Message(
            platform: "telegram", conversation: conversation, sourceID: id, sender: sender, sentAt: sentAt, text: text,
            replyTo: item.text("reply_to_message_id"), reactions: Self.reactions(item), attachments: Self.attachments(item))
        if isService {
            let action = item.text("action") ?? "service"
            message.kind = Self.joins.contains(action) ? .join : Self.leaves.contains(action) ? .leave : .system
            if message.text.isEmpty { message.text = Self.describe(action, item) }
        } else if let type = item.text("type"), type != "message" {
            message.kind = .system
        }
        var events = [message]
        if let edited = Self.time(item, unix: "edited_unixtime", local: "edited") {
            events.append(message.editEvent(id: "\(id)#edit@\(edited.microseconds / 1_000_000)", at: edited))
        }
        return .success(events.map { IncomingMessage(message: $0, conversationName: name, conversationKind: kind, origin: origin) })
    }

    /// `date_unixtime` (seconds, as a string or number) when present; else the local
    /// `date`, read as UTC because the export does not say the zone.
    static func time(_ item: JSONValue, unix: String, local: String) -> Timestamp? {
        if let seconds = item.text(unix).flatMap({ Int64($0) }) { return Timestamp(microseconds: seconds * 1_000_000) }
        return item.text(local).flatMap(Timestamp.init(iso8601:))
    }

    /// A string, or an array of plain strings and `{type,text}` entities, concatenated.
    static func text(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        if let string = value.stringValue { return string }
        return (value.arrayValue ?? []).map { part in part.stringValue ?? part.field("text")?.stringValue ?? "" }.joined()
    }

    static func reactions(_ item: JSONValue) -> [Reaction] {
        (item.field("reactions")?.arrayValue ?? []).compactMap { reaction in
            guard let emoji = reaction.text("emoji") ?? reaction.text("document_id") else { return nil }
            let who = (reaction.field("recent")?.arrayValue ?? []).compactMap { $0.text("from_id") ?? $0.text("from") }
            return Reaction(emoji: emoji, by: who)
        }
    }

    /// `photo`, `file` and `thumbnail`-less media, named by `file_name` or the path's last
    /// component; files the export left out keep their name with no content.
    static func attachments(_ item: JSONValue) -> [Attachment] {
        var found: [Attachment] = []
        for key in ["photo", "file"] {
            guard let path = item.text(key) else { continue }
            let leftOut = path.hasPrefix("(")
            let last = path.split(separator: "/").last.map(String.init) ?? path
            let name = item.text("file_name") ?? (leftOut ? (item.text("media_type") ?? key) : last)
            let size = item.text(key == "photo" ? "photo_file_size" : "file_size").flatMap { Int64($0) }
            found.append(Attachment(name: name, size: size, mediaType: item.text("mime_type") ?? (key == "photo" ? "image/jpeg" : nil)))
        }
        return found
    }

    static func describe(_ action: String, _ item: JSONValue) -> String {
        var parts = [action]
        let members = (item.field("members")?.arrayValue ?? []).compactMap(\.scalarText)
        if !members.isEmpty { parts.append(members.joined(separator: ", ")) }
        if let title = item.text("title") { parts.append(title) }
        return parts.joined(separator: ": ")
    }

    private func fallbackID(_ sentAt: Timestamp, sender: String, ordinal: Int) -> String {
        let digest = SHA256.hash(data: Array("\(sentAt.microseconds)|\(sender)|\(ordinal)".utf8))
        return "h" + Array(digest.prefix(12)).hexString
    }
}
