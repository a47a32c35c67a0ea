import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import ChatVaultServer

/// The notice report (console, API, CLI) and the gateway status page (issue 15).
@Suite(.serialized) struct NoticeReportTests {
    /// A Matrix room with three people talking, captured before any notice, and a gateway token.
    static func fixture() async throws -> (ServerFixture, String) {
        let fixture = try await ServerFixture()
        let ingestor = try Ingestor.forVault(fixture.vault, archive: fixture.archive, actor: "test")
        let people = [("@alice:hs.example", "Alice"), ("@bob:hs.example", "<script>alert(1)</script>"), ("@dave:hs.example", "Dave")]
        let messages = people.enumerated().map { index, person in
            IncomingMessage(
                message: Message(
                    platform: "matrix", conversation: "!desk:hs.example", sourceID: "$e\(index)", sender: Handle(id: person.0, displayName: person.1),
                    sentAt: Timestamp(iso8601: "2026-11-20T10:0\(index):00Z")!, text: "morning"),
                conversationName: "Desk", origin: "test")
        }
        #expect(try await ingestor.ingest(messages, source: "test").stored == 3)
        let token = try await fixture.server.accounts.createToken(
            name: "synapse", role: .gateway, source: nil, createdBy: "test", platforms: ["matrix"])
        return (fixture, token)
    }

    static func get(_ client: any TestClientProtocol, _ uri: String, _ headers: HTTPFields) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers)
    }

    @Test func listsWhoWasToldAndWhoWasNot() async throws {
        let (fixture, token) = try await Self.fixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            let told = try await NoticeTests.post(client, NoticeTests.body(["@Alice:hs.example"], conversation: "!desk:hs.example"), token: token)
            #expect(NoticeTests.new(told) == ["@Alice:hs.example"])
            let report = try await Self.get(client, "/api/v1/reports/notices", fixture.bearer(.auditor))
            #expect(report.status == .ok)
            let rows = report.json?["rows"]?.arrayValue?.map { $0.arrayValue?.compactMap(\.stringValue) ?? [] } ?? []
            let byPerson = Dictionary(rows.map { ($0[4].lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byPerson["@alice:hs.example"]?[0] == "received")
            #expect(byPerson["@alice:hs.example"]?[7] == "gateway:synapse")
            #expect(byPerson["@alice:hs.example"]?[6].isEmpty == false)
            #expect(byPerson["@bob:hs.example"]?[0] == "missing")
            #expect(byPerson["@dave:hs.example"]?[0] == "missing")
            // The archive's own sender is nobody to tell; the fixture's Slack people are on no gateway platform.
            #expect(rows.count == 3)
            let bob = try await Self.get(client, "/api/v1/reports/notices?person=%40BOB%3Ahs.example", fixture.bearer(.officer))
            #expect(bob.json?["rows"]?.arrayValue?.count == 1)
            let onlyTold = try await Self.get(client, "/api/v1/reports/notices?missing=false", fixture.bearer(.officer))
            #expect(onlyTold.json?["rows"]?.arrayValue?.count == 1)
            let slack = try await Self.get(client, "/api/v1/reports/notices?platform=slack", fixture.bearer(.officer))
            #expect(slack.json?["rows"]?.arrayValue?.allSatisfy { $0.arrayValue?.first?.stringValue == "missing" } == true)
            #expect(try await Self.get(client, "/api/v1/reports/notices?missing=perhaps", fixture.bearer(.officer)).status == .badRequest)
            let csv = try await Self.get(client, "/reports/notices/csv", fixture.bearer(.officer))
            #expect(csv.status == .ok && csv.text.hasPrefix("status,platform,conversation"))
            // A cell starting with @ is quoted against spreadsheet formulas, as in every CSV download.
            #expect(csv.text.contains("missing,matrix,!desk:hs.example,Desk,'@bob:hs.example"))
            // Who may read it: as the other reports.
            for role in [Role.reviewer, .admin, .gateway, .ingest] {
                #expect(try await Self.get(client, "/api/v1/reports/notices", fixture.bearer(role)).status == .forbidden, "\(role)")
            }
            #expect(try await Self.get(client, "/reports/notices", fixture.bearer(.reviewer)).status == .forbidden)
            // The page escapes what came from the chat server.
            let page = try await Self.get(client, "/reports/notices", fixture.bearer(.officer))
            #expect(page.status == .ok)
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.text.contains("<script>alert(1)"))
            #expect(page.text.contains("1 shown the notice · 2 not shown it"))
            // The archive's own notice records are nobody's traffic in the participants report.
            let participants = try await Self.get(client, "/api/v1/reports/participants", fixture.bearer(.auditor))
            #expect(participants.status == .ok && !participants.text.contains("\"chatvault\""))
            let overview = try await Self.get(client, "/reports", fixture.bearer(.auditor))
            #expect(overview.status == .ok && overview.text.contains("id=\"notices\"") && overview.text.contains("href=\"/reports/notices\""))
        }
        let trail = try await fixture.archive.auditTrail(limit: 50)
        #expect(trail.contains { $0.action == "console.report" && $0.detail["report"]?.stringValue == "notices" })
    }

    @Test func statusPageShowsLastCallAndFailMode() async throws {
        let (fixture, token) = try await Self.fixture()
        defer { fixture.remove() }
        _ = try await fixture.server.accounts.createToken(name: "prosody", role: .gateway, source: nil, createdBy: "test", platforms: ["xmpp"])
        try await fixture.run { client in
            let mode = HTTPField.Name("X-ChatVault-Fail-Mode")!
            let told = try await NoticeTests.post(client, NoticeTests.body(["@zed:hs.example"]), token: token, headers: [mode: "open"])
            #expect(told.status == .ok)
            let bad = try await NoticeTests.post(client, NoticeTests.body(["@zed:hs.example"]), token: token, headers: [mode: "sideways"])
            #expect(bad.status == .badRequest && bad.json?["error"]?.stringValue?.contains("closed or open") == true)
            let decision =
                #"{"platform":"matrix","conversation":"!desk:hs.example","id":"$d1","sender":"@zed:hs.example","sent_at":"\#(Timestamp.now().iso8601)","text":"hello"}"#
            let decided = try await client.execute(
                uri: "/api/v1/decide", method: .post, headers: [.authorization: "Bearer " + token, .contentType: "application/json", mode: "closed"],
                body: ByteBuffer(string: decision))
            #expect(decided.status == .ok, "\(decided.text)")
            let status = try await Self.get(client, "/api/v1/gateways", fixture.bearer(.admin))
            #expect(status.status == .ok)
            let gateways = status.json?["gateways"]?.arrayValue ?? []
            let synapse = try #require(gateways.first { $0["token"]?.stringValue == "synapse" })
            #expect(synapse["fail_mode"]?.stringValue == "closed")
            #expect(synapse["reachable"]?.boolValue == true)
            #expect(synapse["last_path"]?.stringValue == "/api/v1/decide")
            #expect(synapse["calls"]?.scalarText == "3" && synapse["failures"]?.scalarText == "1")
            #expect(synapse["decisions_last_minute"]?.scalarText == "1" && synapse["decisions_last_hour"]?.scalarText == "1")
            #expect(synapse["notices_recorded"]?.scalarText == "1")
            #expect(synapse["last_call_at"]?.stringValue?.isEmpty == false)
            let prosody = try #require(gateways.first { $0["token"]?.stringValue == "prosody" })
            #expect(prosody["state"]?.stringValue == "never called" && prosody["fail_mode"]?.isNull == true)
            let page = try await Self.get(client, "/admin/gateways", fixture.bearer(.officer))
            #expect(page.status == .ok)
            #expect(page.text.contains("synapse") && page.text.contains("closed") && page.text.contains("never called"))
            for role in [Role.auditor, .reviewer, .gateway, .ingest] {
                #expect(try await Self.get(client, "/api/v1/gateways", fixture.bearer(role)).status == .forbidden, "\(role)")
            }
        }
    }

    @Test func decisionsAreCountedPerSecondOverTheLastMinuteAndHour() async {
        let monitor = GatewayMonitor()
        let start = Timestamp(iso8601: "2026-12-01T10:00:00Z")!
        func at(_ seconds: Int64) -> Timestamp { Timestamp(microseconds: start.microseconds + seconds * 1_000_000) }
        for second: Int64 in [0, 0, 10, 100, 3000, 3590, 3599] {
            await monitor.record(token: "g", path: "/api/v1/decide", status: 200, address: "127.0.0.1", failMode: .closed, at: at(second))
        }
        await monitor.record(token: "g", path: "/api/v1/decide", status: 503, address: "127.0.0.1", failMode: nil, at: at(3599))
        await monitor.record(token: "g", path: "/api/v1/notice", status: 200, address: "127.0.0.1", failMode: nil, at: at(3599))
        let snapshot = await monitor.snapshot(now: at(3599))["g"]
        #expect(snapshot?.decisionsLastMinute == 2)
        #expect(snapshot?.decisionsLastHour == 7)
        #expect(snapshot?.failMode == .closed && snapshot?.calls == 9 && snapshot?.failures == 1)
        // Later the old seconds leave the window, even where a new second reuses their slot (10 → 3610).
        await monitor.record(token: "g", path: "/api/v1/decide", status: 200, address: "127.0.0.1", failMode: nil, at: at(3600 + 10))
        let later = await monitor.snapshot(now: at(3600 + 10))["g"]
        #expect(later?.decisionsLastHour == 5 && later?.decisionsLastMinute == 3)
    }

    @Test func cliReportAndVerifyWithNoticeLeaves() async throws {
        let (fixture, token) = try await Self.fixture()
        defer { fixture.remove() }
        try await fixture.run { client in
            _ = try await NoticeTests.post(client, NoticeTests.body(["@dave:hs.example"], conversation: "!desk:hs.example"), token: token)
        }
        func run(_ arguments: [String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = SecurityCLITests.binary
            process.arguments = arguments + ["--vault", fixture.directory.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
        let verify = try run(["verify"])
        #expect(verify.0 == 0, "\(verify.1)")
        let report = try run(["report", "notices"])
        #expect(report.0 == 0, "\(report.1)")
        #expect(report.1.contains("1 shown the notice, 2 not shown it"))
        #expect(report.1.contains("received") && report.1.contains("@dave:hs.example") && report.1.contains("MISSING"))
        let json = try run(["report", "notices", "--person", "@alice:hs.example", "--json"])
        let rows = try JSONParser().parse(json.1).arrayValue ?? []
        #expect(rows.count == 1 && rows.first?["status"]?.stringValue == "missing")
        // The transcript names the person told, not the archive that sent the notice.
        let show = try run(["show", "matrix:!desk:hs.example"])
        #expect(show.1.contains("archive notice shown to @dave:hs.example"), "\(show.1)")
        let bad = try run(["report", "notices", "--from", "yesterday"])
        #expect(bad.0 != 0 && bad.1.contains("--from must be a day"))
    }
}
