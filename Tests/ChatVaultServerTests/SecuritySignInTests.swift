import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

/// Sign-in hardening (issue 13 items 1–4 and 10), against a real server over TCP.
@Suite(.serialized) struct SecuritySignInTests {
    static let loopback = ["127.0.0.1", "::1", "::ffff:127.0.0.1"]

    /// 40 sign-ins for one account at once (39 wrong, the right one last), each on its own
    /// connection: attempts are counted before the password is checked, so only the pair limit
    /// (5) reaches bcrypt, and once it is reached the right password is refused too.
    @Test func parallelSignInsAreCountedBeforeThePasswordCheck() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let limit = fixture.server.throttle.limits.pair
        try await fixture.run { client in
            let port = try #require(client.port)
            let before = fixture.server.passwords.checks
            let passwords = (0..<39).map { "wrong password \($0)" } + [ServerFixture.password]
            let statuses = try await Parallel.signIns(port: port, passwords.map { ("officer", $0, [:]) })
            let checks = fixture.server.passwords.checks - before
            // A success clears the pair's count (the owner is back), so it may allow one more round.
            #expect(checks <= (statuses.contains(.ok) ? 2 * limit : limit), "password checks: \(checks)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 40 - limit)
            #expect(statuses.filter { $0 == .ok }.count <= 1)
            // Use up the pair's budget if the right one got in early, then the right password is refused.
            for index in 0..<limit { _ = try await Parallel.signIns(port: port, [("officer", "another wrong \(index)", [:])]) }
            let right = try await Parallel.signIns(port: port, [("officer", ServerFixture.password, [:])])
            #expect(right == [.tooManyRequests])
            #expect(fixture.server.passwords.checks - before <= 3 * limit)
        }
    }

    /// A burst of anonymous sign-ins (bcrypt at a real cost) does not hold up a signed-in
    /// person's request or an ingest token's: both answer while the burst is still running,
    /// and what does not fit the bounded pool is answered 503 with Retry-After.
    @Test func signInBurstDoesNotStallOtherRequests() async throws {
        let fixture = try await ServerFixture {
            $0.bcryptCost = 11
            $0.trustedProxies = Self.loopback
            $0.signInWorkers = 1
            $0.signInQueue = 3
        }
        defer { fixture.remove() }
        try await fixture.run { client in
            let port = try #require(client.port)
            let session = try #require(try await Session.signIn(client, user: "officer"))
            let clock = ContinuousClock()
            let start = clock.now
            async let burst: [(HTTPResponse.Status, Duration, String?)] = Parallel.timedSignIns(
                port: port, (0..<24).map { ("nobody\($0)", "some wrong password", [HTTPField.Name("X-Forwarded-For")!: "10.0.0.\($0 + 1)"]) },
                since: start)
            try await Task.sleep(for: .milliseconds(150))
            let me = try await client.execute(uri: "/api/v1/me", method: .get, headers: session.headers(csrf: false))
            let meDone = clock.now - start
            let ingest = try await client.execute(uri: "/api/v1/me", method: .get, headers: fixture.bearer(.ingest))
            let ingestDone = clock.now - start
            let results = try await burst
            #expect(me.status == .ok)
            #expect(ingest.status == .ok)
            let lastBurst = results.map(\.1).max() ?? .zero
            #expect(meDone < lastBurst, "signed-in request answered at \(meDone), burst ended at \(lastBurst)")
            #expect(ingestDone < lastBurst, "token request answered at \(ingestDone), burst ended at \(lastBurst)")
            let busy = results.filter { $0.0 == .serviceUnavailable }
            #expect(!busy.isEmpty)
            #expect(busy.allSatisfy { $0.2 != nil })
            #expect(results.allSatisfy { $0.0 == .serviceUnavailable || $0.0 == .unauthorized })
        }
    }

    /// The decoy hash checked for unknown names has the configured cost, so an unknown name
    /// takes as long as a wrong password for a real one.
    @Test func unknownNamesCostAsMuchAsKnownOnes() async throws {
        let fixture = try await ServerFixture {
            $0.bcryptCost = 10
            $0.trustedProxies = Self.loopback
        }
        defer { fixture.remove() }
        #expect(PasswordHash.cost(of: PasswordHash.decoy(cost: 10)) == 10)
        let stored = try #require(await fixture.server.accounts.credentials(name: "officer"))
        #expect(PasswordHash.cost(of: stored.passwordHash) == 10)
        try await fixture.run { client in
            let port = try #require(client.port)
            var known: [Duration] = []
            var unknown: [Duration] = []
            for round in 0..<4 {
                let address: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "10.1.0.\(round + 1)"]
                let a = try await Parallel.timedSignIns(port: port, [("officer", "a wrong password", address)], since: ContinuousClock().now)
                let b = try await Parallel.timedSignIns(port: port, [("no-such-user", "a wrong password", address)], since: ContinuousClock().now)
                #expect(a[0].0 == .unauthorized && b[0].0 == .unauthorized)
                known.append(a[0].1)
                unknown.append(b[0].1)
            }
            let medianKnown = known.sorted()[2]
            let medianUnknown = unknown.sorted()[2]
            #expect(medianUnknown > medianKnown / 2, "unknown \(medianUnknown) vs known \(medianKnown)")
        }
    }

    /// Refused sign-ins reach the audit trail once per account, address and window, under the
    /// actor `anonymous`; typed text that is not an account never reaches it.
    @Test func refusedSignInsAreAuditedOnceAndNeverUnderTypedNames() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let port = try #require(client.port)
            for index in 0..<8 { _ = try await Parallel.signIns(port: port, [("officer", "wrong password \(index)", [:])]) }
            for index in 0..<3 { _ = try await Parallel.signIns(port: port, [("<b>evil-actor</b>", "wrong password \(index)", [:])]) }
        }
        let events = try await fixture.archive.auditTrail(actor: nil, actionPrefix: "console.login", beforeID: nil, limit: 100)
        #expect(!events.contains { $0.actor.contains("evil") || $0.actor == "officer" })
        #expect(!events.contains { $0.detail.compactText.contains("evil") })
        let failed = events.filter { $0.action == "console.login.failed" }
        let throttled = events.filter { $0.action == "console.login.throttled" }
        #expect(failed.allSatisfy { $0.actor == "anonymous" } && throttled.allSatisfy { $0.actor == "anonymous" })
        #expect(failed.filter { $0.detail["account"]?.stringValue == "officer" }.count == 1)
        #expect(failed.filter { $0.detail["account"]?.stringValue == "(unknown)" }.count == 1)
        #expect(throttled.count == 1)
    }

    /// Lockout is per (account, address) and per address: a guesser cannot lock the owner
    /// out from elsewhere, and `X-Forwarded-For` counts only from a configured proxy.
    @Test func guessingFromOneAddressDoesNotLockTheOwnerOut() async throws {
        let fixture = try await ServerFixture { $0.trustedProxies = Self.loopback }
        defer { fixture.remove() }
        try await fixture.run { client in
            let port = try #require(client.port)
            let attacker: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "203.0.113.9"]
            for index in 0..<6 { _ = try await Parallel.signIns(port: port, [("officer", "guess \(index)", attacker)]) }
            #expect(try await Parallel.signIns(port: port, [("officer", ServerFixture.password, attacker)]) == [.tooManyRequests])
            let owner: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "198.51.100.7"]
            #expect(try await Parallel.signIns(port: port, [("officer", ServerFixture.password, owner)]) == [.ok])
        }
        // Without a trusted proxy the header is ignored: a guesser cannot rotate it to escape.
        let direct = try await ServerFixture()
        defer { direct.remove() }
        try await direct.run { client in
            let port = try #require(client.port)
            for index in 0..<6 {
                let spoofed: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "192.0.2.\(index + 1)"]
                _ = try await Parallel.signIns(port: port, [("officer", "guess \(index)", spoofed)])
            }
            let fresh: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "192.0.2.99"]
            #expect(try await Parallel.signIns(port: port, [("officer", ServerFixture.password, fresh)]) == [.tooManyRequests])
        }
    }

    /// Login CSRF: a sign-in posted from another site is refused, form or JSON.
    @Test func signInFromAForeignOriginIsRefused() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let form = ByteBuffer(string: "user=officer&password=correct+horse+battery&next=%2F")
            let formType: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            var foreign = formType
            foreign[.origin] = "https://evil.example"
            #expect(try await client.execute(uri: "/login", method: .post, headers: foreign, body: form).status == .forbidden)
            var crossSite = formType
            crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            #expect(try await client.execute(uri: "/login", method: .post, headers: crossSite, body: form).status == .forbidden)
            var nullOrigin = formType
            nullOrigin[.origin] = "null"
            #expect(try await client.execute(uri: "/login", method: .post, headers: nullOrigin, body: form).status == .forbidden)
            let json = ByteBuffer(string: #"{"user":"officer","password":"correct horse battery"}"#)
            let jsonForeign: HTTPFields = [.contentType: "application/json", .origin: "https://evil.example"]
            #expect(try await client.execute(uri: "/api/v1/login", method: .post, headers: jsonForeign, body: json).status == .forbidden)
            var same = formType
            same[.origin] = "http://localhost"
            let ok = try await client.execute(uri: "/login", method: .post, headers: same, body: form)
            #expect(ok.status == .seeOther || ok.status == .found)
            #expect(ok.headers[.setCookie] != nil)
        }
    }

    /// bcrypt reads 72 bytes: two long passwords sharing them must not both sign in; hashes
    /// stored before the pre-hash keep working for passwords up to 72 bytes.
    @Test func longPasswordsAreComparedInFull() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let stem = String(repeating: "x", count: 72)
        try await fixture.server.accounts.setUser(name: "longpw", role: .officer, password: stem + "-first")
        try await fixture.run { client in
            let other = try await Session.signIn(client, user: "longpw", password: stem + "-second")
            let right = try await Session.signIn(client, user: "longpw", password: stem + "-first")
            #expect(other == nil)
            #expect(right != nil)
        }
        let legacy = PasswordHash.legacy("legacy password 1", cost: 4)
        #expect(PasswordHash.verify("legacy password 1", hash: legacy))
        #expect(!PasswordHash.verify("legacy password 2", hash: legacy))
        let legacyLong = PasswordHash.legacy(stem + "-first", cost: 4)
        #expect(!PasswordHash.verify(stem + "-second", hash: legacyLong))
        #expect(PasswordHash.verify(stem + "-first", hash: PasswordHash.make(stem + "-first", cost: 4)))
        #expect(!PasswordHash.verify(stem + "-second", hash: PasswordHash.make(stem + "-first", cost: 4)))
    }

    /// A password changed by another process (the CLI) ends the account's console sessions.
    @Test func passwordChangedElsewhereEndsSessions() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let session = try #require(try await Session.signIn(client, user: "officer"))
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: session.headers(csrf: false)).status == .ok)
            // What `chatvault user add` does: its own store over the same file.
            let cli = try AccountStore(vaultDirectory: fixture.directory, bcryptCost: 4)
            try await cli.setUser(name: "officer", role: .officer, password: "a brand new password")
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: session.headers(csrf: false)).status == .unauthorized)
            #expect(try await Session.signIn(client, user: "officer", password: "a brand new password") != nil)
        }
    }

    /// A body over a route's limit answers 413 on every route kind: the sign-in form, JSON
    /// sign-in, a session's form post (read by the CSRF check), a JSON API write, ingest.
    @Test func oversizedBodiesAnswer413() async throws {
        let fixture = try await ServerFixture { $0.maxIngestBytes = 64 << 10 }
        defer { fixture.remove() }
        try await fixture.run { client in
            let big = String(repeating: "a", count: 1_100_000)
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            #expect(
                try await client.execute(uri: "/login", method: .post, headers: form, body: ByteBuffer(string: "user=a&password=" + big)).status
                    == .contentTooLarge)
            let jsonLogin = ByteBuffer(string: #"{"user":"a","password":""# + big + #""}"#)
            #expect(
                try await client.execute(uri: "/api/v1/login", method: .post, headers: [.contentType: "application/json"], body: jsonLogin).status
                    == .contentTooLarge)
            let session = try #require(try await Session.signIn(client, user: "officer"))
            var sessionForm = session.headers(csrf: false, json: false)
            sessionForm[.contentType] = "application/x-www-form-urlencoded"
            let bulk = try await client.execute(
                uri: "/alerts/bulk", method: .post, headers: sessionForm, body: ByteBuffer(string: "csrf=\(session.csrf)&note=" + big))
            #expect(bulk.status == .contentTooLarge)
            var api = fixture.bearer(.officer)
            api[.contentType] = "application/json"
            let hold = try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: api, body: ByteBuffer(string: #"{"name":""# + big + #""}"#))
            #expect(hold.status == .contentTooLarge)
            var ingest = fixture.bearer(.ingest)
            ingest[.contentType] = "application/json"
            let pushed = try await client.execute(
                uri: "/api/v1/ingest", method: .post, headers: ingest, body: ByteBuffer(string: #"{"messages":[""# + big + #""]}"#))
            #expect(pushed.status == .contentTooLarge)
        }
    }
}

/// Requests on their own connections, so the server really handles them at the same time
/// (the test client sends its requests one after another on one connection).
enum Parallel {
    static func signIns(port: Int, _ attempts: [(String, String, HTTPFields)]) async throws -> [HTTPResponse.Status] {
        try await timedSignIns(port: port, attempts, since: ContinuousClock().now).map(\.0)
    }

    /// Each attempt's status, when it was answered (from `since`), and its Retry-After.
    static func timedSignIns(port: Int, _ attempts: [(String, String, HTTPFields)], since start: ContinuousClock.Instant) async throws
        -> [(HTTPResponse.Status, Duration, String?)]
    {
        try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status, Duration, String?).self) { group in
            for (index, attempt) in attempts.enumerated() {
                group.addTask {
                    let client = TestClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(60)))
                    client.connect()
                    defer { Task { try? await client.shutdown() } }
                    var headers = attempt.2
                    headers[.contentType] = "application/json"
                    let body = JSONValue.object([("user", .string(attempt.0)), ("password", .string(attempt.1))]).compactText
                    let response = try await client.execute(
                        .init("/api/v1/login", method: .post, authority: "localhost", headers: headers, body: ByteBuffer(string: body)))
                    return (index, response.status, ContinuousClock().now - start, response.headers[.retryAfter])
                }
            }
            var results: [(Int, HTTPResponse.Status, Duration, String?)] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2, $0.3) }
        }
    }
}
