import ChatVaultCore
import Crypto

/// Turns one Graph `chatMessage` into the events it records: the message (HTML bodies as
/// text, the HTML kept as a `body.html` attachment), an edit event when it was edited, a
/// delete event when it was deleted, and joins, leaves and notices for system events.
struct TeamsMessageMapper {
    let source: String

    struct Failure: Error {
        var reason: String
    }

    func map(_ item: JSONValue, origin: String) -> Result<[IncomingMessage], Failure> {
        guard item.objectMembers != nil else { return .failure(Failure(reason: "expected an object, found \(item.kindName)")) }
        guard let id = item.text("id") else { return .failure(Failure(reason: "missing \"id\"")) }
        guard let created = item.text("createdDateTime").flatMap(Timestamp.init(iso8601:)) else {
            return .failure(Failure(reason: "missing or malformed \"createdDateTime\""))
        }
        let (conversation, kind) = Self.conversation(of: item, fallback: source)
        let body = item.field("body")
        let content = body?.field("content")?.stringValue ?? ""
        let isHTML = body?.text("contentType")?.lowercased() == "html"
        var message = Message(
            platform: "teams", conversation: conversation, sourceID: id, sender: Self.identity(item.field("from")) ?? Handle(id: "system"),
            sentAt: created, text: isHTML ? HTMLText.text(content) : content, replyTo: item.text("replyToId"),
            thread: item.text("replyToId"), reactions: Self.reactions(item), attachments: Self.attachments(item))
        if isHTML && !content.isEmpty && content != "<systemEventMessage/>" { message.attachments.insert(Self.html(content), at: 0) }
        if let subject = item.text("subject"), !subject.isEmpty { message.text = subject + "\n" + message.text }

        if let detail = item.field("eventDetail"), detail.objectMembers != nil {
            message.kind = Self.eventKind(detail)
            if let initiator = Self.identity(detail.field("initiator")) { message.sender = initiator }
            if message.text.isEmpty || message.text == "<systemEventMessage/>" { message.text = Self.describe(detail) }
        } else if let type = item.text("messageType"), type != "message" {
            message.kind = .system
        }
        var events = [message]
        if let edited = item.text("lastEditedDateTime"), let at = Timestamp(iso8601: edited) {
            events.append(message.editEvent(id: "\(id)#edit@\(edited)", at: at))
        }
        if let deletedAt = item.text("deletedDateTime"), let at = Timestamp(iso8601: deletedAt) {
            events[0].deleted = true
            events.append(message.deletionEvent(id: "\(id)#delete@\(deletedAt)", at: at))
        }
        // The body's HTML is kept as an attachment with its content, stored once by hash.
        var contents: [String: [UInt8]] = [:]
        if let html = message.attachments.first(where: { $0.name == "body.html" }), let sha256 = html.sha256 {
            contents[sha256] = Array(content.utf8)
        }
        return .success(
            events.map { event in
                let carried = contents.filter { key, _ in event.attachments.contains { $0.sha256 == key } }
                return IncomingMessage(message: event, conversationName: nil, conversationKind: kind, origin: origin, contents: carried)
            })
    }

    static func conversation(of item: JSONValue, fallback: String) -> (String, Conversation.Kind?) {
        if let channel = item.field("channelIdentity")?.text("channelId") { return (channel, .channel) }
        if let chat = item.text("chatId") { return (chat, chat.contains("@unq.gbl.spaces") ? .direct : .group) }
        return (fallback, nil)
    }

    /// The user (or application) of a Graph `identitySet`.
    static func identity(_ set: JSONValue?) -> Handle? {
        guard let set else { return nil }
        for key in ["user", "application", "device"] {
            if let who = set.field(key), let id = who.text("id") { return Handle(id: id, displayName: who.text("displayName")) }
        }
        return nil
    }

    static func reactions(_ item: JSONValue) -> [Reaction] {
        var byType: [(String, [String])] = []
        for reaction in item.field("reactions")?.arrayValue ?? [] {
            guard let type = reaction.text("reactionType") ?? reaction.text("displayName") else { continue }
            let who = identity(reaction.field("user"))?.id
            if let index = byType.firstIndex(where: { $0.0 == type }) {
                if let who { byType[index].1.append(who) }
            } else {
                byType.append((type, who.map { [$0] } ?? []))
            }
        }
        return byType.map { Reaction(emoji: $0.0, by: $0.1) }
    }

    static func attachments(_ item: JSONValue) -> [Attachment] {
        (item.field("attachments")?.arrayValue ?? []).compactMap { attachment in
            guard let name = attachment.text("name") ?? attachment.text("contentUrl") ?? attachment.text("id") else { return nil }
            return Attachment(name: name, mediaType: attachment.text("contentType"))
        }
    }

    static func html(_ content: String) -> Attachment {
        let bytes = Array(content.utf8)
        let hex = Array(SHA256.hash(data: bytes)).hexString
        return Attachment(name: "body.html", sha256: hex, size: Int64(bytes.count), mediaType: "text/html")
    }

    /// Join for members added or joined, leave for members deleted or left, else a notice.
    static func eventKind(_ detail: JSONValue) -> Message.Kind {
        let type = (detail.text("@odata.type") ?? "").lowercased()
        if type.contains("membersadded") || type.contains("membersjoined") || present(detail, "membersAdded") || present(detail, "membersJoined") {
            return .join
        }
        if type.contains("membersdeleted") || type.contains("membersleft") || present(detail, "membersDeleted") || present(detail, "membersLeft") {
            return .leave
        }
        return .system
    }

    private static func present(_ detail: JSONValue, _ key: String) -> Bool {
        guard let value = detail.field(key) else { return false }
        return !value.isNull
    }

    static func describe(_ detail: JSONValue) -> String {
        if let type = detail.text("@odata.type") { return type.replacing("#microsoft.graph.", with: "") }
        let set = (detail.objectMembers ?? []).filter { !$0.value.isNull && $0.key.lowercased() != "initiator" }.map(\.key)
        return set.isEmpty ? "system event" : set.joined(separator: ", ")
    }
}
