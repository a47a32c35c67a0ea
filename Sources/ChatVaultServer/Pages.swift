import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore

extension ConsoleServer {
    /// The navigation each role sees: only what it may open.
    static func navigation(for role: Role) -> [(href: String, label: String)] {
        switch role {
        case .officer:
            [
                ("/search", "Search"), ("/alerts", "Review"), ("/reports", "Reports"), ("/cases", "Holds & exports"), ("/integrity", "Integrity"),
                ("/audit", "Access trail"),
                ("/admin/policy", "Policy"), ("/admin/sources", "Sources"), ("/admin/gateways", "Gateways"),
            ]
        case .auditor:
            [
                ("/search", "Search"), ("/alerts", "Review"), ("/reports", "Reports"), ("/cases", "Holds & exports"), ("/integrity", "Integrity"),
                ("/audit", "Access trail"),
                ("/admin/policy", "Policy"), ("/admin/sources", "Sources"),
            ]
        case .reviewer: [("/alerts", "Review")]
        case .admin:
            [
                ("/admin/users", "Users"), ("/admin/policy", "Policy"), ("/admin/sources", "Sources"), ("/admin/gateways", "Gateways"),
                ("/integrity", "Integrity"),
            ]
        case .ingest, .gateway: []
        }
    }

    /// The values every page has: title, user, navigation, CSRF token.
    func page(_ context: ConsoleContext, title: String, active: String? = nil, extra: [String: Any] = [:]) -> [String: Any] {
        var values: [String: Any] = ["title": title]
        if let principal = context.principal {
            values["user"] = principal.name
            values["role"] = principal.role.rawValue
            values["csrf"] = context.csrf ?? ""
            values["nav"] = Self.navigation(for: principal.role).map { item -> [String: Any] in
                ["href": item.href, "label": item.label, "active": item.href == active]
            }
        }
        for (key, value) in extra { values[key] = value }
        return values
    }

    func render(_ template: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) -> Response {
        Self.html(templates.render(values, withTemplate: template) ?? "", status: status)
    }

    /// Where a role lands after signing in.
    static func home(for role: Role) -> String {
        switch role {
        case .officer, .auditor: "/search"
        case .reviewer: "/alerts"
        case .admin: "/admin/users"
        case .ingest, .gateway: "/api/v1/me"
        }
    }

    var authEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/", roles: Set(Role.people), kind: .page, summary: "Home: redirects to the role's first page") { _, context in
                Self.seeOther(Self.home(for: context.principal!.role))
            },
            Endpoint(.get, "/login", roles: [], kind: .page, summary: "Sign-in form", isPublic: true) { request, context in
                self.render("login", self.page(context, title: "Sign in", extra: ["next": request.query("next") ?? "/"]))
            },
            Endpoint(.post, "/login", roles: [], kind: .page, summary: "Sign in", isPublic: true) { request, context in
                try await self.login(request, context)
            },
            Endpoint(.post, "/logout", roles: Set(Role.people), kind: .page, summary: "Sign out") { _, context in
                if let id = context.sessionID { await self.sessions.end(id) }
                try? await self.audit("console.logout", context, [])
                var response = Self.seeOther("/login")
                response.setCookie(self.cookie(value: "", maxAge: 0))
                return response
            },
            Endpoint(
                .get, "/api/v1/me", roles: Set(Role.allCases), kind: .api, summary: "Who the caller is", response: "Me"
            ) { _, context in
                let p = context.principal!
                return Self.json(
                    .object([
                        ("name", .string(p.name)), ("role", .string(p.role.rawValue)), ("groups", .array(p.groups.map(JSONValue.string))),
                        ("csrf", context.csrf.map(JSONValue.string) ?? .null),
                    ]))
            },
            Endpoint(
                .post, "/api/v1/login", roles: [], kind: .api, summary: "Sign in for a browser session", isPublic: true, request: "Login",
                response: "Me"
            ) {
                request, context in
                try await self.login(request, context)
            },
        ]
    }

    func cookie(value: String, maxAge: Int?) -> Cookie {
        Cookie(
            name: Self.sessionCookie, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }

    /// Signs in with a name and password (a form, or JSON under /api/v1).
    ///
    /// In order: the request must come from this console (login CSRF: a foreign `Origin` or
    /// `Sec-Fetch-Site: cross-site` is refused); the attempt is counted by the throttle before
    /// the password is looked at; the password is checked on the bounded ``PasswordVerifier``
    /// pool (503 with Retry-After when it is full); refusals reach the audit trail once per
    /// account, address and window, under the fixed actor `anonymous`, never under typed input.
    func login(_ request: Request, _ context: ConsoleContext) async throws -> Response {
        let isAPI = request.uri.path.hasPrefix("/api/")
        try Self.requireSameOrigin(request)
        let name: String
        let password: String
        var next = "/"
        if isAPI {
            let body = try await Self.jsonBody(request, limit: 16 << 10)
            guard let user = body["user"]?.stringValue, let secret = body["password"]?.stringValue else {
                throw ConsoleError(.badRequest, "send {\"user\": …, \"password\": …}")
            }
            name = user
            password = secret
        } else {
            let form = try await Self.form(request, limit: 16 << 10)
            name = form["user"] ?? ""
            password = form["password"] ?? ""
            next = form["next"] ?? "/"
        }
        func refuse(_ status: HTTPResponse.Status, _ message: String, retryAfter: Int?) -> Response {
            var response: Response
            if isAPI {
                response = Self.json(.object([("error", .string(message)), ("status", .int(Int64(status.code)))]), status: status)
            } else {
                response = render("login", page(context, title: "Sign in", extra: ["failure": message, "next": next]), status: status)
            }
            if let retryAfter { response.headers[.retryAfter] = String(retryAfter) }
            return response
        }
        let key = Identity.normalised(String(name.prefix(128)))
        let address = context.remoteAddress
        let ticket: LoginThrottle.Ticket
        switch await throttle.begin(account: key, address: address) {
        case .proceed(let counted): ticket = counted
        case .refused(let seconds, let busy):
            if !busy { await recordRefusal("console.login.throttled", name: name, address: address) }
            let message =
                busy
                ? "another sign-in for this account or from this address is in progress; try again in a moment"
                : "too many failed sign-ins; try again in \(seconds / 60 + 1) minutes"
            return refuse(.tooManyRequests, message, retryAfter: seconds)
        }
        let stored = await accounts.credentials(name: name)
        guard let matches = await passwords.verify(password, hash: stored?.passwordHash) else {
            await throttle.finish(ticket, succeeded: false, counted: false)
            return refuse(.serviceUnavailable, "the server is busy checking other sign-ins; try again in a moment", retryAfter: 2)
        }
        guard matches, let account = stored, !account.disabled else {
            await throttle.finish(ticket, succeeded: false)
            await recordRefusal("console.login.failed", name: name, address: address)
            return refuse(.unauthorized, isAPI ? "wrong user or password" : "Wrong user or password.", retryAfter: nil)
        }
        await throttle.finish(ticket, succeeded: true)
        let principal = Principal(name: account.name, role: account.role, groups: account.groups, token: nil, source: nil)
        let (id, session) = await sessions.create(for: principal, epoch: account.epoch)
        var signedIn = context
        signedIn.principal = principal
        try await audit("console.login", signedIn, [])
        var response: Response
        if isAPI {
            response = Self.json(
                .object([
                    ("name", .string(account.name)), ("role", .string(account.role.rawValue)),
                    ("groups", .array(account.groups.map(JSONValue.string))), ("csrf", .string(session.csrf)),
                ]))
        } else {
            let target = Self.safeNext(next)
            response = Self.seeOther(target == "/" ? Self.home(for: account.role) : target)
        }
        response.setCookie(cookie(value: id, maxAge: Int(configuration.sessionIdleMinutes * 60) * 24))
        return response
    }

    /// Refuses a request that says it comes from another site (a forged sign-in form).
    static func requireSameOrigin(_ request: Request) throws {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!], site == "cross-site" || site == "same-site" {
            throw ConsoleError(.forbidden, "cross-origin request refused")
        }
        if let origin = request.headers[.origin] {
            guard let host = request.head.authority, origin.hasSuffix("://" + host), !origin.dropFirst().contains("@") else {
                throw ConsoleError(.forbidden, "cross-origin request refused")
            }
        }
    }

    /// Writes a refused sign-in to the audit trail once per account (or "unknown"), address
    /// and window. The actor is always `anonymous`; the typed name is kept only when it is an
    /// existing account's, so neither a mistyped password nor an attacker's text is recorded.
    func recordRefusal(_ action: String, name: String, address: String) async {
        let known = await accounts.credentials(name: name)?.name
        guard await throttle.shouldRecord(action + "\u{0}" + (known ?? "") + "\u{0}" + address) else { return }
        let detail: JSONValue = .object([
            ("account", known.map(JSONValue.string) ?? .string("(unknown)")), ("address", .string(address)),
            ("window_minutes", .int(Int64(throttle.limits.window / 60))),
        ])
        do {
            try await archive.recordAudit(action: action, actor: "anonymous", detail: detail)
        } catch {
            logger.error("audit write failed", metadata: ["action": "\(action)", "error": "\(error)"])
        }
    }

    var metaEndpoints: [Endpoint] {
        [
            Endpoint(.get, "/static/console.css", roles: [], kind: .page, summary: "Style sheet", isPublic: true) { _, _ in
                Self.asset(Assets.css, type: "text/css; charset=utf-8")
            },
            Endpoint(.get, "/static/console.js", roles: [], kind: .page, summary: "Script", isPublic: true) { _, _ in
                Self.asset(Assets.javascript, type: "text/javascript; charset=utf-8")
            },
            Endpoint(.get, "/api/v1/openapi.json", roles: [], kind: .api, summary: "This API's OpenAPI 3 document", isPublic: true) { _, _ in
                Self.json(self.openAPIDocument())
            },
            Endpoint(.get, "/api/v1/health", roles: [], kind: .api, summary: "Liveness", isPublic: true, response: "Health") { _, _ in
                Self.json(.object([("status", .string("ok"))]))
            },
        ]
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=3600"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
