import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

/// Two-person rules (issue 13 item 5, server half) and all-or-nothing bulk review (item 10).
@Suite(.serialized) struct SecurityTwoPersonTests {
    /// A hold's release needs two distinct people signed in with passwords: a token cannot
    /// take either step, the proposer cannot confirm (whatever the case of the name), and a
    /// name differing only by case or width cannot be registered as a second account.
    @Test func holdReleaseNeedsTwoDistinctSignedInPeople() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        await #expect(throws: AccountStore.Failure.self) {
            try await fixture.server.accounts.setUser(name: "OFFICER", role: .officer, password: "another long password")
        }
        await #expect(throws: AccountStore.Failure.self) {
            try await fixture.server.accounts.setUser(name: "Officer", role: .officer, password: "another long password")
        }
        try await fixture.server.accounts.setUser(name: "second-officer", role: .officer, password: "another long password")
        try await fixture.run { client in
            var token = fixture.bearer(.officer)
            token[.contentType] = "application/json"
            let created = try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: token,
                body: ByteBuffer(string: #"{"name":"Matter 9","kind":"person","value":"tom@bank.example"}"#))
            let id = try #require(created.json?["id"]?.scalarText)
            // A token is not a person: it can neither propose nor confirm.
            #expect(try await client.execute(uri: "/api/v1/holds/\(id)/release", method: .post, headers: token).status == .forbidden)
            let first = try #require(try await Session.signIn(client, user: "officer"))
            let proposed = try await client.execute(uri: "/api/v1/holds/\(id)/release", method: .post, headers: first.headers())
            #expect(proposed.json?["state"]?.stringValue == "release_proposed")
            #expect(try await client.execute(uri: "/api/v1/holds/\(id)/release", method: .post, headers: first.headers()).status == .conflict)
            #expect(try await client.execute(uri: "/api/v1/holds/\(id)/release", method: .post, headers: token).status == .forbidden)
            let second = try #require(try await Session.signIn(client, user: "second-officer", password: "another long password"))
            let released = try await client.execute(uri: "/api/v1/holds/\(id)/release", method: .post, headers: second.headers())
            #expect(released.json?["state"]?.stringValue == "released")
        }
        #expect(Identity.same("Ａlice", "alice"))
        #expect(!Identity.same("alice", "alicia"))
    }

    /// An admin cannot give themselves officer or auditor powers through a token: such a token
    /// waits, unusable, until an officer (signed in, not the admin, not a token) approves it.
    @Test func officerTokensNeedAnOfficersApproval() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let admin = try #require(try await Session.signIn(client, user: "admin"))
            let made = try await client.execute(
                uri: "/api/v1/tokens", method: .post, headers: admin.headers(), body: ByteBuffer(string: #"{"name":"shadow","role":"officer"}"#))
            #expect(made.status == .created)
            let secret = try #require(made.json?["token"]?.stringValue)
            let shadow: HTTPFields = [.authorization: "Bearer " + secret]
            #expect(try await client.execute(uri: "/api/v1/search?q=guaranteed", method: .get, headers: shadow).status == .unauthorized)
            // An ingest token is not pending.
            let ingest = try await client.execute(
                uri: "/api/v1/tokens", method: .post, headers: admin.headers(), body: ByteBuffer(string: #"{"name":"relay2","role":"ingest"}"#))
            let ingestSecret = try #require(ingest.json?["token"]?.stringValue)
            #expect(try await client.execute(uri: "/api/v1/me", method: .get, headers: [.authorization: "Bearer " + ingestSecret]).status == .ok)
            // Neither the admin, nor a token, nor the pending token itself may approve.
            #expect(try await client.execute(uri: "/api/v1/tokens/shadow/approve", method: .post, headers: admin.headers()).status == .forbidden)
            #expect(
                try await client.execute(uri: "/api/v1/tokens/shadow/approve", method: .post, headers: fixture.bearer(.officer)).status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/tokens/shadow/approve", method: .post, headers: shadow).status == .unauthorized)
            let officer = try #require(try await Session.signIn(client, user: "officer"))
            let pending = try await client.execute(uri: "/api/v1/tokens/pending", method: .get, headers: officer.headers(csrf: false))
            #expect(pending.json?["tokens"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["shadow"])
            #expect(try await client.execute(uri: "/api/v1/tokens/shadow/approve", method: .post, headers: officer.headers()).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/search?q=guaranteed", method: .get, headers: shadow).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/tokens/shadow/approve", method: .post, headers: officer.headers()).status == .conflict)
        }
        let token = try #require(await fixture.server.accounts.tokens.first { $0.name == "shadow" })
        #expect(token.approvedBy == "officer" && token.createdBy == "admin")
    }

    /// A bulk review action is all or nothing: one alert that cannot take the step leaves
    /// every other selected alert untouched.
    @Test func bulkReviewIsAllOrNothing() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        let queue = try await fixture.archive.alertQueue(AlertFilter()).alerts.map(\.stored.id).sorted()
        #expect(queue.count == 2)
        let (first, second) = (queue[0], queue[1])
        try await fixture.archive.review(alertID: first, action: .close, actor: "officer", detail: [("reason", .string("handled"))])
        try await fixture.run { client in
            let session = try #require(try await Session.signIn(client, user: "officer"))
            var form = session.headers(csrf: false, json: false)
            form[.contentType] = "application/x-www-form-urlencoded"
            // The open alert first, then the closed one, which cannot be escalated.
            let body = "csrf=\(session.csrf)&action=escalate&id=\(second)&id=\(first)"
            let response = try await client.execute(uri: "/alerts/bulk", method: .post, headers: form, body: ByteBuffer(string: body))
            #expect(response.status == .conflict)
            let junk = "csrf=\(session.csrf)&action=escalate&id=\(second)&id=x"
            #expect(try await client.execute(uri: "/alerts/bulk", method: .post, headers: form, body: ByteBuffer(string: junk)).status == .badRequest)
        }
        #expect(try await fixture.archive.alert(id: second)?.stored.alert.state == .open)
        #expect(try await fixture.archive.reviews(alertID: second).isEmpty)
        // Both valid: both change, in one transaction.
        try await fixture.archive.review(
            [ReviewStep(alertID: first, action: .reopen, detail: []), ReviewStep(alertID: second, action: .escalate, detail: [])], actor: "officer")
        #expect(try await fixture.archive.alert(id: first)?.stored.alert.state == .open)
        #expect(try await fixture.archive.alert(id: second)?.stored.alert.state == .escalated)
    }
}
