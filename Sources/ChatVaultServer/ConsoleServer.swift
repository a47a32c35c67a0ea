public import ChatVaultArchive
public import ChatVaultCapture
import ChatVaultCore
public import ChatVaultIngest
import ChatVaultPolicy
import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import Mustache
import NIOCore
public import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// The console and REST API over one vault: `chatvault serve`.
///
/// Every route is an ``Endpoint`` in ``endpoints``; ``router()`` registers each behind the
/// same checks — security headers on every response, the caller's identity from a session
/// cookie or a bearer token, the endpoint's roles, and CSRF on every write made with a
/// cookie — so a route cannot be added without saying who may use it.
public final class ConsoleServer: Sendable {
    public let vault: Vault
    public let archive: any ArchiveBackend
    public let accounts: AccountStore
    public let configuration: ServerConfiguration
    public let ingestor: Ingestor
    public let sources: SourceStore
    let sessions: SessionStore
    let throttle: LoginThrottle
    /// Checks sign-in passwords off the actors, a bounded number at a time.
    let passwords: PasswordVerifier
    let templates: MustacheLibrary
    let logger: Logger
    let verification = VerificationState()
    let peopleCache = PeopleCache()
    /// `chatvault` and the kinds of the vault's configured live sources: ingest tokens may not
    /// write to them (read once: the sources are started with the server).
    let reservedPlatforms: Set<String>
    /// The decision API's batch queue and policy tips (`POST /api/v1/decide`).
    let gateway: GatewayState
    /// The archive notices gateways record (`POST /api/v1/notice`).
    public let notices: NoticeLedger
    /// Gateway tokens' recent calls, for the status page.
    public let gateways = GatewayMonitor()

    public init(vault: Vault, archive: any ArchiveBackend, configuration: ServerConfiguration, logger: Logger) throws {
        self.vault = vault
        self.archive = archive
        self.configuration = configuration
        self.logger = logger
        accounts = try AccountStore(vaultDirectory: vault.directory, bcryptCost: UInt8(clamping: configuration.bcryptCost))
        ingestor = try Ingestor.forVault(vault, archive: archive, actor: "ingest-api")
        sources = SourceStore(vault: vault)
        sessions = SessionStore(idleTimeout: configuration.sessionIdleMinutes * 60)
        throttle = LoginThrottle()
        passwords = PasswordVerifier(
            workers: configuration.signInWorkers, capacity: configuration.signInQueue, cost: UInt8(clamping: configuration.bcryptCost))
        let sources = (try? CaptureConfiguration.load(vaultDirectory: vault.directory).sources) ?? []
        reservedPlatforms = Set(["chatvault"] + sources.map { $0.kind.lowercased() })
        templates = try Templates.library()
        gateway = GatewayState(ingestor: ingestor, vault: vault)
        notices = try NoticeLedger(vault: vault, archive: archive, configuration: try NoticeConfiguration.load(vaultDirectory: vault.directory))
    }

    /// Every route, in the order the OpenAPI document lists them.
    public var endpoints: [Endpoint] {
        authEndpoints + tokenApprovalEndpoints + searchEndpoints + reviewEndpoints + reportEndpoints + caseEndpoints + integrityEndpoints
            + adminEndpoints
            + ingestEndpoints + gatewayEndpoints + noticeEndpoints + noticeReportEndpoints + gatewayStatusEndpoints
            + metaEndpoints
    }

    public func router() -> Router<ConsoleContext> {
        let router = Router(context: ConsoleContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: Authentication(server: self))
        for endpoint in endpoints {
            router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
                try await self.handle(endpoint, request, context)
            }
        }
        return router
    }

    /// The application, listening where the configuration says.
    public func application(services: [any Service] = []) -> some ApplicationProtocol {
        Application(
            router: router(), configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ChatVault"),
            services: services, logger: logger)
    }

    func handle(_ endpoint: Endpoint, _ request: Request, _ context: ConsoleContext) async throws -> Response {
        guard context.principal?.role == .gateway else { return try await respond(endpoint, request, context) }
        // A gateway module says how it fails (X-ChatVault-Fail-Mode); its calls feed the status page.
        var response: Response
        do {
            _ = try Self.reportedFailMode(request)
            response = try await respond(endpoint, request, context)
        } catch let error as ConsoleError {
            response = errorResponse(error, endpoint: endpoint, context: context)
        }
        await recordGatewayCall(endpoint, request, context, status: Int(response.status.code))
        return response
    }

    func respond(_ endpoint: Endpoint, _ request: Request, _ context: ConsoleContext) async throws -> Response {
        do {
            if !endpoint.isPublic {
                guard let principal = context.principal else {
                    if endpoint.kind == .page { return .redirect(to: "/login?next=" + Self.safeNext(request.uri.path), type: .found) }
                    throw ConsoleError(.unauthorized, "sign in or send an API token (Authorization: Bearer …)")
                }
                guard endpoint.roles.contains(principal.role) else {
                    throw ConsoleError(.forbidden, "the \(principal.role.rawValue) role may not use \(endpoint.method.rawValue) \(endpoint.path)")
                }
            }
            var request = request
            if !endpoint.isPublic, request.method != .get, request.method != .head, context.sessionID != nil {
                request = try await checkCSRF(request, context)
            }
            return try await endpoint.handler(request, context)
        } catch let error as ConsoleError {
            return errorResponse(error, endpoint: endpoint, context: context)
        } catch let error as ArchiveError {
            if !error.code.isAboutTheRequest {
                logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            }
            return errorResponse(ConsoleError(error), endpoint: endpoint, context: context)
        } catch let error as HTTPError {
            return errorResponse(ConsoleError(error.status, error.body ?? error.status.reasonPhrase), endpoint: endpoint, context: context)
        } catch is NIOTooManyBytesError {
            return errorResponse(Self.bodyTooLarge, endpoint: endpoint, context: context)
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return errorResponse(
                ConsoleError(.internalServerError, "the server could not complete the request"), endpoint: endpoint, context: context)
        }
    }

    /// Writes with a session cookie must carry the session's CSRF token, as a form field
    /// (`csrf`) or a header (`X-CSRF-Token`), and come from this origin if they say where from.
    /// Returns the request with its body buffered when the token was read from a form.
    func checkCSRF(_ request: Request, _ context: ConsoleContext) async throws -> Request {
        if let origin = request.headers[.origin], let host = request.head.authority, !origin.hasSuffix("://" + host) {
            throw ConsoleError(.forbidden, "cross-origin request refused")
        }
        guard let expected = context.csrf else { throw ConsoleError(.forbidden, "missing CSRF token") }
        if let header = request.headers[HTTPField.Name("X-CSRF-Token")!] {
            guard constantTimeEqual(header, expected) else { throw ConsoleError(.forbidden, "wrong CSRF token") }
            return request
        }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            throw ConsoleError(.forbidden, "missing CSRF token (X-CSRF-Token header)")
        }
        var request = request
        let body = try await request.body.collect(upTo: Self.maxFormBytes)
        let form = Form(String(buffer: body))
        guard let token = form["csrf"], constantTimeEqual(token, expected) else {
            throw ConsoleError(.forbidden, "the form has expired or did not come from this console; reload the page and try again")
        }
        request.body = .init(buffer: body)
        return request
    }

    /// A body past its route's limit: 413, whichever route kind read it.
    static let bodyTooLarge = ConsoleError(.contentTooLarge, "the request body is too large")

    func errorResponse(_ error: ConsoleError, endpoint: Endpoint, context: ConsoleContext) -> Response {
        if endpoint.kind == .page {
            let html =
                templates.render(
                    page(context, title: "Error", extra: ["status": Int(error.status.code), "message": error.message]), withTemplate: "error") ?? ""
            return Self.html(html, status: error.status)
        }
        return Self.json(.object([("error", .string(error.message)), ("status", .int(Int64(error.status.code)))]), status: error.status)
    }

    /// Records an access in the audit trail before anything is shown: if the record cannot
    /// be written, the caller gets an error and no content.
    func audit(_ action: String, _ context: ConsoleContext, _ detail: [(String, JSONValue)]) async throws {
        guard let principal = context.principal else { throw ConsoleError(.unauthorized, "no user") }
        var fields = detail
        fields.append(("role", .string(principal.role.rawValue)))
        fields.append(("via", .string(principal.token == nil ? "console" : "api-token:" + (principal.token ?? ""))))
        fields.append(("address", .string(context.remoteAddress)))
        do {
            try await archive.recordAudit(action: action, actor: principal.name, detail: .object(fields))
        } catch {
            logger.error("audit write failed", metadata: ["action": "\(action)", "error": "\(error)"])
            throw ConsoleError(.serviceUnavailable, "the access could not be recorded in the audit trail, so it was not performed")
        }
    }

    static func safeNext(_ path: String) -> String {
        // Only local paths: never redirect elsewhere after login.
        guard path.hasPrefix("/"), !path.hasPrefix("//"), path.count < 512 else { return "/" }
        return path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_."))) ?? "/"
    }
}

/// The last verification started from the console.
actor VerificationState {
    struct Run: Sendable {
        var startedBy: String
        var startedAt: Timestamp
        var finishedAt: Timestamp?
        var report: VerificationReport?
        var error: String?
    }

    var last: Run?
    var running = false

    func start(by user: String) -> Bool {
        if running { return false }
        running = true
        last = Run(startedBy: user, startedAt: .now())
        return true
    }

    func finish(report: VerificationReport?, error: String?) {
        running = false
        last?.finishedAt = .now()
        last?.report = report
        last?.error = error
    }
}

/// Headers on every response: a strict Content-Security-Policy (no inline script or style,
/// nothing from elsewhere), no framing, no sniffing, no referrer to other sites, no caching.
///
/// The referrer policy is `same-origin`, not `no-referrer`: under `no-referrer` browsers send
/// `Origin: null` on the console's own form posts, which ``ConsoleServer/checkCSRF(_:_:)``
/// refuses as cross-origin (signing out, review actions and every other form failed in Chromium).
struct SecurityHeaders: RouterMiddleware {
    typealias Context = ConsoleContext

    static let policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            let body = JSONValue.object([("error", .string(error.body ?? error.status.reasonPhrase)), ("status", .int(Int64(error.status.code)))])
            response = ConsoleServer.json(body, status: error.status)
        } catch is NIOTooManyBytesError {
            let body = JSONValue.object([("error", .string(ConsoleServer.bodyTooLarge.message)), ("status", .int(413))])
            response = ConsoleServer.json(body, status: .contentTooLarge)
        }
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Finds who is asking: a bearer token, or a session cookie (with its CSRF token).
struct Authentication: RouterMiddleware {
    typealias Context = ConsoleContext
    let server: ConsoleServer

    func handle(_ request: Request, context: ConsoleContext, next: (Request, ConsoleContext) async throws -> Response) async throws -> Response {
        var context = context
        context.remoteAddress = ClientAddress.resolve(
            peer: context.remoteAddress, forwardedFor: request.headers[values: HTTPField.Name("X-Forwarded-For")!],
            trusted: server.configuration.trustedProxies)
        if let authorization = request.headers[.authorization] {
            guard authorization.hasPrefix("Bearer "), let token = await server.accounts.token(secret: String(authorization.dropFirst(7))) else {
                return ConsoleServer.json(.object([("error", .string("invalid API token")), ("status", .int(401))]), status: .unauthorized)
            }
            guard token.isUsable else {
                let message = "this API token waits for an officer's approval (POST /api/v1/tokens/\(token.name)/approve)"
                return ConsoleServer.json(.object([("error", .string(message)), ("status", .int(401))]), status: .unauthorized)
            }
            context.principal = Principal(name: "token:" + token.name, role: token.role, groups: [], token: token.name, source: token.source)
        } else if let id = request.cookies[ConsoleServer.sessionCookie]?.value, let session = await server.sessions.session(id) {
            // Accounts can be disabled or changed while signed in: the stored account decides.
            // Groups too: a reviewer moved to other groups sees the new scope on the next request.
            // A password changed anywhere (console or CLI) raises the epoch and ends the session.
            if let account = await server.accounts.user(named: session.principal.name), !account.disabled, account.role == session.principal.role,
                account.epoch == session.epoch
            {
                context.principal = session.principal
                context.principal?.groups = account.groups
                context.sessionID = id
                context.csrf = session.csrf
            } else {
                await server.sessions.end(id)
            }
        }
        return try await next(request, context)
    }
}

/// The client's address: the connection's, or, when the connection comes from a configured
/// trusted proxy, the nearest address in `X-Forwarded-For` that is not itself a trusted proxy.
/// A client cannot choose its address by sending the header itself.
enum ClientAddress {
    static func resolve(peer: String, forwardedFor: [String], trusted: [String]) -> String {
        guard !trusted.isEmpty, trusted.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            // Only a well-formed address; anything else is the proxy's problem, not an identity.
            // A port some proxies add (`203.0.113.9:5555`, `[2001:db8::1]:443`) is dropped, or
            // every connection would count as a fresh address.
            guard let address = address(hop) else { return peer }
            if trusted.contains(address) { continue }
            return address
        }
        return peer
    }

    /// `hop` as a bare IPv4 or IPv6 address without port or brackets; `nil` when it is none.
    static func address(_ hop: String) -> String? {
        var text = Substring(hop)
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            text = text[text.index(after: text.startIndex)..<close]
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = text[..<colon]
        }
        let candidate = String(text)
        var buffer = [UInt8](repeating: 0, count: 16)
        guard candidate.count <= 45, inet_pton(AF_INET, candidate, &buffer) == 1 || inet_pton(AF_INET6, candidate, &buffer) == 1 else {
            return nil
        }
        return candidate
    }
}
