import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension ConsoleServer {
    static let readers: Set<Role> = [.officer, .auditor]
    static let pageSize = 25

    var searchEndpoints: [Endpoint] {
        let filters: [Endpoint.Parameter] = [
            .query("q", "string", "Query: words, \"phrases\", OR, NOT/-word, prefix*, parentheses", [("maxLength", .int(2000))]),
            .query("sender", "string", "Sender handle or display name"), .query("group", "string", "Directory group of the sender"),
            .query("platform", "string", "Platform"), .query("conversation", "string", "Conversation reference"),
            .query("after", "string", "Sent on or after (YYYY-MM-DD)", Endpoint.Parameter.date),
            .query("before", "string", "Sent before (YYYY-MM-DD)", Endpoint.Parameter.date),
            .query("external", "boolean", "Only messages with external participants"),
            .query("alerts", "boolean", "Only messages with policy alerts"), .query("attachments", "boolean", "Only messages with attachments"),
            .query("page", "integer", "Page, from 1", Endpoint.Parameter.range(1...10_000)),
        ]
        return [
            Endpoint(.get, "/search", roles: Self.readers, kind: .page, summary: "Search page", parameters: filters) { request, context in
                try await self.searchPage(request, context)
            },
            Endpoint(
                .get, "/api/v1/search", roles: Self.readers, kind: .api, summary: "Search messages", parameters: filters, response: "SearchResult"
            ) {
                request, context in
                let (search, page) = try self.searchRequest(request)
                guard
                    search.query != nil || search.sender != nil || !search.senders.isEmpty || search.conversation != nil
                        || search.platform != nil || search.after != nil || search.before != nil || search.externalOnly || search.withAlerts
                        || search.withAttachments
                else { throw ConsoleError(.badRequest, "give a query (q) or at least one filter") }
                try await self.audit("console.search", context, await self.redactedForAudit(self.auditFields(search, request)))
                let (result, total) = try await self.run(search)
                return Self.json(
                    .object([
                        ("page", .int(page)), ("total", .int(total)), ("total_is_lower_bound", .bool(total > 10_000)),
                        ("has_more", .bool(result.hasMore)), ("hits", .array(result.hits.map(Self.hitJSON))),
                    ]))
            },
            Endpoint(
                .get, "/conversations/{id}", roles: Self.readers, kind: .page, summary: "Conversation transcript",
                parameters: [.path("id", "Conversation id"), .query("message", "integer", "Message to centre on")]
            ) { request, context in
                try await self.conversationPage(request, context)
            },
            Endpoint(
                .get, "/api/v1/conversations", roles: Self.readers, kind: .api, summary: "Most recently active conversations",
                parameters: [.query("limit", "integer", "At most this many (1-500)", Endpoint.Parameter.range(1...500))], response: "ConversationList"
            ) { request, context in
                let limit = try request.queryInt("limit", default: 50, range: 1...500)
                try await self.audit("console.conversations", context, [("limit", .int(limit))])
                let records = try await self.archive.conversations(limit: limit)
                return Self.json(.object([("conversations", .array(records.map(Self.conversationJSON)))]))
            },
            Endpoint(
                .get, "/api/v1/conversations/{id}", roles: Self.readers, kind: .api, summary: "A conversation and its messages",
                parameters: [
                    .path("id", "Conversation id"), .query("message", "integer", "Message to centre on"),
                    .query("limit", "integer", "At most this many messages (1-1000)", Endpoint.Parameter.range(1...1000)),
                ], response: "Transcript"
            ) { request, context in
                let id = try context.pathID()
                let limit = try request.queryInt("limit", default: 200, range: 1...1000)
                let around = try request.query("message").map { text -> Int64 in
                    guard let value = Int64(text) else { throw ConsoleError(.badRequest, "message must be a message id") }
                    return value
                }
                try await self.audit("console.conversation.open", context, [("conversation_id", .int(id))])
                guard let record = try await self.archive.conversation(id: id) else { throw ConsoleError(.notFound, "no conversation \(id)") }
                let messages = try await self.archive.transcript(conversationID: id, around: around, limit: limit)
                let alerts = try await self.archive.alerts(forMessages: messages.map(\.id))
                return Self.json(
                    .object([
                        ("conversation", Self.conversationJSON(record)),
                        (
                            "messages",
                            .array(
                                messages.map { message in
                                    Self.messageJSON(message, alerts: alerts[message.id] ?? [])
                                })
                        ),
                    ]))
            },
            Endpoint(
                .get, "/attachments/{sha256}", roles: Self.readers, kind: .page, summary: "Download an attachment's stored content",
                parameters: [Endpoint.Parameter(name: "sha256", location: "path", type: "string", required: true, description: "SHA-256 (hex)")]
            ) { _, context in
                let sha256 = context.parameters.get("sha256") ?? ""
                guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { throw ConsoleError(.badRequest, "not a SHA-256") }
                try await self.audit("console.attachment.download", context, [("sha256", .string(sha256.lowercased()))])
                guard let bytes = try await self.archive.attachment(sha256: sha256.lowercased()) else {
                    throw ConsoleError(.notFound, "the archive holds no content for this attachment (only its name and hash were captured)")
                }
                // Never rendered by the browser: a stored file is hostile content too.
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\(sha256.prefix(16)).bin\"",
                    ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            },
            Endpoint(
                .get, "/api/v1/messages/{id}", roles: Self.readers, kind: .api, summary: "One message",
                parameters: [.path("id", "Message id")], response: "Message"
            ) { _, context in
                let id = try context.pathID()
                try await self.audit("console.message.open", context, [("message_id", .int(id))])
                guard let message = try await self.archive.message(id: id) else { throw ConsoleError(.notFound, "no message \(id)") }
                let alerts = try await self.archive.alerts(forMessages: [id])
                return Self.json(Self.messageJSON(message, alerts: alerts[id] ?? []))
            },
        ]
    }

    /// The search the query string asks for, and the page number.
    func searchRequest(_ request: Request) throws -> (SearchRequest, Int) {
        var query: SearchQuery?
        if let text = request.query("q") {
            guard text.utf8.count <= 2000 else { throw ConsoleError(.badRequest, "the query is longer than 2,000 bytes") }
            guard let parsed = SearchQuery.parse(text) else {
                throw ConsoleError(.badRequest, "the query could not be read; check quotes and parentheses")
            }
            if let problem = parsed.problem() { throw ConsoleError(.badRequest, problem) }
            query = parsed
        }
        let page = try request.queryInt("page", default: 1, range: 1...10_000)
        var search = SearchRequest(
            query: query, sender: request.query("sender"), conversation: request.query("conversation"), after: try request.queryTime("after"),
            before: try request.queryTime("before"), limit: Self.pageSize, offset: (page - 1) * Self.pageSize)
        search.platform = request.query("platform")
        search.externalOnly = try request.queryFlag("external")
        search.withAlerts = try request.queryFlag("alerts")
        search.withAttachments = try request.queryFlag("attachments")
        if let group = request.query("group") {
            let handles = people().handles(inGroups: [group])
            guard !handles.isEmpty else { throw ConsoleError(.badRequest, "the directory has nobody in group \(group)") }
            search.senders = handles.sorted()
        }
        return (search, page)
    }

    /// The page and the capped count of a search. A query past its time limit answers 422
    /// (well formed, too expensive to answer); one the limits refuse answers 400 (both by
    /// ``ArchiveError/Code/httpStatus``).
    func run(_ search: SearchRequest) async throws -> (SearchPage, Int) {
        do {
            return (try await archive.search(search), try await archive.count(search))
        } catch let error as ArchiveError {
            throw ConsoleError(error)
        }
    }

    /// Search fields as the audit trail keeps them: the query through the vault's redactor,
    /// so a searched SSN or card number is never recorded verbatim.
    func redactedForAudit(_ fields: [(String, JSONValue)]) async -> [(String, JSONValue)] {
        let redaction = await ingestor.auditRedaction
        return fields.map { name, value in
            guard name == "q", let text = value.stringValue else { return (name, value) }
            return (name, .string(redaction.redact(text)))
        }
    }

    func auditFields(_ search: SearchRequest, _ request: Request) -> [(String, JSONValue)] {
        var fields: [(String, JSONValue)] = []
        for name in ["q", "sender", "group", "platform", "conversation", "after", "before", "external", "alerts", "attachments", "page"] {
            if let value = request.query(name) { fields.append((name, .string(value))) }
        }
        return fields
    }

    func searchPage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let (search, page) = try searchRequest(request)
        let platforms = try await archive.platforms()
        var values: [String: Any] = [
            "q": request.query("q") ?? "", "sender": request.query("sender") ?? "", "conversation": request.query("conversation") ?? "",
            "after": request.query("after") ?? "", "before": request.query("before") ?? "", "external": search.externalOnly,
            "withAlerts": search.withAlerts, "withAttachments": search.withAttachments,
            "platforms": platforms.map { ["name": $0, "selected": $0 == search.platform] },
            "groups": people().groups.map { ["name": $0, "selected": $0 == request.query("group")] },
        ]
        let filtered =
            search.query != nil || search.sender != nil || !search.senders.isEmpty || search.conversation != nil || search.platform != nil
            || search.after != nil || search.before != nil || search.externalOnly || search.withAlerts || search.withAttachments
        if filtered {
            try await audit("console.search", context, await redactedForAudit(auditFields(search, request)))
            let (result, total) = try await run(search)
            values["searched"] = true
            let first = (page - 1) * Self.pageSize + 1
            values["countText"] =
                total == 0
                ? "No messages match."
                : "\(first)–\(first + result.hits.count - 1) of \(total > 10_000 ? "more than 10,000" : String(total)) messages"
            let gated = result.hits.map(\.message).filter { $0.deliveredBy?.hasPrefix("gateway:") == true }
            let gatedAlerts = gated.isEmpty ? [:] : try await archive.alerts(forMessages: gated.map(\.id))
            values["hits"] = result.hits.map { hit -> [String: Any] in
                [
                    "badge": GatewayBadge.of(hit.message, alerts: gatedAlerts[hit.message.id]?.map(\.stored.alert) ?? []).map { $0 as Any } ?? false,
                    "id": String(hit.message.id), "conversationID": String(hit.message.conversationID),
                    "conversationName": hit.conversation.name ?? hit.conversation.sourceID, "platform": hit.conversation.platform,
                    "sender": Self.personLabel(hit.message.message.sender), "sentAt": Self.time(hit.message.message.sentAt),
                    "external": hit.conversation.isExternal,
                    "segments": hit.snippet.segments.map { ["text": $0.text, "isMatch": $0.isMatch] },
                ]
            }
            var components = URLComponents()
            components.queryItems = auditFields(search, request).filter { $0.0 != "page" }.compactMap { name, value in
                value.stringValue.map { URLQueryItem(name: name, value: $0) }
            }
            let base = "/search?" + (components.percentEncodedQuery ?? "")
            if page > 1 { values["previous"] = base + "&page=\(page - 1)" }
            if result.hasMore { values["next"] = base + "&page=\(page + 1)" }
        }
        return render("search", self.page(context, title: "Search", active: "/search", extra: values))
    }

    func conversationPage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let id = try context.pathID()
        let focus = request.query("message").flatMap { Int64($0) }
        try await audit("console.conversation.open", context, [("conversation_id", .int(id)), ("message_id", focus.map(JSONValue.int) ?? .null)])
        guard let record = try await archive.conversation(id: id) else { throw ConsoleError(.notFound, "There is no conversation \(id).") }
        let messages = try await archive.transcript(conversationID: id, around: focus, limit: 200)
        let alerts = try await archive.alerts(forMessages: messages.map(\.id))
        let threadRoots = Set(messages.compactMap(\.message.thread))
        var values: [String: Any] = [
            "name": record.conversation.name ?? record.conversation.sourceID, "platform": record.conversation.platform,
            "kind": record.conversation.kind.rawValue, "messageCount": record.messageCount, "external": record.conversation.isExternal,
            "participants": record.conversation.participants.map(Self.personLabel),
            "messages": messages.map { message in
                Self.messageView(
                    message, alerts: alerts[message.id] ?? [], focus: message.id == focus,
                    inThread: message.message.thread.map { threadRoots.contains($0) && $0 != message.message.sourceID } ?? false)
            },
        ]
        if messages.count == 200 || focus != nil, let first = messages.first, let last = messages.last {
            values["earlier"] = "/conversations/\(id)?message=\(first.id)#m\(first.id)"
            values["later"] = "/conversations/\(id)?message=\(last.id)#m\(last.id)"
        }
        return render("conversation", page(context, title: record.conversation.name ?? "Conversation", active: "/search", extra: values))
    }

    /// A message for the transcript template: text cut into plain, redacted and alert-hit pieces.
    static func messageView(_ archived: ArchivedMessage, alerts: [QueuedAlert], focus: Bool, inThread: Bool) -> [String: Any] {
        let message = archived.message
        var label: String?
        switch message.kind {
        case .message: label = nil
        case .edit: label = "edit"
        case .delete: label = "deletion"
        case .reaction: label = "reaction"
        case .join: label = "joined"
        case .leave: label = "left"
        case .system: label = "system"
        case .blocked: label = "blocked by gateway"
        case .notice:
            let told = message.recipients.map(personLabel).joined(separator: ", ")
            label = told.isEmpty ? "archive notice" : "archive notice shown to " + told
        }
        return [
            "id": String(archived.id), "kind": message.kind.rawValue, "sender": personLabel(message.sender), "sentAt": time(message.sentAt),
            "focus": focus, "deleted": message.deleted, "edited": !message.editedFrom.isEmpty, "eventLabel": label.map { $0 as Any } ?? false,
            "inThread": inThread,
            "segments": segments(of: message, alerts: alerts.map(\.stored.alert)), "earlierVersions": message.editedFrom,
            "hasVersions": !message.editedFrom.isEmpty,
            "attachments": message.attachments.map {
                [
                    "name": $0.name, "size": $0.size.map { String($0) } ?? "?", "mediaType": $0.mediaType ?? "unknown",
                    "sha256": $0.sha256.map { $0 as Any } ?? false,
                ]
            },
            "hasAttachments": !message.attachments.isEmpty,
            "reactions": message.reactions.map { ["emoji": $0.emoji, "by": $0.by.joined(separator: ", ")] },
            "hasReactions": !message.reactions.isEmpty,
            "alerts": alerts.map {
                [
                    "id": String($0.stored.id), "rule": $0.stored.alert.rule, "state": $0.stored.alert.state.rawValue,
                    "severity": $0.stored.alert.severity.rawValue,
                    "action": $0.stored.alert.action == .flag ? false : $0.stored.alert.action.rawValue as Any,
                ]
            },
            "gatewayBadge": (message.kind == .blocked ? nil : GatewayBadge.of(archived, alerts: alerts.map(\.stored.alert))).map { $0 as Any }
                ?? false,
            "hasAlertTags": !alerts.isEmpty, "hasAlerts": !alerts.isEmpty,
            "deliveredBy": archived.deliveredBy.map { $0 as Any } ?? false,
        ]
    }

    /// The message text as pieces: redacted spans (with their type) and policy matches marked.
    static func segments(of message: Message, alerts: [Alert]) -> [[String: Any]] {
        let scalars = Array(message.text.unicodeScalars)
        var marks = [Character?](repeating: nil, count: scalars.count)  // "r" redacted, "h" hit
        var labels: [Int: String] = [:]
        for redaction in message.redactions where redaction.field == "text" {
            let range = max(0, redaction.start)..<min(scalars.count, max(redaction.start, redaction.end))
            for i in range { marks[i] = "r" }
            if !range.isEmpty { labels[range.lowerBound] = redaction.type }
        }
        for alert in alerts {
            for match in alert.matches {
                for i in max(0, match.start)..<min(scalars.count, max(match.start, match.end)) where marks[i] == nil { marks[i] = "h" }
            }
        }
        var pieces: [[String: Any]] = []
        var start = 0
        while start < scalars.count {
            var end = start + 1
            while end < scalars.count, marks[end] == marks[start], labels[end] == nil { end += 1 }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars[start..<end])
            let kind = marks[start]
            pieces.append([
                "text": String(text), "redacted": kind == "r", "hit": kind == "h", "plain": kind == nil,
                "label": labels[start] ?? "",
            ])
            start = end
        }
        return pieces
    }

    static func personLabel(_ handle: Handle) -> String {
        if let name = handle.displayName, !name.isEmpty, name != handle.id { return "\(name) <\(handle.id)>" }
        return handle.id
    }

    static func time(_ timestamp: Timestamp) -> String {
        let iso = timestamp.iso8601
        return String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    static func hitJSON(_ hit: SearchHit) -> JSONValue {
        .object([
            ("message", messageJSON(hit.message, alerts: [])), ("conversation_name", .optional(hit.conversation.name)),
            ("platform", .string(hit.conversation.platform)),
            ("snippet", .array(hit.snippet.segments.map { .object([("text", .string($0.text)), ("match", .bool($0.isMatch))]) })),
        ])
    }

    static func conversationJSON(_ record: ConversationRecord) -> JSONValue {
        .object([
            ("id", .int(record.id)), ("platform", .string(record.conversation.platform)), ("source_id", .string(record.conversation.sourceID)),
            ("name", .optional(record.conversation.name)), ("kind", .string(record.conversation.kind.rawValue)),
            ("external", .bool(record.conversation.isExternal)), ("message_count", .int(record.messageCount)),
            ("first_message_at", .optional(record.firstMessageAt?.iso8601)), ("last_message_at", .optional(record.lastMessageAt?.iso8601)),
            (
                "participants",
                .array(record.conversation.participants.map { .object([("id", .string($0.id)), ("name", .optional($0.displayName))]) })
            ),
        ])
    }

    static func messageJSON(_ archived: ArchivedMessage, alerts: [QueuedAlert]) -> JSONValue {
        let m = archived.message
        return .object([
            ("id", .int(archived.id)), ("conversation_id", .int(archived.conversationID)), ("leaf", .int(archived.leafIndex)),
            ("source_id", .string(m.sourceID)), ("kind", .string(m.kind.rawValue)), ("target", .optional(m.target)),
            ("sender", .object([("id", .string(m.sender.id)), ("name", .optional(m.sender.displayName))])),
            ("sent_at", .string(m.sentAt.iso8601)), ("text", .string(m.text)), ("thread", .optional(m.thread)),
            ("reply_to", .optional(m.replyTo)), ("edited_from", .array(m.editedFrom.map(JSONValue.string))), ("deleted", .bool(m.deleted)),
            ("delivered_by", .optional(archived.deliveredBy)),
            ("reactions", .array(m.reactions.map { .object([("emoji", .string($0.emoji)), ("by", .array($0.by.map(JSONValue.string)))]) })),
            (
                "attachments",
                .array(
                    m.attachments.map {
                        .object([
                            ("name", .string($0.name)), ("sha256", .optional($0.sha256)), ("size", $0.size.map(JSONValue.int) ?? .null),
                            ("media_type", .optional($0.mediaType)),
                        ])
                    })
            ),
            (
                "redactions",
                .array(
                    m.redactions.map {
                        .object([
                            ("field", .string($0.field)), ("type", .string($0.type)), ("rule", .string($0.rule)), ("start", .int($0.start)),
                            ("end", .int($0.end)),
                        ])
                    })
            ),
            ("alerts", .array(alerts.map { .int($0.stored.id) })),
        ])
    }
}
