import ChatVaultArchive
import ChatVaultCapture
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import ChatVaultRedaction
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension ConsoleServer {
    static let integrityReaders: Set<Role> = [.officer, .auditor, .admin]
    static let trailReaders: Set<Role> = [.officer, .auditor]
    static let policyReaders: Set<Role> = [.admin, .officer, .auditor]
    static let policyWriters: Set<Role> = [.admin, .officer]
    /// A backtest shows how often words occur in archived messages, so it reads archive
    /// content: officers only (an admin validates and activates, but cannot probe).
    static let backtesters: Set<Role> = [.officer]

    var integrityEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/integrity", roles: Self.integrityReaders, kind: .page, summary: "Integrity status") { _, context in
                try await self.audit("console.integrity", context, [])
                var values = try await self.integrityValues()
                values["canVerify"] = true
                return self.render("integrity", self.page(context, title: "Integrity", active: "/integrity", extra: values))
            },
            Endpoint(.post, "/integrity/verify", roles: Self.integrityReaders, kind: .page, summary: "Start a verification") { _, context in
                try await self.startVerification(context)
                return Self.seeOther("/integrity")
            },
            Endpoint(.get, "/api/v1/integrity", roles: Self.integrityReaders, kind: .api, summary: "Integrity status", response: "Integrity") {
                _, context in
                try await self.audit("console.integrity", context, [])
                let values = try await self.integrityValues()
                var fields: [(String, JSONValue)] = [
                    ("tree_size", .int(values["treeSize"] as? Int ?? 0)), ("messages", .int(values["messages"] as? Int ?? 0)),
                    ("checkpoint_time", .optional(values["checkpointISO"] as? String)), ("root", .optional(values["root"] as? String)),
                    ("public_key", .optional(values["publicKey"] as? String)), ("running", .bool(values["running"] as? Bool ?? false)),
                ]
                if let last = values["last"] as? [String: Any] {
                    fields.append(
                        (
                            "last_verification",
                            .object([
                                ("result", .string(last["result"] as? String ?? "")), ("intact", .bool(last["intact"] as? Bool ?? false)),
                                ("started_by", .string(last["startedBy"] as? String ?? "")),
                                ("problems", .array((last["problems"] as? [String] ?? []).map(JSONValue.string))),
                            ])
                        ))
                }
                return Self.json(.object(fields))
            },
            Endpoint(
                .post, "/api/v1/integrity/verify", roles: Self.integrityReaders, kind: .api, summary: "Start a verification", response: "Accepted"
            ) { _, context in
                try await self.startVerification(context)
                return Self.json(.object([("started", .bool(true))]), status: .accepted)
            },
        ]
    }

    func startVerification(_ context: ConsoleContext) async throws {
        guard await verification.start(by: context.principal!.name) else {
            throw ConsoleError(.conflict, "a verification is already running")
        }
        do {
            try await audit("console.verify.start", context, [])
        } catch {
            await verification.finish(report: nil, error: "not started: the audit trail could not be written")
            throw error
        }
        let archive = self.archive
        let state = verification
        let actor = context.principal!.name
        Task.detached {
            do {
                let report = try await archive.verify()
                await state.finish(report: report, error: nil)
                _ = try? await archive.recordAudit(
                    action: "console.verify.finish", actor: actor,
                    detail: .object([("intact", .bool(report.isIntact)), ("records", .int(report.recordsChecked))]))
            } catch {
                await state.finish(report: nil, error: "\(error)")
            }
        }
    }

    func integrityValues() async throws -> [String: Any] {
        let statistics = try await archive.statistics()
        var values: [String: Any] = ["treeSize": statistics.treeSize, "messages": statistics.messages]
        if let checkpoint = statistics.latestCheckpoint {
            values["checkpointTime"] = Self.time(checkpoint.time)
            values["checkpointISO"] = checkpoint.time.iso8601
            values["root"] = checkpoint.root.hexString
        }
        values["publicKey"] = (try? String(contentsOf: vault.publicKeyURL, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        values["running"] = await verification.running
        if let run = await verification.last {
            var last: [String: Any] = ["startedBy": run.startedBy, "startedAt": Self.time(run.startedAt)]
            if let finished = run.finishedAt { last["finishedAt"] = Self.time(finished) }
            if let report = run.report {
                last["intact"] = report.isIntact
                last["result"] =
                    report.isIntact
                    ? "Intact: \(report.recordsChecked) records and \(report.checkpointsChecked) checkpoints match."
                    : "NOT INTACT: \(report.problems.count) problems."
                last["resultClass"] = report.isIntact ? "ok" : "bad"
                let problems = report.problems.prefix(100).map(\.description)
                last["problems"] = problems
                last["hasProblems"] = !problems.isEmpty
            } else if let error = run.error {
                last["result"] = "Failed: \(error)"
                last["resultClass"] = "bad"
            } else {
                last["result"] = "Running…"
                last["resultClass"] = "running"
            }
            values["last"] = last
        } else if let event = try await lastRecordedVerification() {
            // Before this server ran one: the newest verification in the audit trail (CLI or console).
            let intact = event.detail["intact"] == .bool(true)
            values["last"] =
                [
                    "startedBy": event.actor, "startedAt": Self.time(event.time), "finishedAt": Self.time(event.time), "intact": intact,
                    "result": intact ? "Intact (recorded as \(event.action))." : "NOT INTACT (recorded as \(event.action)).",
                    "resultClass": intact ? "ok" : "bad",
                ] as [String: Any]
        }
        return values
    }

    /// The newest verification result in the audit trail.
    func lastRecordedVerification() async throws -> AuditEvent? {
        let console = try await archive.auditTrail(actor: nil, actionPrefix: "console.verify.finish", beforeID: nil, limit: 1).first
        let cli = try await archive.auditTrail(actor: nil, actionPrefix: "archive.verify", beforeID: nil, limit: 1).first
        return [console, cli].compactMap { $0 }.max { $0.id < $1.id }
    }

    var adminEndpoints: [Endpoint] {
        let trailFilters: [Endpoint.Parameter] = [
            .query("actor", "string", "User"), .query("action", "string", "Action prefix, e.g. console."),
            .query("before", "integer", "Only events older than this id"),
        ]
        return [
            Endpoint(.get, "/audit", roles: Self.trailReaders, kind: .page, summary: "Access trail", parameters: trailFilters) { request, context in
                let events = try await self.trail(request, context)
                var values: [String: Any] = [
                    "actor": request.query("actor") ?? "", "action": request.query("action") ?? "",
                    "events": events.map { e -> [String: Any] in
                        ["id": String(e.id), "time": Self.time(e.time), "actor": e.actor, "action": e.action, "detail": e.detail.compactText]
                    },
                ]
                if events.count == 100, let last = events.last {
                    var components = URLComponents()
                    components.queryItems =
                        self.queryFields(request, ["actor", "action"]).compactMap { n, v in
                            v.stringValue.map { URLQueryItem(name: n, value: $0) }
                        } + [URLQueryItem(name: "before", value: String(last.id))]
                    values["next"] = "/audit?" + (components.percentEncodedQuery ?? "")
                }
                return self.render("audit", self.page(context, title: "Access trail", active: "/audit", extra: values))
            },
            Endpoint(
                .get, "/api/v1/audit", roles: Self.trailReaders, kind: .api, summary: "Access trail", parameters: trailFilters, response: "AuditList"
            ) {
                request, context in
                let events = try await self.trail(request, context)
                return Self.json(
                    .object([
                        (
                            "events",
                            .array(
                                events.map { e in
                                    .object([
                                        ("id", .int(e.id)), ("leaf", .int(e.leafIndex)), ("time", .string(e.time.iso8601)),
                                        ("actor", .string(e.actor)),
                                        ("action", .string(e.action)), ("detail", e.detail),
                                    ])
                                })
                        )
                    ]))
            },
            Endpoint(.get, "/admin/users", roles: [.admin], kind: .page, summary: "Users and tokens") { request, context in
                try await self.audit("console.users.list", context, [])
                return try await self.usersPage(context, newToken: nil)
            },
            Endpoint(.post, "/admin/users", roles: [.admin], kind: .page, summary: "Create or change a user") { request, context in
                let form = try await Self.form(request)
                try await self.saveUser(
                    name: form["name"] ?? "", role: form["role"] ?? "", password: form["password"], groups: form["groups"] ?? "",
                    disabled: form["disabled"] == "1", context)
                return Self.seeOther("/admin/users")
            },
            Endpoint(.post, "/admin/tokens", roles: [.admin], kind: .page, summary: "Create an API token") { request, context in
                let form = try await Self.form(request)
                let secret = try await self.createToken(name: form["name"] ?? "", role: form["role"] ?? "", source: form["source"], context)
                return try await self.usersPage(context, newToken: secret)
            },
            Endpoint(.get, "/api/v1/users", roles: [.admin], kind: .api, summary: "Users", response: "UserList") { _, context in
                try await self.audit("console.users.list", context, [])
                let users = await self.accounts.users
                return Self.json(
                    .object([
                        (
                            "users",
                            .array(
                                users.map {
                                    .object([
                                        ("name", .string($0.name)), ("role", .string($0.role.rawValue)),
                                        ("groups", .array($0.groups.map(JSONValue.string))), ("disabled", .bool($0.disabled)),
                                    ])
                                })
                        )
                    ]))
            },
            Endpoint(.post, "/api/v1/users", roles: [.admin], kind: .api, summary: "Create or change a user", request: "UserChange", response: "Ok") {
                request, context in
                let body = try await Self.jsonBody(request, limit: 16 << 10)
                try await self.saveUser(
                    name: body["name"]?.stringValue ?? "", role: body["role"]?.stringValue ?? "", password: body["password"]?.stringValue,
                    groups: (body["groups"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ","),
                    disabled: body["disabled"] == .bool(true), context)
                return Self.json(.object([("ok", .bool(true))]))
            },
            Endpoint(.post, "/api/v1/tokens", roles: [.admin], kind: .api, summary: "Create an API token", request: "TokenRequest", response: "Token")
            {
                request, context in
                let body = try await Self.jsonBody(request, limit: 16 << 10)
                let secret = try await self.createToken(
                    name: body["name"]?.stringValue ?? "", role: body["role"]?.stringValue ?? "", source: body["source"]?.stringValue, context)
                return Self.json(.object([("token", .string(secret))]), status: .created)
            },
            Endpoint(
                .post, "/admin/tokens/{name}/revoke", roles: [.admin], kind: .page, summary: "Revoke an API token",
                parameters: [Endpoint.Parameter(name: "name", location: "path", type: "string", required: true, description: "Token name")]
            ) { _, context in
                try await self.revokeToken(context.parameters.get("name") ?? "", context)
                return Self.seeOther("/admin/users")
            },
            Endpoint(
                .post, "/api/v1/tokens/{name}/revoke", roles: [.admin], kind: .api, summary: "Revoke an API token",
                parameters: [Endpoint.Parameter(name: "name", location: "path", type: "string", required: true, description: "Token name")],
                response: "Ok"
            ) { _, context in
                try await self.revokeToken(context.parameters.get("name") ?? "", context)
                return Self.json(.object([("ok", .bool(true))]))
            },
            Endpoint(.get, "/admin/policy", roles: Self.policyReaders, kind: .page, summary: "The active policy") { _, context in
                try await self.audit("console.policy.view", context, [])
                return try self.policyPage(context, draft: nil, problem: nil, backtest: nil)
            },
            Endpoint(.post, "/admin/policy", roles: Self.policyWriters, kind: .page, summary: "Validate or activate a policy") {
                request, context in
                let form = try await Self.form(request)
                return try await self.policyStep(text: form["policy"] ?? "", step: form["step"] == "activate" ? .activate : .validate, context)
            },
            Endpoint(.post, "/admin/policy/backtest", roles: Self.backtesters, kind: .page, summary: "Validate and backtest a candidate policy") {
                request, context in
                let form = try await Self.form(request)
                return try await self.policyStep(text: form["policy"] ?? "", step: .backtest, context)
            },
            Endpoint(
                .post, "/api/v1/policy/backtest", roles: Self.backtesters, kind: .api, summary: "Backtest a candidate policy",
                request: "PolicyBacktestRequest", response: "PolicyBacktest"
            ) { request, context in
                let body = try await Self.jsonBody(request, limit: (1 << 20) + 4096)
                guard let text = body["yaml"]?.stringValue else { throw ConsoleError(.badRequest, "send {\"yaml\": \"…policy…\"}") }
                let candidate: UsePolicy
                let redaction: RedactionPolicy
                do {
                    (candidate, redaction) = try await self.validatedPolicy(text, context)
                } catch let error as PolicyRejection {
                    throw ConsoleError(.badRequest, error.reason)
                }
                let audited = AuditRedaction.policyText(text, policy: redaction, secret: try self.vault.redactionSecret())
                let result = try await self.backtest(candidate, text: text, audited: audited, context)
                return Self.json(
                    .object([
                        ("version", .string(Self.sha256(text))), ("messages", .int(result.messages)),
                        (
                            "rules",
                            .array(
                                result.rows.map { row in
                                    .object([("rule", .string(row.rule)), ("before", .int(row.before)), ("after", .int(row.after))])
                                })
                        ),
                    ]))
            },
            Endpoint(.get, "/api/v1/policy", roles: Self.policyReaders, kind: .api, summary: "The active policy", response: "Policy") { _, context in
                try await self.audit("console.policy.view", context, [])
                let text = try self.vault.policyText() ?? ""
                return Self.json(.object([("version", .string(Self.sha256(text))), ("yaml", .string(text))]))
            },
            Endpoint(.get, "/admin/sources", roles: Self.policyReaders, kind: .page, summary: "Live sources and their completeness") { _, context in
                try await self.audit("console.sources", context, [])
                let states = try await self.sourceStates()
                let values: [String: Any] = [
                    "sources": states.map { s -> [String: Any] in
                        [
                            "name": s.name, "kind": s.kind, "status": s.status.rawValue, "stored": s.stored, "duplicates": s.duplicates,
                            "gaps": s.gaps.count, "lastError": s.lastError ?? "",
                            "lastMessage": s.lastMessageAt.map { Self.time(Timestamp(secondsSince1970: $0)) } ?? "never",
                            "lastPoll": s.lastPollAt.map { Self.time(Timestamp(secondsSince1970: $0)) } ?? "never",
                        ]
                    }
                ]
                return self.render("sources", self.page(context, title: "Sources", active: "/admin/sources", extra: values))
            },
            Endpoint(
                .get, "/api/v1/sources", roles: Self.policyReaders, kind: .api, summary: "Live sources and their completeness", response: "SourceList"
            ) {
                _, context in
                try await self.audit("console.sources", context, [])
                let states = try await self.sourceStates()
                return Self.json(
                    .object([
                        (
                            "sources",
                            .array(
                                states.map { s in
                                    .object([
                                        ("name", .string(s.name)), ("kind", .string(s.kind)), ("status", .string(s.status.rawValue)),
                                        ("last_error", .optional(s.lastError)), ("stored", .int(s.stored)), ("duplicates", .int(s.duplicates)),
                                        ("rejected", .int(s.rejected)), ("gaps", .int(s.gaps.count)),
                                        ("last_message_at", s.lastMessageAt.map { .string(Timestamp(secondsSince1970: $0).iso8601) } ?? .null),
                                    ])
                                })
                        )
                    ]))
            },
        ]
    }

    func sourceStates() async throws -> [SourceState] {
        var states = try await sources.all()
        let configured = (try? CaptureConfiguration.load(vaultDirectory: vault.directory).sources) ?? []
        for source in configured where !states.contains(where: { $0.name == source.name }) {
            states.append(SourceState(name: source.name, kind: source.kind))
        }
        return states.sorted { $0.name < $1.name }
    }

    func trail(_ request: Request, _ context: ConsoleContext) async throws -> [AuditEvent] {
        let before = try request.query("before").map { text -> Int64 in
            guard let id = Int64(text) else { throw ConsoleError(.badRequest, "before must be an event id") }
            return id
        }
        try await audit("console.audit.view", context, queryFields(request, ["actor", "action", "before"]))
        return try await archive.auditTrail(actor: request.query("actor"), actionPrefix: request.query("action"), beforeID: before, limit: 100)
    }

    func usersPage(_ context: ConsoleContext, newToken: String?) async throws -> Response {
        let users = await accounts.users
        let tokens = await accounts.tokens
        let values: [String: Any] = [
            "users": users.map {
                [
                    "name": $0.name, "role": $0.role.rawValue, "groups": $0.groups.joined(separator: ", "),
                    "state": $0.disabled ? "disabled" : "active",
                ]
            },
            "tokens": tokens.map { ["name": $0.name, "role": $0.role.rawValue, "source": $0.source ?? "", "createdBy": $0.createdBy] },
            "roles": Role.people.map(\.rawValue), "newToken": newToken ?? "",
        ]
        return render("users", page(context, title: "Users", active: "/admin/users", extra: values))
    }

    func saveUser(name: String, role: String, password: String?, groups: String, disabled: Bool, _ context: ConsoleContext) async throws {
        guard let role = Role(rawValue: role), Role.people.contains(role) else {
            throw ConsoleError(.badRequest, "role must be admin, officer, reviewer or auditor")
        }
        let groupList = groups.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        try await audit(
            "console.user.save", context,
            [
                ("user", .string(name)), ("user_role", .string(role.rawValue)), ("groups", .array(groupList.map(JSONValue.string))),
                ("disabled", .bool(disabled)), ("password_changed", .bool(password?.isEmpty == false)),
            ])
        do {
            try await accounts.setUser(
                name: name, role: role, password: password?.isEmpty == false ? password : nil, groups: groupList, disabled: disabled)
        } catch let error as AccountStore.Failure {
            throw ConsoleError(.badRequest, error.description)
        }
        await sessions.endAll(of: name)
    }

    func createToken(name: String, role: String, source: String?, _ context: ConsoleContext) async throws -> String {
        guard let role = Role(rawValue: role), role != .admin else {
            throw ConsoleError(.badRequest, "role must be ingest, gateway, auditor, officer or reviewer")
        }
        try await audit(
            "console.token.create", context, [("token", .string(name)), ("token_role", .string(role.rawValue)), ("source", .optional(source))])
        do {
            return try await accounts.createToken(
                name: name, role: role, source: source?.isEmpty == false ? source : nil, createdBy: context.principal!.name,
                pendingApproval: role == .officer || role == .auditor)
        } catch let error as AccountStore.Failure {
            throw ConsoleError(.badRequest, error.description)
        }
    }

    func revokeToken(_ name: String, _ context: ConsoleContext) async throws {
        try await audit("console.token.revoke", context, [("token", .string(name))])
        guard try await accounts.revokeToken(name: name) else { throw ConsoleError(.notFound, "no token named \(name)") }
    }

    static func sha256(_ text: String) -> String { Array(SHA256.hash(data: Array(text.utf8))).hexString }

    func policyPage(_ context: ConsoleContext, draft: String?, problem: String?, backtest: [String: Any]?, checked: Bool = false) throws -> Response {
        let text = try vault.policyText() ?? ""
        let rules = (try? UsePolicy.load(yaml: text, source: "policy.yaml"))?.rules.count ?? 0
        var values: [String: Any] = [
            "version": Self.sha256(text), "rules": rules, "text": text, "draft": draft ?? text,
            "canChange": Self.policyWriters.contains(context.principal!.role), "checked": checked,
            "canBacktest": Self.backtesters.contains(context.principal!.role),
        ]
        if let problem { values["problem"] = problem }
        if let backtest { values["backtest"] = backtest }
        return render("policy", page(context, title: "Policy", active: "/admin/policy", extra: values), status: problem == nil ? .ok : .badRequest)
    }

    enum PolicyStep {
        case validate, backtest, activate
    }

    /// Validates a candidate policy; then backtests it against the newest messages (officers)
    /// or activates it. Every step records the candidate's full text in the audit trail
    /// before it takes effect, so the trail shows every word a policy ever looked for
    /// (redacted under the candidate's own redaction rules: its keyword lists name what must
    /// never be archived).
    func policyStep(text: String, step: PolicyStep, _ context: ConsoleContext) async throws -> Response {
        let candidate: UsePolicy
        let audited: String
        do {
            let (use, redaction) = try await validatedPolicy(text, context)
            candidate = use
            audited = AuditRedaction.policyText(text, policy: redaction, secret: try vault.redactionSecret())
        } catch let error as PolicyRejection {
            return try policyPage(context, draft: text, problem: error.reason, backtest: nil)
        }
        switch step {
        case .activate:
            try await audit("policy.set", context, [("sha256", .string(Self.sha256(text))), ("via", .string("console")), ("yaml", .string(audited))])
            try Data(text.utf8).write(to: vault.policyURL, options: .atomic)
            try await ingestor.reload(from: vault)
            return Self.seeOther("/admin/policy")
        case .validate:
            try await audit("console.policy.validate", context, [("sha256", .string(Self.sha256(text))), ("yaml", .string(audited))])
            return try policyPage(context, draft: text, problem: nil, backtest: nil, checked: true)
        case .backtest:
            guard Self.backtesters.contains(context.principal!.role) else {
                throw ConsoleError(.forbidden, "backtests read archive content: they are for officers")
            }
            let result = try await backtest(candidate, text: text, audited: audited, context)
            let backtest: [String: Any] = [
                "messages": result.messages,
                "rows": result.rows.map { row -> [String: Any] in
                    let (b, a) = (row.before, row.after)
                    return ["rule": row.rule, "before": b, "after": a, "change": a == b ? "same" : (a > b ? "+\(a - b)" : "−\(b - a)")]
                },
            ]
            return try policyPage(context, draft: text, problem: nil, backtest: backtest, checked: true)
        }
    }

    /// Why a candidate policy was refused (shown to the person, recorded in the trail).
    struct PolicyRejection: Error {
        var reason: String
    }

    /// The candidate parsed as both halves of the policy file; a refusal is audited with the
    /// candidate's text.
    func validatedPolicy(_ text: String, _ context: ConsoleContext) async throws -> (UsePolicy, RedactionPolicy) {
        guard text.utf8.count <= 1 << 20 else { throw ConsoleError(.contentTooLarge, "a policy file is at most 1 MB") }
        do {
            let redaction = try RedactionPolicy.load(yaml: text, source: "uploaded policy")
            return (try UsePolicy.load(yaml: text, source: "uploaded policy"), redaction)
        } catch {
            // A candidate that does not parse is kept as the active policy redacts it.
            let audited = await ingestor.auditRedaction.redact(text)
            try await audit(
                "console.policy.rejected", context,
                [("sha256", .string(Self.sha256(text))), ("error", .string("\(error)")), ("yaml", .string(audited))])
            throw PolicyRejection(reason: "\(error)")
        }
    }

    /// Alerts per rule under the active and the candidate policy over the newest 1,000
    /// messages. Audited first with the candidate's full text.
    func backtest(_ candidate: UsePolicy, text: String, audited: String, _ context: ConsoleContext) async throws -> (
        messages: Int, rows: [(rule: String, before: Int, after: Int)]
    ) {
        let active = try vault.policyText().map { try UsePolicy.load(yaml: $0, source: "policy.yaml") } ?? UsePolicy()
        let directory = people().directory
        let seed = try PolicyStage.samplingSeed(of: vault)
        var proposed = try PolicyEvaluator(policy: candidate, directory: directory, seed: seed)
        var current = try PolicyEvaluator(policy: active, directory: directory, seed: seed)
        try await audit("policy.backtest", context, [("sha256", .string(Self.sha256(text))), ("messages", .int(1000)), ("yaml", .string(audited))])
        let sample = try await archive.search(SearchRequest(query: nil, order: .newest, limit: 1000))
        var before: [String: Int] = [:]
        var after: [String: Int] = [:]
        for hit in sample.hits.reversed() {
            for alert in current.evaluate(hit.message.message, conversationKind: hit.conversation.kind) { before[alert.rule, default: 0] += 1 }
            for alert in proposed.evaluate(hit.message.message, conversationKind: hit.conversation.kind) { after[alert.rule, default: 0] += 1 }
        }
        let rules = Set(before.keys).union(after.keys).sorted()
        return (sample.hits.count, rules.map { ($0, before[$0] ?? 0, after[$0] ?? 0) })
    }
}
