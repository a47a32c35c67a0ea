public import ChatVaultCore

/// Which CSV column holds which message field.
///
/// Given as `--csv-map "sent_at=Date,sender=From,text=Body"` or as a JSON object
/// `{"sent_at":"Date",…}`; fields not named are found by common header names
/// (``defaults``), matched case-insensitively with spaces and dashes read as `_`.
public struct CSVMapping: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case id
        case sentAt = "sent_at"
        case sender
        case senderName = "sender_name"
        case text
        case conversation
        case conversationName = "conversation_name"
        case replyTo = "reply_to"
        case thread
        case platform
    }

    /// Fields every row must have.
    public static let required: [Field] = [.sentAt, .sender, .text]

    /// Header names tried, in order, for fields the mapping does not name.
    public static let defaults: [Field: [String]] = [
        .id: ["id", "message_id", "messageid", "msg_id", "uuid"],
        .sentAt: ["timestamp", "sent_at", "date", "datetime", "date_time", "time", "created_at", "sent"],
        .sender: ["sender", "from", "author", "user", "username", "user_id", "sender_id"],
        .senderName: ["sender_name", "display_name", "author_name", "from_name", "name"],
        .text: ["text", "message", "body", "content", "msg"],
        .conversation: ["conversation", "channel", "thread", "chat", "room", "conversation_id", "channel_id", "chat_id"],
        .conversationName: ["conversation_name", "channel_name", "chat_name", "room_name"],
        .replyTo: ["reply_to", "in_reply_to", "parent_id", "reply_to_id"],
        .thread: ["thread_id", "thread_ts"],
        .platform: ["platform", "network", "service"],
    ]

    /// Columns named explicitly, by field.
    public var columns: [Field: String]

    public init(columns: [Field: String] = [:]) {
        self.columns = columns
    }

    /// Parses `field=Column,field=Column` or a JSON object of the same pairs.
    public init(spec: String) throws(InputError) {
        let origin = "--csv-map"
        var pairs: [(String, String)] = []
        let trimmed = spec.trimmingPrefix(while: \.isWhitespace)
        if trimmed.hasPrefix("{") {
            let value: JSONValue
            do {
                value = try JSONParser(maxDepth: 4).parse(String(trimmed))
            } catch {
                throw InputError(source: origin, reason: "not a valid JSON object: \(error)")
            }
            guard let members = value.objectMembers else { throw InputError(source: origin, reason: "expected a JSON object") }
            for (key, column) in members {
                guard let name = column.stringValue else { throw InputError(source: origin, reason: "\"\(key)\" must name a column as a string") }
                pairs.append((key, name))
            }
        } else {
            for part in spec.split(separator: ",") where !part.allSatisfy(\.isWhitespace) {
                guard let equals = part.firstIndex(of: "=") else {
                    throw InputError(source: origin, reason: "expected FIELD=COLUMN, found \"\(part)\"")
                }
                pairs.append((String(part[..<equals]), String(part[part.index(after: equals)...])))
            }
        }
        var columns: [Field: String] = [:]
        for (key, column) in pairs {
            let name = key.trimmingPrefix(while: \.isWhitespace).lowercased().filter { !$0.isWhitespace }
            guard let field = Field(rawValue: name) else {
                let known = Field.allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError(source: origin, reason: "unknown field \"\(key)\"; fields are \(known)")
            }
            let trimmedColumn = column.trimmingPrefix(while: \.isWhitespace)
            guard !trimmedColumn.isEmpty else { throw InputError(source: origin, reason: "\"\(name)\" names no column") }
            columns[field] = String(trimmedColumn.reversed().trimmingPrefix(while: \.isWhitespace).reversed())
        }
        self.columns = columns
    }

    /// Column indexes by field for a header row; throws when a required field has no column.
    func resolve(header: [String], source: String) throws(InputError) -> [Field: Int] {
        let normalized = header.map(Self.normalize)
        var resolved: [Field: Int] = [:]
        for (field, column) in columns {
            guard let index = normalized.firstIndex(of: Self.normalize(column)) else {
                throw InputError(source: source, line: 1, reason: "the header has no column \"\(column)\" (mapped to \(field.rawValue))")
            }
            resolved[field] = index
        }
        for field in Field.allCases where resolved[field] == nil {
            for candidate in Self.defaults[field] ?? [] {
                if let index = normalized.firstIndex(of: candidate), !resolved.values.contains(index) {
                    resolved[field] = index
                    break
                }
            }
        }
        for field in Self.required where resolved[field] == nil {
            let tried = (Self.defaults[field] ?? []).joined(separator: ", ")
            throw InputError(
                source: source, line: 1,
                reason: "no column for \(field.rawValue) (looked for \(tried)); name it with --csv-map \(field.rawValue)=COLUMN")
        }
        return resolved
    }

    static func normalize(_ name: String) -> String {
        String(
            name.lowercased().trimmingPrefix(while: \.isWhitespace).reversed().trimmingPrefix(while: \.isWhitespace).reversed()
                .map { $0 == " " || $0 == "-" ? "_" : $0 })
    }
}
