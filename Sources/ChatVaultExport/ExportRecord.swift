public import ChatVaultCore

/// A message as an export sees it: parsed back from its canonical record, so what is
/// rendered is exactly what the inclusion proof vouches for.
public struct ExportRecord: Sendable {
    public var id: Int64
    public var platform: String
    public var conversation: String
    public var sourceID: String
    public var kind: String
    public var target: String?
    public var sender: String
    public var senderName: String?
    public var sentAt: Timestamp
    public var text: String
    public var replyTo: String?
    public var editedFrom: [String]
    public var deleted: Bool
    public var reactions: [(emoji: String, by: [String])]
    public var attachments: [(name: String, sha256: String?, size: Int64?, mediaType: String?)]
    public var redactions: [(type: String, rule: String)]
    /// Who delivered the message to the archive (`import:…`, `ingest:…`, `capture:…`);
    /// `nil` for records stored before ChatVault recorded it.
    public var deliveredBy: String?

    /// Parses a canonical record (`{"v":1,"type":"message",…}`).
    public init?(record: String) {
        guard let value = try? JSONParser(maxDepth: 8, allowsNUL: true).parse(record), value["type"]?.stringValue == "message",
            let id = value["id"]?.scalarText.flatMap({ Int64($0) }), let platform = value["platform"]?.stringValue,
            let conversation = value["conversation"]?.stringValue, let sentAt = value["sent_at"]?.stringValue.flatMap(Timestamp.init(iso8601:))
        else { return nil }
        self.id = id
        self.platform = platform
        self.conversation = conversation
        sourceID = value["source_id"]?.stringValue ?? ""
        kind = value["kind"]?.stringValue ?? "message"
        target = value["target"]?.stringValue
        sender = value["sender"]?.stringValue ?? ""
        senderName = value["sender_name"]?.stringValue
        self.sentAt = sentAt
        text = value["text"]?.stringValue ?? ""
        replyTo = value["reply_to"]?.stringValue
        editedFrom = value["edited_from"]?.arrayValue?.compactMap(\.stringValue) ?? []
        deleted = value["deleted"]?.boolValue ?? false
        reactions = (value["reactions"]?.arrayValue ?? []).compactMap { item in
            item["emoji"]?.stringValue.map { ($0, item["by"]?.arrayValue?.compactMap(\.stringValue) ?? []) }
        }
        attachments = (value["attachments"]?.arrayValue ?? []).compactMap { item in
            item["name"]?.stringValue.map {
                ($0, item["sha256"]?.stringValue, item["size"]?.scalarText.flatMap { Int64($0) }, item["media_type"]?.stringValue)
            }
        }
        redactions = (value["redactions"]?.arrayValue ?? []).compactMap { item in
            guard let type = item["type"]?.stringValue, let rule = item["rule"]?.stringValue else { return nil }
            return (type, rule)
        }
        deliveredBy = value["delivered_by"]?.stringValue
    }

    public var conversationKey: String { platform + ":" + conversation }
    public var who: String { senderName ?? sender }
}
