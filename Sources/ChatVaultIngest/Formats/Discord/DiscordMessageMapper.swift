import ChatVaultCore

/// Turns one DiscordChatExporter message into the events it records: the message (a join,
/// leave or system notice for non-chat types) and an edit event when `timestampEdited`
/// is set. The export keeps only the latest text, so the edit carries that text.
struct DiscordMessageMapper {
    let conversation: String
    let name: String
    let kind: Conversation.Kind

    struct Failure: Error {
        var reason: String
    }

    static let joins: Set<String> = ["GuildMemberJoin", "RecipientAdd"]
    static let leaves: Set<String> = ["RecipientRemove"]
    static let chat: Set<String> = ["Default", "Reply"]

    func map(_ item: JSONValue, origin: String) -> Result<[IncomingMessage], Failure> {
        guard item.objectMembers != nil else { return .failure(Failure(reason: "expected an object, found \(item.kindName)")) }
        guard let id = item.text("id") else { return .failure(Failure(reason: "missing \"id\"")) }
        guard let sentAt = item.text("timestamp").flatMap(Timestamp.init(iso8601:)) else {
            return .failure(Failure(reason: "missing or malformed \"timestamp\""))
        }
        guard let author = item.field("author"), let authorID = author.text("id") else {
            return .failure(Failure(reason: "missing \"author.id\""))
        }
        let sender = Handle(id: authorID, displayName: author.text("nickname") ?? author.text("name"))
        var message = Message(
            platform: "discord", conversation: conversation, sourceID: id, sender: sender, sentAt: sentAt, text: Self.text(item),
            replyTo: item.field("reference")?.text("messageId"), reactions: Self.reactions(item), attachments: Self.attachments(item))
        let type = item.text("type") ?? "Default"
        if Self.joins.contains(type) {
            message.kind = .join
        } else if Self.leaves.contains(type) {
            message.kind = .leave
        } else if !Self.chat.contains(type) {
            message.kind = .system
            if message.text.isEmpty { message.text = type }
        }
        var events = [message]
        if let editedText = item.text("timestampEdited"), let edited = Timestamp(iso8601: editedText) {
            events.append(message.editEvent(id: "\(id)#edit@\(edited.iso8601)", at: edited))
        }
        return .success(events.map { IncomingMessage(message: $0, conversationName: name, conversationKind: kind, origin: origin) })
    }

    /// `content`; stickers are named in brackets, and a message with no content shows its
    /// embeds' titles and descriptions (bots often post only embeds).
    static func text(_ item: JSONValue) -> String {
        var parts: [String] = []
        if let content = item.field("content")?.stringValue, !content.isEmpty { parts.append(content) }
        if parts.isEmpty {
            for embed in item.field("embeds")?.arrayValue ?? [] {
                let piece = [embed.text("title"), embed.text("description")].compactMap { $0 }.joined(separator: "\n")
                if !piece.isEmpty { parts.append(piece) }
            }
        }
        for sticker in item.field("stickers")?.arrayValue ?? [] {
            if let name = sticker.text("name") { parts.append("[sticker: \(name)]") }
        }
        return parts.joined(separator: "\n")
    }

    static func reactions(_ item: JSONValue) -> [Reaction] {
        (item.field("reactions")?.arrayValue ?? []).compactMap { reaction in
            guard let emoji = reaction.field("emoji"), let name = emoji.text("name") else { return nil }
            let custom = emoji.text("id").map { !$0.isEmpty } ?? false
            let who = (reaction.field("users")?.arrayValue ?? []).compactMap { $0.text("id") ?? $0.text("name") }
            return Reaction(emoji: custom ? ":\(name):" : name, by: who)
        }
    }

    static func attachments(_ item: JSONValue) -> [Attachment] {
        (item.field("attachments")?.arrayValue ?? []).compactMap { attachment in
            guard let name = attachment.text("fileName") ?? attachment.text("url") else { return nil }
            return Attachment(name: name, size: attachment.text("fileSizeBytes").flatMap { Int64($0) })
        }
    }
}
