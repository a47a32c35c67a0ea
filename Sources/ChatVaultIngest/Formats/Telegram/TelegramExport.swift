import ChatVaultCore
import Foundation

/// A Telegram Desktop export, `result.json`: one chat (`{"name","type","id","messages"}`)
/// or a whole account (`{"chats":{"list":[…]},"left_chats":{"list":[…]}}`).
public struct TelegramExport: ImportFormat {
    public var maxBytes: Int

    public init(maxBytes: Int = 256 << 20) {
        self.maxBytes = maxBytes
    }

    public var name: String { "telegram" }

    public func open(_ path: String) throws -> any MessageSource {
        let document = try JSONDocument(bytes: try WholeFile.read(path, limit: maxBytes), source: path)
        let fallback = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return TelegramSource(chats: try Self.chats(in: document), fallbackName: fallback)
    }

    public func recognizes(_ path: String) -> Bool {
        guard path.lowercased().hasSuffix(".json") else { return false }
        let head = String(decoding: WholeFile.head(path), as: UTF8.self)
        guard !head.contains("\"guild\"") else { return false }
        let chatTypes = ["personal_chat", "private_group", "private_supergroup", "public_supergroup", "saved_messages", "private_channel"]
        return (head.contains("\"chats\"") && head.contains("\"list\"")) || head.contains("\"date_unixtime\"")
            || (head.contains("\"messages\"") && chatTypes.contains { head.contains("\"\($0)\"") })
    }

    /// Each chat of the document with the line of each of its messages.
    static func chats(in document: JSONDocument) throws(InputError) -> [TelegramChat] {
        let root = document.root
        if let messages = root.field("messages")?.arrayValue {
            let lines = JSONElementLines.lines(in: document.bytes, arraysAt: [["messages"]]).first ?? []
            return [TelegramChat(source: document.source, value: root, messages: messages, lines: lines)]
        }
        guard let members = root.objectMembers else {
            throw InputError(source: document.source, line: 1, reason: "expected a Telegram export object, found \(root.kindName)")
        }
        let lists = members.filter { $0.key == "chats" || $0.key == "left_chats" }
        guard !lists.isEmpty else {
            throw InputError(source: document.source, line: 1, reason: "neither \"messages\" nor \"chats\": not a Telegram export")
        }
        var lineArrays = JSONElementLines.lines(
            in: document.bytes, arraysAt: [["chats", "list", "messages"], ["left_chats", "list", "messages"]])[...]
        var chats: [TelegramChat] = []
        for list in lists {
            for chat in list.value.field("list")?.arrayValue ?? [] {
                guard let messages = chat.field("messages")?.arrayValue else { continue }
                let lines = lineArrays.popFirst() ?? []
                chats.append(TelegramChat(source: document.source, value: chat, messages: messages, lines: lines))
            }
        }
        return chats
    }
}

/// One chat of an export: its header fields, its messages and their lines.
struct TelegramChat {
    var source: String
    var value: JSONValue
    var messages: [JSONValue]
    var lines: [Int]

    /// personal and bot chats → direct; groups and supergroups → group; channels → channel.
    var kind: Conversation.Kind {
        switch value.text("type") ?? "" {
        case "personal_chat", "bot_chat", "saved_messages": return .direct
        case "private_channel", "public_channel", "channel": return .channel
        default: return .group
        }
    }
}
