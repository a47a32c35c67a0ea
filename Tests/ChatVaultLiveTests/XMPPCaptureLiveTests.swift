import Foundation
import Testing

/// `chatvault capture xmpp` against a real Prosody, with messages sent by a real client (slixmpp).
@Suite(.serialized) struct XMPPCaptureLiveTests {
    static let policy = """
        version: 1
        lexicons:
          insider: ["insider tip"]
        rules:
          - name: insider-tip
            severity: high
            match: "@insider"
        """

    /// An RFC 3339 time, with or without fractional seconds (ejabberd stamps microseconds).
    static func date(_ text: String) -> Date? {
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text)
    }

    func token() -> String { "tk" + UUID().uuidString.prefix(8).lowercased() }

    func texts(_ hits: [[String: Any]]) -> [String] { hits.compactMap { $0["text"] as? String }.sorted() }

    @Test(arguments: [XMPPPeer.Server.prosody, .ejabberd])
    func chatsRoomsAndEditsAreArchivedOnceRedactedAndPoliced(server: XMPPPeer.Server) throws {
        guard try server.start() else { return }
        let token = token()
        let room = "room-\(token)@conference.localhost"
        let vault = try XMPPPeer.vault(policy: Self.policy)
        defer { try? FileManager.default.removeItem(at: vault) }
        let before = Date().addingTimeInterval(-2)
        try XMPPPeer.send(
            as: "alice", to: server,
            [
                "--chat", "bob@localhost", "first \(token)", "--chat", "bob@localhost", "card 4111 1111 1111 1111 \(token)",
                "--chat", "bob@localhost", "an insider tip \(token)", "--chat", "bob@localhost", "oops \(token)", "--retract", "--room", room,
                "room \(token)", "--correct", "room corrected \(token)",
            ])
        try XMPPPeer.send(as: "bob", to: server, ["--chat", "alice@localhost", "reply \(token)"])
        let after = Date().addingTimeInterval(2)

        // alice's own archive and the room, then bob's archive, which holds the same 1:1 messages.
        try XMPPPeer.chatvault(
            XMPPPeer.captureArguments(vault, user: "alice", server: server, archives: ["alice@localhost", room], extra: ["--once"]),
            environment: XMPPPeer.environment(user: "alice"))
        try XMPPPeer.chatvault(
            XMPPPeer.captureArguments(vault, user: "bob", server: server, archives: [], extra: ["--once"]),
            environment: XMPPPeer.environment(user: "bob"))

        let hits = try XMPPPeer.search(vault, token)
        #expect(hits.count == 7, "\(texts(hits))")
        #expect(Set(hits.compactMap { $0["source_id"] as? String }).count == hits.count)
        func hit(_ text: String) -> [String: Any]? { hits.first { $0["text"] as? String == text } }
        let first = try #require(hit("first \(token)"))
        #expect(first["sender"] as? String == "alice@localhost")
        #expect(first["conversation"] as? String == "alice@localhost,bob@localhost")
        #expect(first["kind"] as? String == "message")
        let sentAt = try #require((first["sent_at"] as? String).flatMap(Self.date))
        #expect(sentAt >= before && sentAt <= after, "sent_at \(sentAt) not between \(before) and \(after)")
        let reply = try #require(hit("reply \(token)"))
        #expect(reply["sender"] as? String == "bob@localhost")
        #expect(reply["conversation"] as? String == "alice@localhost,bob@localhost")
        let roomMessage = try #require(hit("room \(token)"))
        #expect(roomMessage["conversation"] as? String == room)
        #expect(roomMessage["sender"] as? String == "alice@localhost")
        #expect(roomMessage["sender_name"] as? String == "alice")
        let edit = try #require(hit("room corrected \(token)"))
        #expect(edit["kind"] as? String == "edit")
        #expect(edit["target"] as? String == roomMessage["source_id"] as? String)

        // The retraction is a deletion event of the retracted message (its fallback body not kept).
        let oops = try #require(hit("oops \(token)"))
        let around = try #require(oops["id"] as? Int)
        let transcript = try XMPPPeer.chatvault(
            ["show", "xmpp:alice@localhost,bob@localhost", "--around", String(around), "--limit", "10", "--vault", vault.path, "--json"])
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(transcript.utf8)) as? [String: Any])
        let deletions = (shown["messages"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "delete" }
        #expect(deletions.contains { $0["target"] as? String == oops["source_id"] as? String && $0["text"] as? String == "" }, "\(transcript)")

        // The card number never reached the archive.
        #expect(try XMPPPeer.search(vault, "4111").isEmpty)
        let card = try #require(hits.first { ($0["text"] as? String)?.hasPrefix("card ") == true })
        #expect((card["text"] as? String)?.contains("4111 1111") == false)
        #expect((card["redactions"] as? [Any])?.isEmpty == false)
        let alerts = try XMPPPeer.chatvault(["alerts", "--vault", vault.path, "--json"])
        #expect(alerts.contains("\"rule\":\"insider-tip\""), "\(alerts)")

        let sources = try XMPPPeer.sources(vault)
        // alice's archive may hold earlier runs' messages too; bob's 1:1 messages were all in it.
        #expect((sources["alice"]?["stored"] as? Int ?? 0) >= 6)
        #expect(sources["bob"]?["stored"] as? Int == 0)
        #expect((sources["bob"]?["duplicates"] as? Int ?? 0) >= 5)
        #expect(sources["alice"]?["status"] as? String == "up")

        // A source configured in config.json, its password in a file inside the vault.
        let configFile = vault.appendingPathComponent("config.json")
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: configFile)) as? [String: Any])
        config["sources"] = [
            [
                "name": "bob-configured", "kind": "xmpp", "host": "127.0.0.1", "port": Int(server.port) ?? 0, "domain": "localhost",
                "username": "bob@localhost", "password_file": "bob.secret", "ca_file": server.caFile, "poll_seconds": 1,
                "silence_hours": 0.0001,
            ]
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: configFile)
        try "bobpass\n".write(to: vault.appendingPathComponent("bob.secret"), atomically: true, encoding: .utf8)
        try XMPPPeer.chatvault(["capture", "xmpp", "--vault", vault.path, "--source", "bob-configured", "--once"])
        let configured = try XMPPPeer.sources(vault)["bob-configured"] ?? [:]
        #expect(configured["configured"] as? Bool == true)
        #expect(configured["stored"] as? Int == 0)
        #expect((configured["duplicates"] as? Int ?? 0) >= 5)
        // Its newest message is older than silence_hours (0.36 s): a silence gap.
        let silence = (configured["gaps"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "silence" }
        #expect(silence.count == 1, "\(configured)")
        #expect(configured["silent"] as? Bool == true)
        let text = try XMPPPeer.chatvault(["sources", "--vault", vault.path])
        #expect(text.contains("bob-configured") && text.contains("cursor:") && text.contains("gap:"), "\(text)")

        // A cursor the server does not know: a reset gap, read again from the start, nothing doubled.
        let stateFile = vault.appendingPathComponent("sources/alice.json")
        var state = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: stateFile)) as? [String: Any])
        var cursors = try #require(state["cursors"] as? [String: String])
        cursors["alice@localhost"] = "no-such-archive-id"
        state["cursors"] = cursors
        try JSONSerialization.data(withJSONObject: state).write(to: stateFile)
        try XMPPPeer.chatvault(
            XMPPPeer.captureArguments(vault, user: "alice", server: server, archives: ["alice@localhost"], extra: ["--once"]),
            environment: XMPPPeer.environment(user: "alice"))
        #expect(try XMPPPeer.search(vault, token).count == 7)
        let gaps = try XMPPPeer.sources(vault)["alice"]?["gaps"] as? [[String: Any]] ?? []
        #expect(gaps.contains { $0["kind"] as? String == "reset" && $0["archive"] as? String == "alice@localhost" }, "\(gaps)")
        let audit = try XMPPPeer.chatvault(["audit", "--vault", vault.path, "--json"])
        #expect(audit.contains("source.gap"))
        let gapAlerts = try XMPPPeer.chatvault(["alerts", "--vault", vault.path, "--json", "--rule", "capture.reset"])
        #expect(gapAlerts.contains("\"rule\":\"capture.reset\""), "\(gapAlerts)")
    }

    @Test func aKilledCaptureResumesWhereItStoppedAndStoresEverythingOnce() throws {
        guard try XMPPPeer.Server.prosody.start() else { return }
        let token = token()
        let vault = try XMPPPeer.vault()
        defer { try? FileManager.default.removeItem(at: vault) }
        let arguments = XMPPPeer.captureArguments(
            vault, user: "alice", archives: ["alice@localhost"], extra: ["--poll-seconds", "0.2", "--page-size", "3", "--max-backoff", "1"])
        // Catch up with whatever alice's archive already holds, so the kill lands among the new messages.
        try XMPPPeer.chatvault(
            XMPPPeer.captureArguments(vault, user: "alice", archives: ["alice@localhost"], extra: ["--once"]),
            environment: XMPPPeer.environment(user: "alice"))
        let first = try XMPPPeer.Capture(arguments, environment: XMPPPeer.environment(user: "alice"))
        try XMPPPeer.send(as: "alice", (1...12).flatMap { ["--chat", "bob@localhost", "first batch \($0) \(token)"] })
        #expect(try XMPPPeer.eventually(15) { try !XMPPPeer.search(vault, token).isEmpty }, "\(first.output)")
        first.stop(SIGKILL)
        let beforeRestart = try XMPPPeer.search(vault, token).count
        try XMPPPeer.send(as: "alice", (1...6).flatMap { ["--chat", "bob@localhost", "second batch \($0) \(token)"] })

        let second = try XMPPPeer.Capture(arguments, environment: XMPPPeer.environment(user: "alice"))
        #expect(try XMPPPeer.eventually(20) { try XMPPPeer.search(vault, token).count >= 18 }, "\(second.output)")
        // A second capture of the same source is refused while this one runs.
        let concurrent = try Peers.run(
            Peers.binary.path, XMPPPeer.captureArguments(vault, user: "alice", archives: ["alice@localhost"], extra: ["--once"]),
            environment: XMPPPeer.environment(user: "alice"))
        #expect(concurrent.status == 2 && concurrent.text.contains("already being captured"), "\(concurrent.text)")
        Thread.sleep(forTimeInterval: 1)  // several more polls: nothing may arrive twice
        let hits = try XMPPPeer.search(vault, token)
        #expect(hits.count == 18, "stored before the kill: \(beforeRestart); \(texts(hits))")
        #expect(Set(texts(hits)).count == 18)
        #expect(second.stop(SIGTERM) == 0, "\(second.output)")
        #expect(second.output.contains("signal"))
    }

    @Test func aServerThatGoesDownIsReportedAndCaptureResumes() throws {
        guard try XMPPPeer.Server.prosody.start() else { return }
        let token = token()
        let vault = try XMPPPeer.vault()
        defer { try? FileManager.default.removeItem(at: vault) }
        try XMPPPeer.chatvault(
            XMPPPeer.captureArguments(vault, user: "alice", archives: ["alice@localhost"], extra: ["--once"]),
            environment: XMPPPeer.environment(user: "alice"))
        let capture = try XMPPPeer.Capture(
            XMPPPeer.captureArguments(vault, user: "alice", archives: ["alice@localhost"], extra: ["--poll-seconds", "0.2", "--max-backoff", "1"]),
            environment: XMPPPeer.environment(user: "alice"))
        try XMPPPeer.send(as: "alice", ["--chat", "bob@localhost", "before outage \(token)"])
        #expect(try XMPPPeer.eventually(10) { try XMPPPeer.search(vault, token).count == 1 }, "\(capture.output)")

        try XMPPPeer.Server.prosody.stop()
        var restarted = false
        defer { if !restarted { _ = try? XMPPPeer.Server.prosody.start() } }
        let down = try XMPPPeer.eventually(10) {
            let alice = try XMPPPeer.sources(vault)["alice"]
            return alice?["status"] as? String == "down" && alice?["last_error"] is String
        }
        let whenDown = try XMPPPeer.sources(vault)["alice"] ?? [:]
        #expect(down, "\(whenDown)")

        restarted = try XMPPPeer.Server.prosody.start()
        try #require(restarted)
        try XMPPPeer.send(as: "alice", ["--chat", "bob@localhost", "after outage \(token)"])
        #expect(try XMPPPeer.eventually(20) { try XMPPPeer.search(vault, token).count == 2 }, "\(capture.output)")
        let alice = try XMPPPeer.sources(vault)["alice"] ?? [:]
        #expect(alice["status"] as? String == "up")
        #expect(alice["last_error"] is NSNull)
        let gaps = alice["gaps"] as? [[String: Any]] ?? []
        #expect(gaps.contains { $0["kind"] as? String == "down" }, "\(gaps)")
        let downAlerts = try XMPPPeer.chatvault(["alerts", "--vault", vault.path, "--json", "--rule", "capture.down"])
        #expect(downAlerts.contains("\"rule\":\"capture.down\""), "\(downAlerts)")
        #expect(alice["capture_running"] as? Bool == true)
        #expect(alice["stale"] as? Bool == false)
        #expect(capture.stop(SIGTERM) == 0, "\(capture.output)")
        // Stopped: still "up" as last seen, but known to be unattended.
        let stopped = try XMPPPeer.sources(vault)["alice"] ?? [:]
        #expect(stopped["capture_running"] as? Bool == false)
        #expect(stopped["stale"] as? Bool == true)
    }

    @Test func anUntrustedCertificateOrAWrongPasswordIsRefused() throws {
        guard try XMPPPeer.Server.prosody.start() else { return }
        let port = Int(XMPPPeer.Server.prosody.port) ?? 0
        let untrusted = try XMPPHostileServerTests.capture(port: port)  // the system trust store does not know the test CA
        #expect(untrusted.status == 2)
        #expect(untrusted.text.contains("TLS with localhost failed"), "\(untrusted.text)")
        let vault = try XMPPPeer.vault()
        defer { try? FileManager.default.removeItem(at: vault) }
        let wrong = try Peers.run(
            Peers.binary.path,
            XMPPPeer.captureArguments(vault, user: "alice", archives: [], extra: ["--once"]), environment: ["XMPP_TEST_PASSWORD": "wrong"])
        #expect(wrong.status == 2)
        #expect(wrong.text.contains("not-authorized"), "\(wrong.text)")
        let state = try XMPPPeer.sources(vault)["alice"] ?? [:]
        #expect(state["status"] as? String == "down")
        #expect((state["last_error"] as? String)?.contains("not-authorized") == true)
    }
}
