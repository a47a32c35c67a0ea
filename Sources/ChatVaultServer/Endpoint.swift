public import ChatVaultCore
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// The per-request state: who is asking, from where, and the session's CSRF token.
public struct ConsoleContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    var sessionID: String?
    var csrf: String?
    public var remoteAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The request body limit for decoding (the ingest route reads its own, larger, bound).
    public var maxUploadSize: Int { 1 << 20 }
}

/// One route of the console or API, with the roles allowed to use it.
///
/// Authorization is declared here and nowhere else: ``ConsoleServer`` registers each
/// endpoint behind a check of ``roles``, so a route without roles is reachable only when
/// it is explicitly ``isPublic`` (the login page, static assets, the OpenAPI document).
public struct Endpoint: Sendable {
    public enum Kind: Sendable {
        /// An HTML page or form target: session cookie, CSRF on anything but GET.
        case page
        /// JSON under /api/v1: session cookie (with CSRF header on writes) or bearer token.
        case api
    }

    public struct Parameter: Sendable {
        public var name: String
        public var location: String  // "query" or "path"
        public var type: String  // "string", "integer", "boolean"
        public var required: Bool
        public var description: String
        /// Constraints the handler enforces, as OpenAPI schema fields (`minimum`, `enum`, `format`, …).
        public var constraints: [(String, JSONValue)] = []
    }

    public typealias Handler = @Sendable (Request, ConsoleContext) async throws -> Response

    public var method: HTTPRequest.Method
    /// An OpenAPI-style path, e.g. `/api/v1/conversations/{id}`.
    public var path: String
    public var roles: Set<Role>
    public var isPublic: Bool
    public var kind: Kind
    public var summary: String
    public var parameters: [Parameter]
    /// For API writes: the JSON request body's schema name in the OpenAPI document.
    public var requestSchema: String?
    /// The JSON response schema name in the OpenAPI document.
    public var responseSchema: String?
    var handler: Handler

    init(
        _ method: HTTPRequest.Method, _ path: String, roles: Set<Role>, kind: Kind, summary: String, isPublic: Bool = false,
        parameters: [Parameter] = [], request: String? = nil, response: String? = nil, handler: @escaping Handler
    ) {
        self.method = method
        self.path = path
        self.roles = roles
        self.isPublic = isPublic
        self.kind = kind
        self.summary = summary
        self.parameters = parameters
        self.requestSchema = request
        self.responseSchema = response
        self.handler = handler
    }
}

extension Endpoint.Parameter {
    static func query(_ name: String, _ type: String = "string", _ description: String, _ constraints: [(String, JSONValue)] = [])
        -> Endpoint.Parameter
    {
        Endpoint.Parameter(name: name, location: "query", type: type, required: false, description: description, constraints: constraints)
    }

    /// An integer the handler accepts only in `range`.
    static func range(_ range: ClosedRange<Int>) -> [(String, JSONValue)] {
        [("minimum", .int(range.lowerBound)), ("maximum", .int(range.upperBound))]
    }

    /// A string the handler accepts only from `values`.
    static func oneOf(_ values: [String]) -> [(String, JSONValue)] { [("enum", .array(values.map(JSONValue.string)))] }

    static let date: [(String, JSONValue)] = [("format", .string("date"))]

    static func path(_ name: String, _ description: String) -> Endpoint.Parameter {
        Endpoint.Parameter(name: name, location: "path", type: "integer", required: true, description: description)
    }
}

/// An error with a status and a message meant for the person or program that asked.
public struct ConsoleError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var message: String

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
}
