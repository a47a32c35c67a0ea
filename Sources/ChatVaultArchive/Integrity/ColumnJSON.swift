package import ChatVaultCore

/// The JSON text of the list-valued message columns, written deterministically.
package enum ColumnJSON {
    package static func handles(_ handles: [Handle]) -> String {
        guard !handles.isEmpty else { return "[]" }
        return JSONValue.array(
            handles.map { handle in
                .object([("id", .string(handle.id)), ("name", handle.displayName.map(JSONValue.string) ?? .null)])
            }
        ).compactText
    }

    package static func strings(_ strings: [String]) -> String {
        guard !strings.isEmpty else { return "[]" }
        return JSONValue.array(strings.map(JSONValue.string)).compactText
    }

    package static func reactions(_ reactions: [Reaction]) -> String {
        guard !reactions.isEmpty else { return "[]" }
        return JSONValue.array(
            reactions.map { reaction in
                .object([("emoji", .string(reaction.emoji)), ("by", .array(reaction.by.map(JSONValue.string)))])
            }
        ).compactText
    }

    package static func attachments(_ attachments: [Attachment]) -> String {
        guard !attachments.isEmpty else { return "[]" }
        return JSONValue.array(
            attachments.map { a in
                .object([
                    ("name", .string(a.name)), ("sha256", a.sha256.map(JSONValue.string) ?? .null),
                    ("size", a.size.map { .number(String($0)) } ?? .null),
                    ("media_type", a.mediaType.map(JSONValue.string) ?? .null), ("redacted", .bool(a.redacted)),
                ])
            }
        ).compactText
    }

    package static func redactions(_ redactions: [Redaction]) -> String {
        guard !redactions.isEmpty else { return "[]" }
        return JSONValue.array(
            redactions.map { r in
                .object([
                    ("field", .string(r.field)), ("rule", .string(r.rule)), ("type", .string(r.type)), ("start", .number(String(r.start))),
                    ("end", .number(String(r.end))), ("operation", .string(r.operation.rawValue)),
                ])
            }
        ).compactText
    }

    package static func parseRedactions(_ text: String) -> [Redaction] {
        parse(text).compactMap { item in
            guard let rule = item["rule"]?.stringValue, let type = item["type"]?.stringValue,
                let start = item["start"]?.scalarText.flatMap({ Int($0) }), let end = item["end"]?.scalarText.flatMap({ Int($0) }),
                let operation = item["operation"]?.stringValue.flatMap(Redaction.Operation.init(rawValue:))
            else { return nil }
            return Redaction(rule: rule, type: type, start: start, end: end, operation: operation, field: item["field"]?.stringValue ?? "text")
        }
    }

    private static func parse(_ text: String) -> [JSONValue] {
        guard text != "[]", let value = try? JSONParser().parse(text) else { return [] }
        return value.arrayValue ?? []
    }

    package static func parseHandles(_ text: String) -> [Handle] {
        parse(text).compactMap { item in
            item["id"]?.stringValue.map { Handle(id: $0, displayName: item["name"]?.stringValue) }
        }
    }

    package static func parseStrings(_ text: String) -> [String] {
        parse(text).compactMap(\.stringValue)
    }

    package static func parseReactions(_ text: String) -> [Reaction] {
        parse(text).compactMap { item in
            item["emoji"]?.stringValue.map { Reaction(emoji: $0, by: item["by"]?.arrayValue?.compactMap(\.stringValue) ?? []) }
        }
    }

    package static func parseAttachments(_ text: String) -> [Attachment] {
        parse(text).compactMap { item in
            item["name"]?.stringValue.map {
                Attachment(
                    name: $0, sha256: item["sha256"]?.stringValue, size: item["size"]?.scalarText.flatMap { Int64($0) },
                    mediaType: item["media_type"]?.stringValue, redacted: item["redacted"]?.boolValue ?? false)
            }
        }
    }
}
