import ChatVaultCore
import ChatVaultRedaction

/// Reads a Mattermost bulk export line by line; positions are line numbers. A post line
/// yields the post, its replies, and edit or delete events where the export has them.
final class MattermostSource: MessageSource, WorkspaceRoster {
    let path: String
    private var reader: LineReader
    private var pending: [SourceItem] = []
    /// Display names by username, from the `user` lines read so far.
    private var users: [String: String] = [:]
    /// Everyone of the `user` lines read so far, with every name they go by.
    private(set) var workspaceMembers = KnownPeople()
    private(set) var rosterVersion = 0
    /// Display names and kinds of channels by `team/name`.
    private var channels: [String: (String, Conversation.Kind)] = [:]

    init(path: String, reader: LineReader) {
        self.path = path
        self.reader = reader
    }

    func next() throws -> SourceItem? {
        while pending.isEmpty {
            guard let line = try reader.next() else { return nil }
            switch line {
            case .tooLong(let number, let length):
                return SourceItem(
                    .failure(InputError(source: path, line: number, reason: "line is \(length) bytes; the limit is 64 MiB")), position: number)
            case .text(let number, let bytes):
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                read(Array(bytes), line: number)
            }
        }
        return pending.removeFirst()
    }

    private func read(_ bytes: [UInt8], line: Int) {
        func fail(_ reason: String) {
            pending.append(SourceItem(.failure(InputError(source: path, line: line, reason: reason)), position: line))
        }
        let value: JSONValue
        do {
            value = try bytes.withUnsafeBufferPointer { buffer throws(JSONParser.Failure) in try JSONParser(maxDepth: 32).parse(buffer) }
        } catch {
            return fail("not valid JSON (\(error))")
        }
        guard let type = value.text("type") else { return fail("expected an object with \"type\"") }
        switch type {
        case "user":
            guard let user = value["user"], let name = user.text("username") else { return fail("user without \"username\"") }
            let full = [user.text("first_name"), user.text("last_name")].compactMap { $0 }.joined(separator: " ")
            users[name] = full.isEmpty ? (user.text("nickname") ?? name) : full
            workspaceMembers.add(name: full.isEmpty ? nil : full, handles: [name] + [user.text("nickname")].compactMap { $0 })
            rosterVersion += 1
        case "channel":
            guard let channel = value["channel"], let team = channel.text("team"), let name = channel.text("name") else {
                return fail("channel without \"team\" and \"name\"")
            }
            channels["\(team)/\(name)"] = (channel.text("display_name") ?? name, channel.text("type") == "P" ? .group : .channel)
        case "post", "direct_post":
            guard let post = value[type] else { return fail("\(type) line without \"\(type)\"") }
            switch posts(post, direct: type == "direct_post", origin: "\(path):\(line)") {
            case .success(let messages): pending += messages.map { SourceItem(.success($0), position: line) }
            case .failure(let failure): fail(failure.reason)
            }
        default: break
        }
    }

    struct Failure: Error {
        var reason: String
    }

    private func posts(_ post: JSONValue, direct: Bool, origin: String) -> Result<[IncomingMessage], Failure> {
        let conversation: String
        let name: String
        let kind: Conversation.Kind
        var recipients: [String] = []
        if direct {
            recipients = (post["channel_members"]?.arrayValue ?? []).compactMap(\.scalarText).sorted()
            guard !recipients.isEmpty else { return .failure(Failure(reason: "direct_post without \"channel_members\"")) }
            conversation = "direct:" + recipients.joined(separator: ",")
            name = recipients.map { users[$0] ?? $0 }.joined(separator: ", ")
            kind = recipients.count > 2 ? .group : .direct
        } else {
            guard let team = post.text("team"), let channel = post.text("channel") else {
                return .failure(Failure(reason: "post without \"team\" and \"channel\""))
            }
            conversation = "\(team)/\(channel)"
            (name, kind) = channels[conversation] ?? (channel, .channel)
        }
        guard let root = message(post, conversation: conversation, thread: nil, recipients: recipients) else {
            return .failure(Failure(reason: "post without \"user\" and a numeric \"create_at\""))
        }
        var events = root
        for reply in post["replies"]?.arrayValue ?? [] {
            guard let replies = message(reply, conversation: conversation, thread: root[0].sourceID, recipients: recipients) else {
                return .failure(Failure(reason: "reply without \"user\" and a numeric \"create_at\""))
            }
            events += replies
        }
        return .success(events.map { IncomingMessage(message: $0, conversationName: name, conversationKind: kind, origin: origin) })
    }

    /// The post (or reply) and any edit or delete event it records.
    private func message(_ post: JSONValue, conversation: String, thread: String?, recipients: [String]) -> [Message]? {
        guard let user = post.text("user"), let created = post.text("create_at").flatMap({ Int64($0) }) else { return nil }
        let id = "\(user)@\(created)"
        let sender = Handle(id: user, displayName: users[user])
        var reactions: [Reaction] = []
        for reaction in post["reactions"]?.arrayValue ?? [] {
            guard let emoji = reaction.text("emoji_name") else { continue }
            let who = reaction.text("user").map { [$0] } ?? []
            if let index = reactions.firstIndex(where: { $0.emoji == ":\(emoji):" }) {
                reactions[index].by += who
            } else {
                reactions.append(Reaction(emoji: ":\(emoji):", by: who))
            }
        }
        let files = (post["attachments"]?.arrayValue ?? []).compactMap { $0.text("path") }.map {
            Attachment(name: String($0.split(separator: "/").last ?? Substring($0)))
        }
        var message = Message(
            platform: "mattermost", conversation: conversation, sourceID: id, sender: sender,
            recipients: recipients.filter { $0 != user }.map { Handle(id: $0, displayName: users[$0]) },
            sentAt: Timestamp(microseconds: created * 1000), text: post["message"]?.stringValue ?? "", replyTo: thread, thread: thread,
            reactions: reactions, attachments: files)
        if message.text.hasSuffix(" joined the channel.") || message.text.hasSuffix(" joined the team.") { message.kind = .join }
        if message.text.hasSuffix(" left the channel.") || message.text.hasSuffix(" left the team.") { message.kind = .leave }
        var events = [message]
        for (field, kind) in [("edit_at", Message.Kind.edit), ("delete_at", .delete)] {
            guard let at = post.text(field).flatMap({ Int64($0) }), at > 0 else { continue }
            var event = message
            event.kind = kind
            event.sourceID = "\(id)#\(kind.rawValue)@\(at)"
            event.target = id
            event.sentAt = Timestamp(microseconds: at * 1000)
            event.reactions = []
            if kind == .delete { events[0].deleted = true }
            events.append(event)
        }
        return events
    }
}
