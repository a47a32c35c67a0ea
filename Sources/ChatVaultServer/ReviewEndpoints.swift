import ChatVaultArchive
import ChatVaultCore
import ChatVaultPolicy
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension ConsoleServer {
    static let queueReaders: Set<Role> = [.officer, .reviewer, .auditor]
    static let reviewers: Set<Role> = [.officer, .reviewer]
    static let maxNoteBytes = 4000

    var reviewEndpoints: [Endpoint] {
        let filters: [Endpoint.Parameter] = [
            .query(
                "state", "string", "open, escalated or closed (default: open and escalated)",
                Endpoint.Parameter.oneOf(Alert.State.allCases.map(\.rawValue))),
            .query("severity", "string", "Severity", Endpoint.Parameter.oneOf(Alert.Severity.allCases.map(\.rawValue))),
            .query("rule", "string", "Rule name"),
            .query("group", "string", "Directory group of a participant"), .query("assignee", "string", "Assigned reviewer"),
            .query("page", "integer", "Page, from 1", Endpoint.Parameter.range(1...10_000)),
        ]
        return [
            Endpoint(.get, "/alerts", roles: Self.queueReaders, kind: .page, summary: "Review queue", parameters: filters) { request, context in
                try await self.queuePage(request, context)
            },
            Endpoint(
                .get, "/api/v1/alerts", roles: Self.queueReaders, kind: .api, summary: "Review queue", parameters: filters, response: "AlertList"
            ) {
                request, context in
                let (filter, _) = try self.alertFilter(request, context)
                try await self.audit(
                    "console.alerts.list", context, self.queryFields(request, ["state", "severity", "rule", "group", "assignee", "page"]))
                let (alerts, total) = try await self.archive.alertQueue(filter)
                return Self.json(.object([("total", .int(total)), ("alerts", .array(alerts.map(Self.alertJSON)))]))
            },
            Endpoint(
                .get, "/alerts/{id}", roles: Self.queueReaders, kind: .page, summary: "An alert in context", parameters: [.path("id", "Alert id")]
            ) {
                _, context in
                try await self.alertPage(context)
            },
            Endpoint(
                .get, "/api/v1/alerts/{id}", roles: Self.queueReaders, kind: .api, summary: "An alert with its history",
                parameters: [.path("id", "Alert id")], response: "AlertDetail"
            ) { _, context in
                let alert = try await self.visibleAlert(try context.pathID(), context)
                try await self.audit("console.alert.open", context, [("alert_id", .int(alert.stored.id))])
                let history = try await self.archive.reviews(alertID: alert.stored.id)
                return Self.json(
                    .object([("alert", Self.alertJSON(alert)), ("history", .array(history.map(Self.reviewJSON)))]))
            },
            Endpoint(
                .post, "/alerts/{id}/actions", roles: Self.reviewers, kind: .page, summary: "Assign, comment, escalate, close, reopen or coach",
                parameters: [.path("id", "Alert id")]
            ) { request, context in
                let id = try context.pathID()
                let form = try await Self.form(request)
                try await self.act(on: [id], form: Dictionary(form.fields, uniquingKeysWith: { first, _ in first }), context)
                return Self.seeOther("/alerts/\(id)")
            },
            Endpoint(.post, "/alerts/bulk", roles: Self.reviewers, kind: .page, summary: "One action on several alerts") { request, context in
                let form = try await Self.form(request)
                let ids = form.all("id").compactMap { Int64($0) }
                guard ids.count == form.all("id").count else { throw ConsoleError(.badRequest, "every id must be an alert number") }
                guard !ids.isEmpty else { throw ConsoleError(.badRequest, "select at least one alert") }
                guard ids.count <= 500 else { throw ConsoleError(.badRequest, "at most 500 alerts at once") }
                var fields = Dictionary(form.fields.filter { $0.0 != "id" }, uniquingKeysWith: { first, _ in first })
                if fields["action"] == "assign" { fields["assignee"] = context.principal!.name }
                try await self.act(on: ids, form: fields, context)
                return Self.seeOther("/alerts")
            },
            Endpoint(
                .post, "/api/v1/alerts/{id}/actions", roles: Self.reviewers, kind: .api,
                summary: "Assign, comment, escalate, close (reason), reopen or coach (note, employee)", parameters: [.path("id", "Alert id")],
                request: "AlertAction", response: "AlertDetail"
            ) { request, context in
                let id = try context.pathID()
                let body = try await Self.jsonBody(request, limit: 64 << 10)
                guard case .object(let pairs) = body else { throw ConsoleError(.badRequest, "send a JSON object") }
                var fields: [String: String] = [:]
                for (key, value) in pairs { if let text = value.stringValue { fields[key] = text } }
                try await self.act(on: [id], form: fields, context)
                let alert = try await self.visibleAlert(id, context)
                let history = try await self.archive.reviews(alertID: id)
                return Self.json(.object([("alert", Self.alertJSON(alert)), ("history", .array(history.map(Self.reviewJSON)))]))
            },
        ]
    }

    func queryFields(_ request: Request, _ names: [String]) -> [(String, JSONValue)] {
        names.compactMap { name in request.query(name).map { (name, .string($0)) } }
    }

    /// Handles a reviewer may see alerts about: their groups' people. `nil` for officers and auditors (everyone).
    func scope(of context: ConsoleContext) -> Set<String>? {
        guard let principal = context.principal, principal.role == .reviewer else { return nil }
        return people().handles(inGroups: principal.groups)
    }

    func alertFilter(_ request: Request, _ context: ConsoleContext) throws -> (AlertFilter, Int) {
        var filter = AlertFilter()
        if let state = request.query("state") {
            guard let value = Alert.State(rawValue: state) else { throw ConsoleError(.badRequest, "state must be open, escalated or closed") }
            filter.states = [value]
        } else {
            filter.states = [.open, .escalated]
        }
        if let severity = request.query("severity") {
            guard let value = Alert.Severity(rawValue: severity) else {
                throw ConsoleError(.badRequest, "severity must be one of \(Alert.Severity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.severity = value
        }
        filter.rule = request.query("rule")
        filter.assignee = request.query("assignee")
        var participants = scope(of: context)
        if let group = request.query("group") {
            let members = people().handles(inGroups: [group])
            participants = participants.map { $0.intersection(members) } ?? members
        }
        filter.participants = participants
        let page = try request.queryInt("page", default: 1, range: 1...10_000)
        filter.limit = 50
        filter.offset = (page - 1) * 50
        return (filter, page)
    }

    /// The alert, if the caller may see it (reviewers: only their groups'); 404 otherwise.
    func visibleAlert(_ id: Int64, _ context: ConsoleContext) async throws -> QueuedAlert {
        guard let alert = try await archive.alert(id: id) else { throw ConsoleError(.notFound, "no alert \(id)") }
        if let scope = scope(of: context) {
            guard let message = try await archive.message(id: alert.stored.messageID),
                let record = try await archive.conversation(id: message.conversationID),
                record.conversation.participants.contains(where: { scope.contains($0.id.lowercased()) })
            else { throw ConsoleError(.notFound, "no alert \(id)") }
        }
        return alert
    }

    /// Applies one review action to each alert (each its own audit event), all or none.
    func act(on ids: [Int64], form: [String: String], _ context: ConsoleContext) async throws {
        guard let name = form["action"], let action = ReviewAction(rawValue: name) else {
            throw ConsoleError(.badRequest, "action must be one of \(ReviewAction.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (key, value) in form where value.utf8.count > Self.maxNoteBytes {
            throw ConsoleError(.contentTooLarge, "\(key) is longer than \(Self.maxNoteBytes) bytes")
        }
        var detail: [(String, JSONValue)] = [("role", .string(context.principal!.role.rawValue))]
        var assignee: String?
        switch action {
        case .assign:
            assignee = form["assignee"].flatMap { $0.isEmpty ? nil : $0 }
        case .comment:
            guard let comment = form["comment"], !comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ConsoleError(.badRequest, "a comment needs text")
            }
            detail.append(("comment", .string(comment)))
        case .escalate, .reopen:
            if let reason = form["reason"], !reason.isEmpty { detail.append(("reason", .string(reason))) }
        case .close:
            guard let reason = form["reason"], !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConsoleError(.badRequest, "closing an alert needs a reason")
            }
            detail.append(("reason", .string(reason)))
        case .coach:
            guard let note = form["note"], !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let employee = form["employee"],
                !employee.isEmpty
            else { throw ConsoleError(.badRequest, "a coaching note needs the note and the employee it is addressed to") }
            detail += [("note", .string(note)), ("employee", .string(employee))]
        }
        // All or nothing: every alert is checked (visible to the caller, known) before any is
        // touched, then every step is written in one archive transaction.
        var alerts: [QueuedAlert] = []
        for id in Set(ids).sorted() { alerts.append(try await visibleAlert(id, context)) }
        var steps: [ReviewStep] = []
        for alert in alerts {
            steps.append(ReviewStep(alertID: alert.stored.id, action: action, detail: detail, assignee: assignee))
            // Closing with a note writes the coaching note as its own step.
            if action == .close, let note = form["note"], !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                let employee = form["employee"].flatMap { $0.isEmpty ? nil : $0 } ?? alert.stored.alert.participants.first ?? "unknown"
                steps.append(
                    ReviewStep(alertID: alert.stored.id, action: .coach, detail: [("note", .string(note)), ("employee", .string(employee))]))
            }
        }
        do {
            try await archive.review(steps, actor: context.principal!.name)
        } catch let error as ArchiveError where error.code == .conflict || error.code == .notFound {
            var refusal = ConsoleError(error)
            if alerts.count > 1 { refusal.message += "; none of the \(alerts.count) alerts was changed" }
            throw refusal
        } catch {
            logger.error("review write failed", metadata: ["error": "\(error)"])
            throw ConsoleError(.serviceUnavailable, "the action could not be recorded in the audit trail, so it was not performed")
        }
    }

    func queuePage(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let (filter, page) = try alertFilter(request, context)
        try await audit("console.alerts.list", context, queryFields(request, ["state", "severity", "rule", "group", "assignee", "page"]))
        let (alerts, total) = try await archive.alertQueue(filter)
        // Only alerts that can change delivery (warn, redact, block) may carry a gateway badge.
        var badged: [Int64: ArchivedMessage] = [:]
        for queued in alerts where queued.stored.alert.action != .flag && badged[queued.stored.messageID] == nil {
            badged[queued.stored.messageID] = try await archive.message(id: queued.stored.messageID)
        }
        var values: [String: Any] = [
            "total": total, "rule": request.query("rule") ?? "", "assignee": request.query("assignee") ?? "",
            "canAct": Self.reviewers.contains(context.principal!.role),
            "states": Alert.State.allCases.map { ["name": $0.rawValue, "selected": $0.rawValue == request.query("state")] },
            "severities": Alert.Severity.allCases.map { ["name": $0.rawValue, "selected": $0.rawValue == request.query("severity")] },
            "groups": visibleGroups(context).map { ["name": $0, "selected": $0 == request.query("group")] },
            "alerts": alerts.map { queued -> [String: Any] in
                let a = queued.stored.alert
                return [
                    "id": String(queued.stored.id), "raisedAt": Self.time(a.raisedAt), "severity": a.severity.rawValue, "rule": a.rule,
                    "state": a.state.rawValue, "assignee": queued.assignee ?? "", "conversation": a.message.platform + ":" + a.message.conversation,
                    "matched": a.matches.map(\.text).joined(separator: ", "),
                    "badge": (a.action == .flag ? nil : GatewayBadge.of(a, message: badged[queued.stored.messageID])).map { $0 as Any } ?? false,
                ]
            },
        ]
        var components = URLComponents()
        components.queryItems = queryFields(request, ["state", "severity", "rule", "group", "assignee"]).compactMap { name, value in
            value.stringValue.map { URLQueryItem(name: name, value: $0) }
        }
        let base = "/alerts?" + (components.percentEncodedQuery ?? "")
        if page > 1 { values["previous"] = base + "&page=\(page - 1)" }
        if page * 50 < total { values["next"] = base + "&page=\(page + 1)" }
        return render("alerts", self.page(context, title: "Review queue", active: "/alerts", extra: values))
    }

    func visibleGroups(_ context: ConsoleContext) -> [String] {
        if context.principal?.role == .reviewer { return context.principal!.groups.sorted() }
        return people().groups
    }

    func alertPage(_ context: ConsoleContext) async throws -> Response {
        let alert = try await visibleAlert(try context.pathID(), context)
        try await audit("console.alert.open", context, [("alert_id", .int(alert.stored.id))])
        let a = alert.stored.alert
        let message = try await archive.message(id: alert.stored.messageID)
        var contextMessages: [[String: Any]] = []
        if let message {
            let around = try await archive.transcript(conversationID: message.conversationID, around: message.id, limit: 9)
            let alerts = try await archive.alerts(forMessages: around.map(\.id))
            contextMessages = around.map { Self.messageView($0, alerts: alerts[$0.id] ?? [], focus: $0.id == message.id, inThread: false) }
        }
        let history = try await archive.reviews(alertID: alert.stored.id)
        let values: [String: Any] = [
            "id": String(alert.stored.id), "rule": a.rule, "severity": a.severity.rawValue, "state": a.state.rawValue,
            "raisedAt": Self.time(a.raisedAt), "policyVersion": a.policyVersion, "assignee": alert.assignee.map { $0 as Any } ?? false,
            "description": a.description,
            "participants": a.participants, "context": contextMessages, "conversationID": message.map { String($0.conversationID) } ?? "",
            "messageID": String(alert.stored.messageID), "canOpenConversation": Self.readers.contains(context.principal!.role),
            "canAct": Self.reviewers.contains(context.principal!.role), "me": context.principal!.name,
            "sender": message?.message.sender.id ?? "",
            "history": history.map { review -> [String: Any] in
                ["at": Self.time(review.at), "actor": review.actor, "action": review.action, "text": Self.historyText(review.detail)]
            },
        ]
        return render("alert", page(context, title: "Alert \(alert.stored.id)", active: "/alerts", extra: values))
    }

    static func historyText(_ detail: JSONValue) -> String {
        var parts: [String] = []
        for key in ["assignee", "to", "reason", "comment", "employee", "note"] {
            if let value = detail[key]?.stringValue { parts.append("\(key): \(value)") }
        }
        return parts.joined(separator: " · ")
    }

    static func alertJSON(_ queued: QueuedAlert) -> JSONValue {
        let a = queued.stored.alert
        return .object([
            ("id", .int(queued.stored.id)), ("message_id", .int(queued.stored.messageID)), ("rule", .string(a.rule)),
            ("severity", .string(a.severity.rawValue)), ("action", .string(a.action.rawValue)), ("state", .string(a.state.rawValue)),
            ("assignee", .optional(queued.assignee)), ("description", .string(a.description)), ("platform", .string(a.message.platform)),
            ("conversation", .string(a.message.conversation)), ("participants", .array(a.participants.map(JSONValue.string))),
            ("matches", .array(a.matches.map { .object([("start", .int($0.start)), ("end", .int($0.end)), ("text", .string($0.text))]) })),
            ("policy_version", .string(a.policyVersion)), ("raised_at", .string(a.raisedAt.iso8601)),
        ])
    }

    static func reviewJSON(_ review: AlertReview) -> JSONValue {
        .object([
            ("id", .int(review.id)), ("at", .string(review.at.iso8601)), ("actor", .string(review.actor)), ("action", .string(review.action)),
            ("audit_id", .int(review.auditID)), ("detail", review.detail),
        ])
    }
}
