import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import ChatVaultServer

/// A vault with a policy, a directory, a few conversations (one alert-raising message, one
/// hostile body), an account per role and an API token per role, served on a free port.
struct ServerFixture {
    static let password = "correct horse battery"
    let directory: URL
    let vault: Vault
    let archive: any ArchiveBackend
    let server: ConsoleServer
    var tokens: [Role: String] = [:]

    init(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-server-\(UUID().uuidString)")
        vault = try Vault.create(at: directory, internalDomains: ["bank.example"])
        try """
        version: 1
        company_domains: [bank.example]
        lexicons:
          guarantees: ["guarant*"]
        rules:
          - name: guarantees
            severity: high
            match: "@guarantees"
        walls:
          - { name: research-trading, between: [research, trading], severity: critical }

        """.write(to: vault.policyURL, atomically: true, encoding: .utf8)
        try """
        [{"employee_id": "E1", "name": "Tom Trader", "emails": ["tom@bank.example"], "handles": {}, "groups": ["trading"]},
         {"employee_id": "E2", "name": "Rita Research", "emails": ["rita@bank.example"], "handles": {}, "groups": ["research"]},
         {"employee_id": "E3", "name": "Sam Sales", "emails": ["sam@bank.example"], "handles": {}, "groups": ["sales"]}]
        """.write(to: directory.appendingPathComponent("directory.json"), atomically: true, encoding: .utf8)
        archive = try vault.openArchive()
        let ingestor = try Ingestor.forVault(vault, archive: archive, actor: "fixture")
        let report = try await ingestor.ingest(
            [
                Self.message("t1", conversation: "desk", from: "tom@bank.example", to: "client@other.example", "the return is guaranteed", minute: 0),
                Self.message(
                    "t2", conversation: "desk", from: "client@other.example", to: "tom@bank.example", "card 4111 1111 1111 1111 thanks", minute: 1),
                Self.message("r1", conversation: "research", from: "rita@bank.example", to: "sam@bank.example", "guaranteed upside here", minute: 2),
                Self.message(
                    "x1", conversation: "desk", from: "client@other.example", to: "tom@bank.example",
                    "<script>window.__pwned=1</script><img src=x onerror=alert(1)>", minute: 3),
            ], source: "fixture")
        precondition(report.stored == 4 && report.alerts == 2, "fixture: \(report)")
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.bcryptCost = 4
        // The ingest tests send fixed dates; the window around now is tested on its own (IngestScopeTests).
        configuration.maxBackdateDays = 36_500
        configure(&configuration)
        server = try ConsoleServer(vault: vault, archive: archive, configuration: configuration, logger: Logger(label: "test"))
        for role in Role.people {
            try await server.accounts.setUser(name: role.rawValue, role: role, password: Self.password, groups: role == .reviewer ? ["trading"] : [])
        }
        for role in Role.allCases {
            tokens[role] = try await server.accounts.createToken(
                name: "t-\(role.rawValue)", role: role, source: "relay", createdBy: "test", platforms: role == .ingest ? ["webchat"] : nil)
        }
    }

    static func message(_ id: String, conversation: String, from: String, to: String, _ text: String, minute: Int) -> IncomingMessage {
        IncomingMessage(
            message: Message(
                platform: "slack", conversation: conversation, sourceID: id, sender: Handle(id: from), recipients: [Handle(id: to)],
                sentAt: Timestamp(iso8601: String(format: "2026-11-20T10:%02d:00Z", minute))!, text: text),
            conversationName: "#" + conversation, origin: "fixture")
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// Runs `test` against the live server.
    func run<Value: Sendable>(_ test: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await server.application().test(.live, test)
    }

    func bearer(_ role: Role) -> HTTPFields {
        [.authorization: "Bearer " + tokens[role]!]
    }
}

/// A browser-like session: the cookie and CSRF token from signing in through the API.
struct Session {
    var cookie: String
    var csrf: String

    static func signIn(_ client: any TestClientProtocol, user: String, password: String = ServerFixture.password) async throws -> Session? {
        let body = ByteBuffer(string: #"{"user":"\#(user)","password":"\#(password)"}"#)
        let response = try await client.execute(uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"], body: body)
        guard response.status == .ok, let setCookie = response.headers[.setCookie],
            let json = try? JSONParser().parse(String(buffer: response.body)), let csrf = json["csrf"]?.stringValue
        else { return nil }
        return Session(cookie: String(setCookie.split(separator: ";")[0]), csrf: csrf)
    }

    func headers(csrf: Bool = true, json: Bool = true) -> HTTPFields {
        var fields: HTTPFields = [.cookie: cookie]
        if csrf { fields[HTTPField.Name("X-CSRF-Token")!] = self.csrf }
        if json { fields[.contentType] = "application/json" }
        return fields
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var json: JSONValue? { try? JSONParser().parse(text) }
}
