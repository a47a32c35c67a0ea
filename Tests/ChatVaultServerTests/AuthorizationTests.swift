import ChatVaultArchive
import ChatVaultCore
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

@Suite(.serialized) struct AuthorizationTests {
    /// Every route × every role (and nobody): allowed exactly when the route lists the role.
    @Test func everyRouteChecksEveryRole() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let endpoints = fixture.server.endpoints
        #expect(endpoints.count > 40)
        try await fixture.run { client in
            for endpoint in endpoints {
                let uri =
                    endpoint.path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{name}", with: "volume")
                    .replacingOccurrences(of: "{sha256}", with: String(repeating: "ab", count: 32))
                    + (endpoint.path.hasSuffix("search") ? "?q=guaranteed" : "")
                for role in [nil] + Role.allCases {
                    let headers = role.map { fixture.bearer($0) } ?? [:]
                    let response = try await client.execute(uri: uri, method: endpoint.method, headers: headers, body: ByteBuffer(string: "{}"))
                    let label = "\(endpoint.method.rawValue) \(uri) as \(role?.rawValue ?? "nobody"): \(response.status.code)"
                    if endpoint.isPublic {
                        #expect(response.status != .forbidden && response.status != .unauthorized || endpoint.path.contains("login"), "\(label)")
                    } else if let role, endpoint.roles.contains(role) {
                        #expect(response.status != .forbidden && response.status != .unauthorized, "\(label)")
                    } else if let role {
                        #expect(response.status == .forbidden, "\(label) \(role)")
                    } else if endpoint.kind == .page {
                        #expect(response.status == .found && response.headers[.location]?.hasPrefix("/login") == true, "\(label)")
                    } else {
                        #expect(response.status == .unauthorized, "\(label)")
                    }
                    #expect(response.status.code < 500, "\(label)")
                }
            }
        }
    }

    /// The separation of duties written out independently of the route table.
    @Test func keyDecisionsMatchTheRoleDescriptions() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let expectations: [(HTTPRequest.Method, String, Set<Role>)] = [
            (.get, "/api/v1/search?q=guaranteed", [.officer, .auditor]),
            (.get, "/api/v1/conversations/1", [.officer, .auditor]),
            (.get, "/api/v1/alerts", [.officer, .auditor, .reviewer]),
            (.post, "/api/v1/alerts/1/actions", [.officer, .reviewer]),
            (.get, "/api/v1/audit", [.officer, .auditor]),
            (.get, "/api/v1/users", [.admin]),
            (.post, "/api/v1/tokens", [.admin]),
            (.get, "/api/v1/integrity", [.officer, .auditor, .admin]),
            // A backtest reads archive content (how often words occur): officers only.
            (.post, "/api/v1/policy/backtest", [.officer]),
            (.post, "/api/v1/ingest", [.ingest]),
            (.get, "/reports/volume/csv", [.officer, .auditor]),
        ]
        try await fixture.run { client in
            for (method, uri, allowed) in expectations {
                for role in Role.allCases {
                    let response = try await client.execute(uri: uri, method: method, headers: fixture.bearer(role), body: ByteBuffer(string: "{}"))
                    let denied = response.status == .forbidden
                    #expect(denied == !allowed.contains(role), "\(method) \(uri) as \(role): \(response.status.code)")
                }
            }
        }
    }

    @Test func reviewersSeeOnlyTheirGroupsAlerts() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let all = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: fixture.bearer(.officer)).json
            let reviewer = try #require(try await Session.signIn(client, user: "reviewer")).headers(csrf: false)
            let mine = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: reviewer).json
            // A reviewer token has no groups, so it sees no alerts at all.
            let token = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: fixture.bearer(.reviewer)).json
            #expect(token?["total"]?.scalarText == "0")
            #expect(all?["total"]?.scalarText == "2")
            #expect(mine?["total"]?.scalarText == "1")
            let ids = all?["alerts"]?.arrayValue?.compactMap { $0["id"]?.scalarText } ?? []
            let visible = Set(mine?["alerts"]?.arrayValue?.compactMap { $0["id"]?.scalarText } ?? [])
            for id in ids {
                let response = try await client.execute(uri: "/api/v1/alerts/\(id)", method: .get, headers: reviewer)
                #expect(response.status == (visible.contains(id) ? .ok : .notFound), "alert \(id)")
            }
            // Moved to research while signed in: the next request has the new scope.
            try await fixture.server.accounts.setUser(name: "reviewer", role: .reviewer, password: nil, groups: ["research"])
            let moved = try await client.execute(uri: "/api/v1/alerts", method: .get, headers: reviewer).json
            let now = Set(moved?["alerts"]?.arrayValue?.compactMap { $0["id"]?.scalarText } ?? [])
            #expect(now.count == 1 && now.isDisjoint(with: visible))
        }
    }
}

@Suite(.serialized) struct SessionTests {
    @Test func cookieIsHttpOnlySameSiteAndSecureOnlyBehindTLS() async throws {
        let plain = try await ServerFixture()
        defer { plain.remove() }
        try await plain.run { client in
            let body = ByteBuffer(string: #"{"user":"officer","password":"\#(ServerFixture.password)"}"#)
            let response = try await client.execute(uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"], body: body)
            let cookie = response.headers[.setCookie] ?? ""
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
        }
        let tls = try await ServerFixture { $0.secureCookies = true }
        defer { tls.remove() }
        try await tls.run { client in
            let body = ByteBuffer(string: #"{"user":"officer","password":"\#(ServerFixture.password)"}"#)
            let response = try await client.execute(uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"], body: body)
            #expect(response.headers[.setCookie]?.contains("Secure") == true)
        }
    }

    @Test func writesWithACookieNeedTheCSRFToken() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let session = try #require(try await Session.signIn(client, user: "officer"))
            let comment = ByteBuffer(string: #"{"action":"comment","comment":"looking"}"#)
            let missing = try await client.execute(
                uri: "/api/v1/alerts/1/actions", method: .post, headers: session.headers(csrf: false), body: comment)
            #expect(missing.status == .forbidden)
            var wrong = session
            wrong.csrf = String(repeating: "0", count: 64)
            let forged = try await client.execute(uri: "/api/v1/alerts/1/actions", method: .post, headers: wrong.headers(), body: comment)
            #expect(forged.status == .forbidden)
            var crossOrigin = session.headers()
            crossOrigin[.origin] = "https://evil.example"
            let cross = try await client.execute(uri: "/api/v1/alerts/1/actions", method: .post, headers: crossOrigin, body: comment)
            #expect(cross.status == .forbidden)
            // A form post without the hidden field is refused too.
            var form = session.headers(csrf: false, json: false)
            form[.contentType] = "application/x-www-form-urlencoded"
            let formPost = try await client.execute(
                uri: "/alerts/1/actions", method: .post, headers: form, body: ByteBuffer(string: "action=comment&comment=x"))
            #expect(formPost.status == .forbidden)
            let withToken = try await client.execute(
                uri: "/alerts/1/actions", method: .post, headers: form, body: ByteBuffer(string: "action=comment&comment=ok&csrf=\(session.csrf)"))
            #expect(withToken.status == .seeOther)
            let good = try await client.execute(uri: "/api/v1/alerts/1/actions", method: .post, headers: session.headers(), body: comment)
            #expect(good.status == .ok)
            let history = good.json?["history"]?.arrayValue ?? []
            #expect(history.count == 2 && history.allSatisfy { $0["actor"]?.stringValue == "officer" })
        }
    }

    @Test func signOutEndsTheSessionAndFailedSignInsAreThrottled() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let session = try #require(try await Session.signIn(client, user: "auditor"))
            let before = try await client.execute(uri: "/api/v1/me", method: .get, headers: session.headers(csrf: false))
            #expect(before.json?["role"]?.stringValue == "auditor")
            var form = session.headers(csrf: false, json: false)
            form[.contentType] = "application/x-www-form-urlencoded"
            _ = try await client.execute(uri: "/logout", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(session.csrf)"))
            let after = try await client.execute(uri: "/api/v1/me", method: .get, headers: session.headers(csrf: false))
            #expect(after.status == .unauthorized)

            for _ in 0..<5 { #expect(try await Session.signIn(client, user: "officer", password: "wrong password!") == nil) }
            // Even the right password is refused while the name is throttled.
            let body = ByteBuffer(string: #"{"user":"officer","password":"\#(ServerFixture.password)"}"#)
            let throttled = try await client.execute(uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"], body: body)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] != nil)
        }
        let trail = try await fixture.archive.auditTrail(limit: 100).map(\.action)
        #expect(trail.contains("console.login.failed") && trail.contains("console.login.throttled") && trail.contains("console.logout"))
    }
}

@Suite(.serialized) struct AccessTrailTests {
    @Test func searchesAndOpenedConversationsAreRecordedWithTheUser() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let session = try #require(try await Session.signIn(client, user: "officer"))
            let search = try await client.execute(uri: "/api/v1/search?q=guaranteed", method: .get, headers: session.headers(csrf: false))
            #expect(search.json?["total"]?.scalarText == "2")
            let open = try await client.execute(uri: "/conversations/1", method: .get, headers: session.headers(csrf: false))
            #expect(open.status == .ok)
        }
        let events = try await fixture.archive.auditTrail(actor: "officer", actionPrefix: "console.", beforeID: nil, limit: 10)
        let search = try #require(events.first { $0.action == "console.search" })
        #expect(search.detail["q"]?.stringValue == "guaranteed")
        #expect(events.contains { $0.action == "console.conversation.open" && $0.detail["conversation_id"]?.scalarText == "1" })
        #expect(try await fixture.archive.verify().isIntact)
    }

    /// If the access cannot be written to the audit trail, nothing is shown.
    @Test func aFailedAuditWriteFailsTheAction() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let database = try DatabaseQueue(path: fixture.vault.databasePath)
        try await fixture.run { client in
            try await database.write { db in
                try db.execute(
                    sql:
                        "CREATE TRIGGER no_audit BEFORE INSERT ON audit_events WHEN NEW.action = 'console.search' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                )
            }
            let response = try await client.execute(uri: "/api/v1/search?q=guaranteed", method: .get, headers: fixture.bearer(.officer))
            #expect(response.status == .serviceUnavailable)
            #expect(!response.text.contains("guaranteed upside"))
            let page = try await client.execute(uri: "/search?q=guaranteed", method: .get, headers: fixture.bearer(.officer))
            #expect(page.status == .serviceUnavailable && !page.text.contains("guaranteed upside"))
        }
        try await database.write { db in try db.execute(sql: "DROP TRIGGER no_audit") }
    }
}

@Suite struct RenderingTests {
    @Test func hostileBodiesAreEscapedAndRedactionsMarked() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let page = try await client.execute(uri: "/conversations/1", method: .get, headers: fixture.bearer(.officer))
            #expect(page.status == .ok)
            #expect(page.text.contains("&lt;script&gt;window.__pwned=1&lt;/script&gt;"))
            #expect(!page.text.contains("<script>window"))
            #expect(!page.text.contains("<img src=x"))
            #expect(page.text.contains("class=\"redacted\" title=\"redacted CREDIT_CARD\"") || page.text.contains("class=\"redacted\""))
            #expect(!page.text.contains("4111 1111 1111 1111"))
            #expect(page.text.contains("<mark class=\"hit\">guaranteed</mark>"))
        }
    }

    @Test func noTemplateInsertsUnescapedText() {
        for (name, template) in Templates.all {
            #expect(!template.contains("{{{") && !template.contains("{{&"), "template \(name)")
        }
    }

    @Test func csvCellsCannotRunAsFormulas() {
        #expect(ConsoleServer.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(ConsoleServer.csvField("+1") == "'+1")
        #expect(ConsoleServer.csvField("plain") == "plain")
    }

    @Test func openAPIDescribesEveryAPIRouteAndNothingElse() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let document = try #require(try await client.execute(uri: "/api/v1/openapi.json", method: .get).json)
            guard case .object(let paths) = document["paths"] else {
                Issue.record("no paths")
                return
            }
            var described = Set<String>()
            for (path, operations) in paths {
                guard case .object(let methods) = operations else { continue }
                for (method, _) in methods { described.insert(method.uppercased() + " " + path) }
            }
            let served = Set(fixture.server.endpoints.filter { $0.kind == .api }.map { $0.method.rawValue + " " + $0.path })
            #expect(described == served)
            #expect(served.contains("POST /api/v1/ingest"))
        }
    }
}
