import ChatVaultCore

/// A channel exported by DiscordChatExporter as JSON:
/// `{"guild":{…},"channel":{"id","type","name"},"messages":[…]}`.
public struct DiscordExport: ImportFormat {
    public var maxBytes: Int

    public init(maxBytes: Int = 256 << 20) {
        self.maxBytes = maxBytes
    }

    public var name: String { "discord" }

    public func open(_ path: String) throws -> any MessageSource {
        try Self.source(try JSONDocument(bytes: try WholeFile.read(path, limit: maxBytes), source: path))
    }

    static func source(_ document: JSONDocument) throws(InputError) -> DiscordSource {
        let path = document.source
        guard let channel = document.root.field("channel"), let id = channel.text("id"),
            let messages = document.root.field("messages")?.arrayValue
        else {
            throw InputError(source: path, line: 1, reason: "expected {\"channel\":{\"id\":…},\"messages\":[…]} (DiscordChatExporter JSON)")
        }
        let lines = JSONElementLines.lines(in: document.bytes, arraysAt: [["messages"]]).first ?? []
        let type = channel.text("type") ?? ""
        let kind: Conversation.Kind = type == "DirectTextChat" ? .direct : type == "DirectGroupTextChat" ? .group : .channel
        let name = channel.text("name").map { kind == .channel ? "#" + $0 : $0 } ?? id
        let mapper = DiscordMessageMapper(conversation: id, name: name, kind: kind)
        return DiscordSource(source: path, messages: messages, lines: lines, mapper: mapper)
    }

    public func recognizes(_ path: String) -> Bool {
        guard path.lowercased().hasSuffix(".json") else { return false }
        let head = String(decoding: WholeFile.head(path, count: 8192), as: UTF8.self)
        return head.contains("\"guild\"") && head.contains("\"channel\"")
    }
}
