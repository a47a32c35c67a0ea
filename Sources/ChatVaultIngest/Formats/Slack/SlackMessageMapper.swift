import ChatVaultCore

/// Turns one entry of a Slack day file into a ``Message``: ordinary and bot messages,
/// `message_changed` (an edit event keeping the earlier text), `message_deleted` (a
/// delete event keeping the deleted text), thread replies and broadcasts, joins and
/// leaves, reactions and files.
struct SlackMessageMapper {
    let directory: SlackDirectory
    let conversation: SlackDirectory.Conversation

    struct Failure: Error {
        var reason: String
    }

    func map(_ item: JSONValue, origin: String) -> Result<IncomingMessage, Failure> {
        guard item.objectMembers != nil else { return .failure(Failure(reason: "expected an object, found \(item.kindName)")) }
        guard let ts = item.text("ts"), let sentAt = Self.timestamp(ts) else {
            return .failure(Failure(reason: "missing or malformed \"ts\""))
        }
        let subtype = item.text("subtype")
        var message: Message
        switch subtype {
        case "message_changed":
            guard let changed = item["message"], let target = changed.text("ts") else {
                return .failure(Failure(reason: "message_changed without \"message.ts\""))
            }
            let editedAt = changed["edited"]?.text("ts") ?? ts
            let editor = changed["edited"]?.text("user") ?? changed.text("user")
            message = base(changed, sourceID: "\(target)#edit@\(editedAt)", sentAt: Self.timestamp(editedAt) ?? sentAt, kind: .edit)
            if let editor { message.sender = directory.handle(editor) }
            message.target = target
            if let earlier = item["previous_message"]?.field("text")?.stringValue { message.editedFrom = [text(earlier)] }
        case "message_deleted":
            guard let target = item.text("deleted_ts") else { return .failure(Failure(reason: "message_deleted without \"deleted_ts\"")) }
            let previous = item["previous_message"] ?? .object([])
            message = base(previous, sourceID: "\(target)#delete@\(ts)", sentAt: sentAt, kind: .delete)
            if let deleter = item.text("user") { message.sender = directory.handle(deleter) }
            message.target = target
            message.deleted = true
        default:
            message = base(item, sourceID: ts, sentAt: sentAt, kind: Self.kind(of: subtype))
        }
        message.recipients = conversation.kind == .channel ? [] : conversation.members.filter { $0 != message.sender.id }.map(directory.handle)
        return .success(IncomingMessage(message: message, conversationName: conversation.name, conversationKind: conversation.kind, origin: origin))
    }

    /// The fields every entry shares, read from `item`.
    private func base(_ item: JSONValue, sourceID: String, sentAt: Timestamp, kind: Message.Kind) -> Message {
        var body = text(item.field("text")?.stringValue ?? "")
        if body.isEmpty, let parts = item["attachments"]?.arrayValue {
            body = parts.compactMap { $0.text("fallback") ?? $0.text("text") ?? $0.text("pretext") }.map(text).joined(separator: "\n")
        }
        let thread = item.text("thread_ts")
        let isReply = thread != nil && thread != item.text("ts")
        return Message(
            platform: "slack", conversation: conversation.id, sourceID: sourceID, kind: kind, sender: sender(of: item), sentAt: sentAt,
            text: body, replyTo: isReply ? thread : nil, thread: thread, reactions: reactions(item), attachments: files(item))
    }

    private func sender(of item: JSONValue) -> Handle {
        if let user = item.text("user") {
            var handle = directory.handle(user)
            if handle.displayName == nil { handle.displayName = item["user_profile"]?.text("real_name") ?? item.text("username") }
            return handle
        }
        let botName = item.text("username") ?? item["bot_profile"]?.text("name")
        return Handle(id: item.text("bot_id") ?? botName ?? "unknown", displayName: botName)
    }

    private func reactions(_ item: JSONValue) -> [Reaction] {
        (item["reactions"]?.arrayValue ?? []).compactMap { reaction in
            guard let name = reaction.text("name") else { return nil }
            return Reaction(emoji: ":\(name):", by: reaction["users"]?.arrayValue?.compactMap(\.scalarText) ?? [])
        }
    }

    private func files(_ item: JSONValue) -> [Attachment] {
        var list = item["files"]?.arrayValue ?? []
        if let single = item["file"], single.objectMembers != nil { list.append(single) }
        return list.compactMap { file in
            guard let name = file.text("name") ?? file.text("title") ?? file.text("id") else { return nil }
            return Attachment(name: name, size: file.text("size").flatMap { Int64($0) }, mediaType: file.text("mimetype"))
        }
    }

    static func kind(of subtype: String?) -> Message.Kind {
        switch subtype {
        case nil, "bot_message", "thread_broadcast", "file_share", "file_comment", "me_message", "reply_broadcast": return .message
        case "channel_join", "group_join": return .join
        case "channel_leave", "group_leave": return .leave
        default: return .system
        }
    }

    /// Slack's `ts` (`"1454884927.000002"`) as an exact timestamp.
    static func timestamp(_ ts: String) -> Timestamp? {
        let parts = ts.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let seconds = Int64(parts[0]), abs(seconds) < 100_000_000_000 else { return nil }
        var micro: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1].prefix(6)
            guard fraction.allSatisfy(\.isASCII), let value = Int64(fraction.isEmpty ? "0" : String(fraction)) else { return nil }
            micro = value
            for _ in fraction.count..<6 { micro *= 10 }
        }
        return Timestamp(microseconds: seconds * 1_000_000 + micro)
    }

    /// Slack's markup made readable: `<@U1>` becomes `@Name`, `<#C1|general>` `#general`,
    /// `<url|label>` `label (url)`, and `&amp;` `&lt;` `&gt;` their characters.
    func text(_ raw: String) -> String {
        guard raw.contains("<") || raw.contains("&") else { return raw }
        var out = ""
        var rest = raw[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            out += rest[..<open]
            let inner = rest[rest.index(after: open)..<close]
            let pieces = inner.split(separator: "|", maxSplits: 1)
            let target = pieces.first.map(String.init) ?? ""
            let label = pieces.count > 1 ? String(pieces[1]) : nil
            if target.hasPrefix("@") {
                out += "@" + (label ?? directory.users[String(target.dropFirst())] ?? String(target.dropFirst()))
            } else if target.hasPrefix("#") {
                out += "#" + (label ?? directory.channelNames[String(target.dropFirst())] ?? String(target.dropFirst()))
            } else if target.hasPrefix("!") {
                out += "@" + (label ?? String(target.dropFirst()))
            } else {
                out += label.map { "\($0) (\(target))" } ?? target
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out.replacing("&lt;", with: "<").replacing("&gt;", with: ">").replacing("&amp;", with: "&")
    }
}
