import ChatVaultArchive
import ChatVaultCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

@Suite(.serialized) struct CaseTests {
    @Test func holdsNeedTwoOfficersToRelease() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            var headers = fixture.bearer(.officer)
            headers[.contentType] = "application/json"
            let created = try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"name":"Matter 7","kind":"person","value":"tom@bank.example"}"#))
            #expect(created.status == .created)
            let id = try #require(created.json?["id"]?.scalarText)
            let bad = try await client.execute(
                uri: "/api/v1/holds", method: .post, headers: headers, body: ByteBuffer(string: #"{"name":"x","kind":"planet","value":"y"}"#))
            #expect(bad.status == .badRequest)
            // Both steps need people signed in with passwords (an API token is not a person).
            try await fixture.server.accounts.setUser(name: "officer2", role: .officer, password: "another long password")
            let proposer = try #require(try await Session.signIn(client, user: "officer2", password: "another long password")).headers()
            let proposed = try await client.execute(uri: "/api/v1/holds/\(id)/release", method: .post, headers: proposer)
            #expect(proposed.json?["state"]?.stringValue == "release_proposed")
            let again = try await client.execute(uri: "/api/v1/holds/\(id)/release", method: .post, headers: proposer)
            #expect(again.status == .conflict)
            let session = try #require(try await Session.signIn(client, user: "officer"))
            let confirmed = try await client.execute(uri: "/api/v1/holds/\(id)/release", method: .post, headers: session.headers())
            #expect(confirmed.json?["state"]?.stringValue == "released")
            #expect(try await client.execute(uri: "/api/v1/holds", method: .post, headers: fixture.bearer(.auditor)).status == .forbidden)
        }
    }

    @Test func exportsAreWrittenListedAndDownloadedWithAnAuditTrail() async throws {
        let fixture = try await ServerFixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            var headers = fixture.bearer(.officer)
            headers[.contentType] = "application/json"
            let made = try await client.execute(
                uri: "/api/v1/exports", method: .post, headers: headers,
                body: ByteBuffer(string: #"{"format":"jsonl","q":"guaranteed","description":"Matter 7"}"#))
            #expect(made.status == .created)
            #expect(made.json?["messages"]?.scalarText == "2")
            let name = try #require(made.json?["name"]?.stringValue)
            let list = try await client.execute(uri: "/api/v1/exports", method: .get, headers: fixture.bearer(.auditor))
            #expect(list.json?["exports"]?.arrayValue?.first?["name"]?.stringValue == name)
            let zip = try await client.execute(uri: "/exports/\(name)/zip", method: .get, headers: fixture.bearer(.auditor))
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            #expect(zip.body.readableBytesView.starts(with: [0x50, 0x4B, 0x03, 0x04]))
            let traversal = try await client.execute(uri: "/exports/..%2F..%2Fkeys/zip", method: .get, headers: fixture.bearer(.auditor))
            #expect(traversal.status == .notFound)
        }
        let actions = try await fixture.archive.auditTrail(limit: 50).map(\.action)
        #expect(actions.contains("console.export") && actions.contains("console.export.download"))
    }
}

@Suite struct AccountStoreTests {
    /// The CLI and the server each hold an `AccountStore` on the same file.
    @Test func changesByAnotherProcessAreSeenAndNotOverwritten() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-accounts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try AccountStore(vaultDirectory: directory, bcryptCost: 4)
        let cli = try AccountStore(vaultDirectory: directory, bcryptCost: 4)
        try await server.setUser(name: "ana", role: .officer, password: "a long enough password")
        let secret = try await cli.createToken(name: "relay", role: .ingest, source: "relay", createdBy: "cli")
        #expect(await server.token(secret: secret)?.name == "relay")
        _ = try await server.createToken(name: "second", role: .auditor, source: nil, createdBy: "admin")
        #expect(await cli.tokens.map(\.name) == ["relay", "second"])
        #expect(await cli.authenticate(name: "ana", password: "a long enough password") != nil)
        try await cli.setUser(name: "ana", role: .officer, password: nil, disabled: true)
        #expect(await server.authenticate(name: "ana", password: "a long enough password") == nil)
    }
}
