public import ChatVaultCore

/// ChatVault's native import format: one JSON object per line, one message or event
/// per object. See `docs/JSONL.md` for the field list.
public struct ChatVaultJSONL: ImportFormat {
    /// The longest text accepted for one message, in UTF-8 bytes.
    public var maxTextBytes: Int

    public init(maxTextBytes: Int = 1 << 20) {
        self.maxTextBytes = maxTextBytes
    }

    /// The kinds a line may carry: `blocked` and `notice` records are written only by the
    /// gateway, so an import or ingest batch cannot forge a refusal or a notice receipt.
    public static let importableKinds: [Message.Kind] = [.message, .edit, .delete, .reaction, .join, .leave, .system]

    public var name: String { "jsonl" }

    /// Lines longer than this are skipped and reported, never loaded whole.
    public var maxLineBytes: Int { maxTextBytes * 2 + 64 * 1024 }

    public func open(_ path: String) throws -> any MessageSource {
        JSONLSource(format: self, path: path, reader: try LineReader(path: path, maxLineBytes: maxLineBytes))
    }

    public func recognizes(_ path: String) -> Bool {
        path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson")
    }

    /// The message on one line, or the reason it cannot be archived.
    public func message(from bytes: UnsafeBufferPointer<UInt8>, source: String, line: Int) -> Result<IncomingMessage, InputError> {
        func fail(_ reason: String) -> Result<IncomingMessage, InputError> {
            .failure(InputError(source: source, line: line, reason: reason))
        }
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: 16).parse(bytes)
        } catch {
            return fail("not valid JSON (\(error))")
        }
        guard case .object = value else { return fail("expected a JSON object, found \(value.kindName)") }
        do {
            return .success(try message(from: value, origin: "\(source):\(line)"))
        } catch {
            return fail(error.reason)
        }
    }

    /// The message in an already parsed JSON value (an element of an ingest batch).
    public func message(from value: JSONValue, source: String, line: Int) -> Result<IncomingMessage, InputError> {
        guard case .object = value else {
            return .failure(InputError(source: source, line: line, reason: "expected a JSON object, found \(value.kindName)"))
        }
        do {
            return .success(try message(from: value, origin: "\(source):\(line)"))
        } catch {
            return .failure(InputError(source: source, line: line, reason: error.reason))
        }
    }

    struct FieldError: Error {
        var reason: String
    }

    func message(from object: JSONValue, origin: String) throws(FieldError) -> IncomingMessage {
        let platform = try requiredText(object, "platform")
        let conversation = try requiredText(object, "conversation")
        let sourceID = try requiredText(object, "id")
        let sender = try handle(object["sender"], field: "sender", required: true)!
        var senderHandle = sender
        if let name = try optionalText(object, "sender_name") { senderHandle.displayName = name }

        guard let sentAtValue = object["sent_at"], !sentAtValue.isNull else { throw FieldError(reason: "missing \"sent_at\"") }
        let sentAt: Timestamp
        switch sentAtValue {
        case .string(let text):
            guard let parsed = Timestamp(iso8601: text) else {
                throw FieldError(reason: "\"sent_at\" is not an ISO 8601 date-time: \(Self.quoteShort(text))")
            }
            sentAt = parsed
        case .number(let text):
            guard let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e11 else {
                throw FieldError(reason: "\"sent_at\" is not a plausible number of seconds since 1970")
            }
            sentAt = Timestamp(secondsSince1970: seconds)
        default:
            throw FieldError(reason: "\"sent_at\" must be an ISO 8601 string or seconds since 1970, found \(sentAtValue.kindName)")
        }

        let kind: Message.Kind
        if let kindText = try optionalText(object, "kind") {
            guard let parsed = Message.Kind(rawValue: kindText), Self.importableKinds.contains(parsed) else {
                if let gatewayKind = Message.Kind(rawValue: kindText) {
                    throw FieldError(reason: "\"kind\" \(gatewayKind.rawValue) is written only by the gateway (POST /api/v1/decide, /api/v1/notice)")
                }
                throw FieldError(
                    reason:
                        "\"kind\" must be one of \(Self.importableKinds.map(\.rawValue).joined(separator: ", ")), found \(Self.quoteShort(kindText))"
                )
            }
            kind = parsed
        } else {
            kind = .message
        }
        let target = try optionalText(object, "target")
        if [.edit, .delete, .reaction].contains(kind), target == nil {
            throw FieldError(reason: "a \"\(kind.rawValue)\" event needs \"target\", the id of the message it refers to")
        }

        let text = try optionalText(object, "text") ?? ""
        guard text.utf8.count <= maxTextBytes else {
            throw FieldError(reason: "\"text\" is \(text.utf8.count) bytes; the limit is \(maxTextBytes)")
        }

        var conversationKind: Conversation.Kind?
        if let kindText = try optionalText(object, "conversation_kind") {
            guard let parsed = Conversation.Kind(rawValue: kindText) else {
                throw FieldError(reason: "\"conversation_kind\" must be direct, group or channel, found \(Self.quoteShort(kindText))")
            }
            conversationKind = parsed
        }

        var recipients: [Handle] = []
        if let list = object["recipients"], !list.isNull {
            guard let items = list.arrayValue else { throw FieldError(reason: "\"recipients\" must be an array") }
            recipients = try items.map { item throws(FieldError) in try handle(item, field: "recipients", required: true)! }
        }

        var editedFrom: [String] = []
        switch object["edited_from"] {
        case nil, .null?: break
        case .string(let earlier)?: editedFrom = [earlier]
        case .array(let items)?:
            editedFrom = try items.map { item throws(FieldError) in
                guard let text = item.stringValue else { throw FieldError(reason: "\"edited_from\" must hold strings") }
                return text
            }
        default: throw FieldError(reason: "\"edited_from\" must be a string or an array of strings")
        }

        var deleted = false
        switch object["deleted"] {
        case nil, .null?: break
        case .bool(let flag)?: deleted = flag
        default: throw FieldError(reason: "\"deleted\" must be true or false")
        }

        let message = Message(
            platform: platform, conversation: conversation, sourceID: sourceID, kind: kind, target: target, sender: senderHandle,
            recipients: recipients, sentAt: sentAt, text: text, replyTo: try optionalText(object, "reply_to"),
            thread: try optionalText(object, "thread"), editedFrom: editedFrom, deleted: deleted,
            reactions: try reactions(object["reactions"]), attachments: try attachments(object["attachments"]))
        return IncomingMessage(
            message: message, conversationName: try optionalText(object, "conversation_name"), conversationKind: conversationKind, origin: origin)
    }

    private func requiredText(_ object: JSONValue, _ field: String) throws(FieldError) -> String {
        guard let value = object[field], !value.isNull else { throw FieldError(reason: "missing \"\(field)\"") }
        guard let text = value.scalarText, !text.isEmpty else {
            throw FieldError(reason: "\"\(field)\" must be a non-empty string or number, found \(value.kindName)")
        }
        guard text.utf8.count <= 1024 else { throw FieldError(reason: "\"\(field)\" is longer than 1024 bytes") }
        return text
    }

    private func optionalText(_ object: JSONValue, _ field: String) throws(FieldError) -> String? {
        guard let value = object[field], !value.isNull else { return nil }
        guard let text = value.scalarText else { throw FieldError(reason: "\"\(field)\" must be a string, found \(value.kindName)") }
        if field != "text" && field != "conversation_name" && text.utf8.count > 1024 {
            throw FieldError(reason: "\"\(field)\" is longer than 1024 bytes")
        }
        return text
    }

    private func handle(_ value: JSONValue?, field: String, required: Bool) throws(FieldError) -> Handle? {
        switch value {
        case nil, .null?:
            if required { throw FieldError(reason: "missing \"\(field)\"") }
            return nil
        case .string(let id)?, .number(let id)?:
            guard !id.isEmpty else { throw FieldError(reason: "\"\(field)\" must not be empty") }
            guard id.utf8.count <= 1024 else { throw FieldError(reason: "\"\(field)\" is longer than 1024 bytes") }
            return Handle(id: id)
        case .object?:
            guard let id = value?["id"]?.scalarText, !id.isEmpty else {
                throw FieldError(reason: "\"\(field)\" object needs a non-empty \"id\"")
            }
            return Handle(id: id, displayName: value?["name"]?.stringValue)
        case let other?:
            throw FieldError(reason: "\"\(field)\" must be a string or {\"id\",\"name\"}, found \(other.kindName)")
        }
    }

    private func reactions(_ value: JSONValue?) throws(FieldError) -> [Reaction] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.arrayValue else { throw FieldError(reason: "\"reactions\" must be an array") }
        return try items.map { item throws(FieldError) in
            guard let emoji = item["emoji"]?.stringValue else { throw FieldError(reason: "each reaction needs \"emoji\"") }
            let by = item["by"]?.arrayValue?.compactMap(\.scalarText) ?? []
            return Reaction(emoji: emoji, by: by)
        }
    }

    private func attachments(_ value: JSONValue?) throws(FieldError) -> [Attachment] {
        guard let value, !value.isNull else { return [] }
        guard let items = value.arrayValue else { throw FieldError(reason: "\"attachments\" must be an array") }
        return try items.map { item throws(FieldError) in
            guard let name = item["name"]?.stringValue, !name.isEmpty else { throw FieldError(reason: "each attachment needs \"name\"") }
            var sha256: String?
            if let hash = item["sha256"]?.stringValue {
                let lower = hash.lowercased()
                guard lower.utf8.count == 64, lower.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
                    throw FieldError(reason: "attachment \"sha256\" must be 64 hexadecimal digits")
                }
                sha256 = lower
            }
            var size: Int64?
            if let sizeValue = item["size"], !sizeValue.isNull {
                guard let text = sizeValue.scalarText, let parsed = Int64(text), parsed >= 0 else {
                    throw FieldError(reason: "attachment \"size\" must be a non-negative integer")
                }
                size = parsed
            }
            return Attachment(name: name, sha256: sha256, size: size, mediaType: item["media_type"]?.stringValue)
        }
    }

    static func quoteShort(_ text: String) -> String {
        let short = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "\"" + short + "\""
    }
}
