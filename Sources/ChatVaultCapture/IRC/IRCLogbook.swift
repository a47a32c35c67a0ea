public import ChatVaultCore

/// What the IRC logger knows during one session (its nick, who is in which channel) and how
/// it turns lines into archive messages.
///
/// Channel PRIVMSG and NOTICE (with CTCP ACTION as `* nick text`) are messages of the
/// channel; those sent to the logger itself are direct messages in the conversation named by
/// the two nicks. JOIN is a join, PART, KICK and QUIT (in every channel the nick was seen
/// in) are leaves; NICK and TOPIC are system events. Server notices, numerics and other CTCP
/// requests are not archived.
///
/// IRC messages carry no id, so ``sourceID`` is derived: the IRCv3 `msgid` tag when the
/// server sends one, else a hash of the time (the `server-time` tag, else the receive time),
/// sender, target and text, plus how often that same combination was seen before in the
/// session (so a line repeated within the same microsecond is still a second message, while
/// a line replayed with the same `server-time` tag in a later session is the same message).
public struct IRCLogbook: Sendable {
    public var nick: String
    /// Lower-cased channel → lower-cased nicks present.
    public private(set) var members: [String: Set<String>] = [:]
    /// Ids made in this session, with how often each was made (bounded; see ``occurrence(of:)``).
    private var made: [String: UInt64] = [:]

    public init(nick: String) {
        self.nick = nick
    }

    /// The longest text kept from one line (a line is at most 512 bytes anyway).
    static let maxText = 1024

    public static func isChannel(_ target: String) -> Bool {
        guard let first = target.first else { return false }
        return "#&+!".contains(first)
    }

    /// The archive messages for one line received at `receivedAt` (usually none or one).
    public mutating func record(_ line: IRCMessage, receivedAt: Timestamp) -> [IncomingMessage] {
        let time = line.tags["time"].flatMap { Timestamp(iso8601: $0) } ?? receivedAt
        let sender = IRCText.plain(line.nick ?? "")
        let lowerSender = sender.lowercased()
        func event(_ conversation: String, kind: Message.Kind, text: String, direct: Bool = false, recipient: String? = nil) -> IncomingMessage {
            let text = String(text.prefix(Self.maxText))
            let id =
                line.tags["msgid"].map { "msgid:" + String($0.prefix(128)) }
                ?? occurrence(of: Self.hashID(time, sender, conversation, line.command, text))
            let message = Message(
                platform: "irc", conversation: conversation, sourceID: id, kind: kind, sender: Handle(id: sender.isEmpty ? "server" : sender),
                recipients: recipient.map { [Handle(id: $0)] } ?? [], sentAt: time, text: text)
            return IncomingMessage(
                message: message, conversationName: conversation, conversationKind: direct ? .direct : .channel, origin: "irc:\(conversation)")
        }
        switch line.command {
        case "PRIVMSG", "NOTICE":
            guard line.isFromUser, line.parameters.count >= 2, !sender.isEmpty else { return [] }
            let target = IRCText.plain(line.parameters[0])
            var text = line.parameters[1]
            if let ctcp = IRCText.ctcp(text) {
                guard ctcp.command == "ACTION" else { return [] }
                text = "* \(sender) \(ctcp.argument)"
            }
            text = IRCText.plain(text)
            if Self.isChannel(target) {
                return [event(target.lowercased(), kind: .message, text: text)]
            }
            guard target.lowercased() == nick.lowercased() else { return [] }
            let pair = [lowerSender, nick.lowercased()].sorted().joined(separator: ",")
            return [event(pair, kind: .message, text: text, direct: true, recipient: nick)]
        case "JOIN":
            guard let channel = line.parameters.first.map({ IRCText.plain($0).lowercased() }), Self.isChannel(channel), !sender.isEmpty else {
                return []
            }
            members[channel, default: []].insert(lowerSender)
            return [event(channel, kind: .join, text: "\(sender) joined \(channel)")]
        case "PART":
            guard let channel = line.parameters.first.map({ IRCText.plain($0).lowercased() }), Self.isChannel(channel), !sender.isEmpty else {
                return []
            }
            members[channel]?.remove(lowerSender)
            if lowerSender == nick.lowercased() { members[channel] = nil }
            let reason = line.parameters.count > 1 ? " (\(IRCText.plain(line.parameters[1])))" : ""
            return [event(channel, kind: .leave, text: "\(sender) left \(channel)\(reason)")]
        case "KICK":
            guard line.parameters.count >= 2 else { return [] }
            let channel = IRCText.plain(line.parameters[0]).lowercased()
            let kicked = IRCText.plain(line.parameters[1])
            guard Self.isChannel(channel), !kicked.isEmpty else { return [] }
            members[channel]?.remove(kicked.lowercased())
            var message = event(channel, kind: .leave, text: "\(kicked) was kicked from \(channel) by \(sender)")
            message.message.sender = Handle(id: kicked)
            return [message]
        case "QUIT":
            guard !sender.isEmpty else { return [] }
            let reason = line.parameters.first.map { " (\(IRCText.plain($0)))" } ?? ""
            var events: [IncomingMessage] = []
            for channel in members.keys.sorted() where members[channel]?.contains(lowerSender) == true {
                members[channel]?.remove(lowerSender)
                events.append(event(channel, kind: .leave, text: "\(sender) quit\(reason)"))
            }
            return events
        case "NICK":
            guard let new = line.parameters.first.map(IRCText.plain), !new.isEmpty, !sender.isEmpty else { return [] }
            if lowerSender == nick.lowercased() { nick = new }
            var events: [IncomingMessage] = []
            for channel in members.keys.sorted() where members[channel]?.contains(lowerSender) == true {
                members[channel]?.remove(lowerSender)
                members[channel]?.insert(new.lowercased())
                events.append(event(channel, kind: .system, text: "\(sender) is now known as \(new)"))
            }
            return events
        case "TOPIC":
            guard line.parameters.count >= 2 else { return [] }
            let channel = IRCText.plain(line.parameters[0]).lowercased()
            guard Self.isChannel(channel) else { return [] }
            return [event(channel, kind: .system, text: "\(sender) changed the topic to: \(IRCText.plain(line.parameters[1]))")]
        case "353":
            // RPL_NAMREPLY: me = #channel :@alice +bob carol
            guard line.parameters.count >= 4 else { return [] }
            let channel = IRCText.plain(line.parameters[2]).lowercased()
            for name in line.parameters[3].split(separator: " ").prefix(10_000) {
                let bare = name.drop { "@+%~&".contains($0) }.prefix { $0 != "!" }
                if !bare.isEmpty { members[channel, default: []].insert(bare.lowercased()) }
            }
            return []
        default:
            return []
        }
    }

    /// A stable id: FNV-1a (two 64-bit lanes) over the fields.
    /// `id` the first time, `id-2`, `id-3`… for repeats in this session.
    private mutating func occurrence(of id: String) -> String {
        if made.count > 4096 { made.removeAll(keepingCapacity: true) }
        let count = (made[id] ?? 0) + 1
        made[id] = count
        return count == 1 ? id : "\(id)-\(count)"
    }

    static func hashID(_ time: Timestamp, _ sender: String, _ target: String, _ command: String, _ text: String) -> String {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        for part in ["\(time.microseconds)", sender, target, command, text] {
            for byte in part.utf8 + [0] {
                first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 &+ 0x9E37
            }
        }
        let hex = { (value: UInt64) -> String in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return "h:" + hex(first) + hex(second)
    }
}
