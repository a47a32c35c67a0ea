import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

/// What an admin may not learn through the policy tools, what the trail keeps of a policy
/// and a search, and how holds and expensive searches answer through the API.
@Suite(.serialized) struct AdminBacktestTests {
    static let probe = """
        version: 1
        lexicons:
          probe: ["upside"]
        rules:
          - name: probe
            severity: low
            match: "@probe"

        """

    func headers(_ fixture: ServerFixture, _ role: Role) -> HTTPFields {
        var headers = fixture.bearer(role)
        headers[.contentType] = "application/json"
        return headers
    }

    @Test func adminsCannotBacktestAndEveryPolicyTextIsAudited() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let body = JSONValue.object([("yaml", .string(Self.probe))]).compactText
        try await fixture.run { client in
            // The probe: does any archived message say "upside"? An admin gets no answer.
            let admin = try await client.execute(
                uri: "/api/v1/policy/backtest", method: .post, headers: headers(fixture, .admin), body: ByteBuffer(string: body))
            #expect(admin.status == .forbidden)
            let adminSession = try #require(try await Session.signIn(client, user: "admin"))
            var form = adminSession.headers(csrf: false, json: false)
            form[.contentType] = "application/x-www-form-urlencoded"
            let encoded = Self.probe.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let page = try await client.execute(
                uri: "/admin/policy/backtest", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(adminSession.csrf)&policy=\(encoded)"))
            #expect(page.status == .forbidden)
            // Validating is still an admin's job, and shows no counts.
            let validated = try await client.execute(
                uri: "/admin/policy", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(adminSession.csrf)&step=check&policy=\(encoded)")
            )
            #expect(validated.status == .ok && !validated.text.contains("Backtest over"), "\(validated.status)")
            #expect(!validated.text.contains("formaction=\"/admin/policy/backtest\""), "an admin is not offered the backtest")

            let officer = try await client.execute(
                uri: "/api/v1/policy/backtest", method: .post, headers: headers(fixture, .officer), body: ByteBuffer(string: body))
            #expect(officer.status == .ok, "\(officer.text)")
            let probe = officer.json?["rules"]?.arrayValue?.first { $0["rule"]?.stringValue == "probe" }
            #expect(probe?["after"]?.scalarText == "1" && probe?["before"]?.scalarText == "0", "\(officer.text)")
            let broken = try await client.execute(
                uri: "/api/v1/policy/backtest", method: .post, headers: headers(fixture, .officer),
                body: ByteBuffer(string: #"{"yaml":"rules: [[[ not yaml"}"#))
            #expect(broken.status == .badRequest)
        }
        let events = try await fixture.archive.auditTrail(actor: nil, actionPrefix: nil, beforeID: nil, limit: 50)
        let backtest = try #require(events.first { $0.action == "policy.backtest" })
        #expect(backtest.detail["yaml"]?.stringValue == Self.probe, "the words probed are in the trail")
        #expect(events.contains { $0.action == "console.policy.validate" && $0.detail["yaml"]?.stringValue == Self.probe })
        #expect(events.contains { $0.action == "console.policy.rejected" && $0.detail["yaml"]?.stringValue?.contains("not yaml") == true })
    }

    @Test func searchedCardNumbersAreAuditedRedactedAndExpensiveQueriesAreRefused() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let card = "4111 1111 1111 1111"
        try await fixture.run { client in
            let query = "card \(card)".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let search = try await client.execute(uri: "/api/v1/search?q=\(query)", method: .get, headers: fixture.bearer(.officer))
            #expect(search.status == .ok)
            let letters = (0..<26).map { String(UnicodeScalar(UInt8(97 + $0))) + "*" }.joined(separator: " OR ")
            let wide = try await client.execute(
                uri: "/api/v1/search?q=" + letters.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!, method: .get,
                headers: fixture.bearer(.officer))
            #expect(wide.status == .badRequest && wide.text.contains("at least 3 letters"), "\(wide.text)")
        }
        let events = try await fixture.archive.auditTrail(actor: nil, actionPrefix: "console.search", beforeID: nil, limit: 10)
        let recorded = try #require(events.last?.detail["q"]?.stringValue)
        #expect(!recorded.contains(card) && recorded.contains("1111"), "recorded as the policy masks it: \(recorded)")
        for name in try FileManager.default.subpathsOfDirectory(atPath: fixture.directory.path) {
            guard let data = FileManager.default.contents(atPath: fixture.directory.appendingPathComponent(name).path) else { continue }
            #expect(data.range(of: Data(card.utf8)) == nil, "\(card) is in \(name)")
        }
    }

    @Test func aHoldSaysWhatItCoversIgnoresCaseAndAnEmptyOneNeedsConsent() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let person = try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: headers(fixture, .officer),
                body: ByteBuffer(string: #"{"name":"Matter 8","kind":"person","value":"Tom@Bank.Example"}"#))
            #expect(person.status == .created && person.json?["covers"]?.scalarText == "3", "\(person.text)")
            let empty = try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: headers(fixture, .officer),
                body: ByteBuffer(string: #"{"name":"Typo","kind":"person","value":"tmo@bank.example"}"#))
            #expect(empty.status == .badRequest && empty.text.contains("covers no message now"), "\(empty.text)")
            let allowed = try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: headers(fixture, .officer),
                body: ByteBuffer(string: #"{"name":"New hire","kind":"person","value":"new@bank.example","allow_empty":true}"#))
            #expect(allowed.status == .created && allowed.json?["covers"]?.scalarText == "0")
            let ssn = try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: headers(fixture, .officer),
                body: ByteBuffer(string: #"{"name":"SSN","kind":"query","value":"ssn 536-22-8410","allow_empty":true}"#))
            #expect(ssn.status == .badRequest && ssn.text.contains("redaction policy removes"))
        }
        let trail = try await fixture.archive.auditTrail(limit: 50)
        #expect(!trail.contains { $0.detail.compactText.contains("536-22-8410") })
    }

    /// A well-formed search stopped at its time limit answers 422 with the reason, and the
    /// server's connection is usable for the next request.
    @Test func aSearchPastItsTimeLimitAnswers422() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let batch = (0..<2000).map {
            ServerFixture.message(
                "b\($0)", conversation: "bulk", from: "sam@bank.example", to: "tom@bank.example", "quarterly wire \($0) transfer", minute: 5)
        }
        _ = try await fixture.archive.append(batch, context: AppendContext(actor: "test", source: "test"))
        var search = SearchRequest(query: SearchQuery.parse("qua* OR wir* OR tra*"), order: .relevance)
        search.timeLimit = .nanoseconds(1)
        do {
            _ = try await fixture.server.run(search)
            Issue.record("the search was not stopped")
        } catch let error as ConsoleError {
            #expect(error.status == .unprocessableContent && error.message.contains("time limit"))
        }
        search.timeLimit = SearchRequest.defaultTimeLimit
        #expect(try await fixture.server.run(search).1 == 2000)
    }
}
