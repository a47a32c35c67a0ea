public import ChatVaultCore

/// Turns the events of a Matrix room (as the Synapse admin messages API returns them) into
/// archive messages.
///
/// Every field is untrusted: ids, names and text are bounded, a missing or out-of-range
/// `origin_server_ts` skips the event, and events ChatVault does not archive (call signalling,
/// receipts, most state) map to `nil`.
public struct MatrixEventMapper: Sendable {
    /// The room as the archive names it.
    public var roomID: String
    public var roomName: String?
    public var kind: Conversation.Kind
    /// Display names by user id, from the room's member events; senders get theirs.
    public var displayNames: [String: String] = [:]

    /// Longest id (event, user, room) kept; longer ones skip the event.
    public static let maxIDLength = 255
    /// Longest text kept (Synapse limits events to 64 KiB anyway).
    public static let maxTextLength = 65_536

    public init(roomID: String, roomName: String? = nil, kind: Conversation.Kind = .group) {
        self.roomID = roomID
        self.roomName = roomName.map { Self.bounded($0, 256) }
        self.kind = kind
    }

    /// The archive message for one event, or `nil` when the event is not archived or is unusable.
    public func map(_ event: JSONValue) -> IncomingMessage? {
        guard let type = event["type"]?.stringValue, let id = Self.id(event["event_id"]), let sender = Self.id(event["sender"]),
            let sentAt = Self.timestamp(event["origin_server_ts"])
        else { return nil }
        let content = event["content"] ?? .object([])
        var message = Message(
            platform: "matrix", conversation: roomID, sourceID: id, sender: Handle(id: sender, displayName: displayNames[sender]), sentAt: sentAt,
            text: "")
        switch type {
        case "m.room.message":
            guard fillMessage(&message, content: content) else { return nil }
        case "m.room.redaction":
            // Room versions up to 10 carry `redacts` at the top level, v11 in the content.
            guard let target = Self.id(event["redacts"]) ?? Self.id(content["redacts"]) else { return nil }
            message.kind = .delete
            message.target = target
            message.text = Self.text(content["reason"]) ?? ""
        case "m.reaction":
            let relation = content["m.relates_to"]
            guard relation?["rel_type"]?.stringValue == "m.annotation", let target = Self.id(relation?["event_id"]),
                let key = Self.text(relation?["key"]), !key.isEmpty
            else { return nil }
            message.kind = .reaction
            message.target = target
            message.text = Self.bounded(key, 64)
        case "m.room.member":
            guard let member = Self.id(event["state_key"]) else { return nil }
            let membership = content["membership"]?.stringValue
            let previous = event["unsigned"]?["prev_content"]?["membership"]?.stringValue
            message.sender = Handle(id: member, displayName: Self.text(content["displayname"]).map { Self.bounded($0, 256) })
            switch membership {
            case "join":
                // A display name or avatar change repeats the join; it is not a new arrival.
                guard previous != "join" else { return nil }
                message.kind = .join
                message.text = "\(member) joined"
            case "leave", "ban":
                guard previous == "join" || previous == "invite" || previous == nil else { return nil }
                message.kind = .leave
                message.text = member == sender ? "\(member) left" : "\(member) was removed by \(sender)"
            default:
                return nil
            }
        case "m.room.name", "m.room.topic":
            let field = type == "m.room.name" ? "name" : "topic"
            message.kind = .system
            message.text = "\(sender) set the room \(field) to \"\(Self.text(content[field]) ?? "")\""
        case "m.room.encrypted":
            message.kind = .system
            message.text = "encrypted message (the archive holds no key for it)"
        default:
            return nil
        }
        if event["unsigned"]?["redacted_because"] != nil { message.deleted = true }
        return IncomingMessage(message: message, conversationName: roomName, conversationKind: kind, origin: "matrix:\(roomID):\(id)")
    }

    /// Notes the display name a member event sets (or clears), for the events after it.
    public mutating func learn(from event: JSONValue) {
        guard event["type"]?.stringValue == "m.room.member", let member = Self.id(event["state_key"]) else { return }
        let content = event["content"]
        if content?["membership"]?.stringValue == "join", let name = Self.text(content?["displayname"]), !name.isEmpty {
            if displayNames.count < 100_000 || displayNames[member] != nil { displayNames[member] = Self.bounded(name, 256) }
        } else if content?["membership"]?.stringValue == "join" {
            displayNames[member] = nil
        }
    }

    /// Text, files, edits, replies and threads of an `m.room.message`; `false` if unusable.
    private func fillMessage(_ message: inout Message, content: JSONValue) -> Bool {
        let relation = content["m.relates_to"]
        let body = Self.text(content["body"]) ?? ""
        if relation?["rel_type"]?.stringValue == "m.replace" {
            guard let target = Self.id(relation?["event_id"]) else { return false }
            message.kind = .edit
            message.target = target
            var text = Self.text(content["m.new_content"]?["body"]) ?? body
            if content["m.new_content"] == nil, text.hasPrefix("* ") { text.removeFirst(2) }
            message.text = text
            return true
        }
        if relation?["rel_type"]?.stringValue == "m.thread", let root = Self.id(relation?["event_id"]) { message.thread = root }
        if let reply = Self.id(relation?["m.in_reply_to"]?["event_id"]) { message.replyTo = reply }
        let type = content["msgtype"]?.stringValue ?? ""
        switch type {
        case "m.file", "m.image", "m.video", "m.audio":
            let filename = Self.text(content["filename"]).map { Self.bounded($0, 255) }
            let name = filename ?? Self.bounded(body, 255)
            let info = content["info"]
            let size = info?["size"]?.scalarText.flatMap { Int64($0) }.flatMap { $0 >= 0 ? $0 : nil }
            let mime = Self.text(info?["mimetype"]).map { Self.bounded($0, 127) }
            message.attachments = [Attachment(name: name.isEmpty ? "file" : name, size: size, mediaType: mime)]
            // With `filename` set, `body` is a caption (Matrix 1.10).
            message.text = filename != nil && body != filename ? body : ""
        case "m.emote":
            message.text = "* \(message.sender.id) \(body)"
        default:
            message.text = message.replyTo != nil ? Self.withoutReplyFallback(body) : body
        }
        return true
    }

    /// The body without the `> <@user> quoted` lines older clients put before a reply.
    static func withoutReplyFallback(_ body: String) -> String {
        guard body.hasPrefix("> ") else { return body }
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false)[...]
        while let first = lines.first, first.hasPrefix(">") { lines.removeFirst() }
        if let first = lines.first, first.isEmpty { lines.removeFirst() }
        return lines.joined(separator: "\n")
    }

    /// A non-empty id without control characters, at most ``maxIDLength`` long.
    static func id(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue, !text.isEmpty, text.utf8.count <= maxIDLength,
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return text
    }

    static func text(_ value: JSONValue?) -> String? {
        value?.stringValue.map { bounded($0, maxTextLength) }
    }

    /// At most `limit` UTF-8 bytes, cut on a character boundary.
    static func bounded(_ text: String, _ limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > limit { break }
            result.append(character)
            used += size
        }
        return result
    }

    /// Milliseconds since 1970 between 1990 and 2200, else `nil`.
    static func timestamp(_ value: JSONValue?) -> Timestamp? {
        guard case .number(let text) = value, let milliseconds = Int64(text), (631_152_000_000...7_258_118_400_000).contains(milliseconds) else {
            return nil
        }
        return Timestamp(microseconds: milliseconds * 1000)
    }
}
