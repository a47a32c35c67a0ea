import ChatVaultCore
import Foundation
import Testing

/// Whether the gateway Prosody can run here: it starts as Prosody's service user, which needs
/// root; CI (CHATVAULT_REQUIRE_PEERS=1) runs the suite regardless, so a missing server fails.
enum GatewayProsody {
    static var runnable: Bool { getuid() == 0 || Peers.required }
}

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// integrations/prosody/mod_chatvault.lua in a real Prosody (scripts/peers/start_prosody_gateway.sh)
/// in front of a real `chatvault serve`: what each user's own XMPP client receives, and what the
/// archive holds.
@Suite(.serialized, .enabled(if: GatewayProsody.runnable))
struct ProsodyGatewayLiveTests {
    static var port: String { ProcessInfo.processInfo.environment["PROSODY_GATEWAY_PORT"] ?? "15242" }
    static var caFile: String { Peers.directory + "/prosody-gateway/certs/ca.pem" }
    static let card = GatewayServe.card
    typealias Gateway = GatewayServe

    /// What each user's client received, and how each room join went.
    struct Session {
        let json: JSONValue

        func received(_ user: String) -> [JSONValue] { json["received"]?[user]?.arrayValue ?? [] }

        /// Bodies `user` received from `from` (a JID prefix: a person, a room, the server).
        func bodies(_ user: String, from: String) -> [String] {
            received(user).filter { $0["from"]?.string.hasPrefix(from) == true && $0["type"]?.string != "error" }
                .compactMap { $0["body"]?.stringValue }
        }

        /// The error `user` got back for its message `id`.
        func error(_ user: String, id: String) -> JSONValue? {
            received(user).first { $0["type"]?.string == "error" && $0["id"]?.string == id }?["error"]
        }

        func joined(_ user: String) -> Bool? { json["joins"]?.arrayValue?.first { $0["as"]?.string == user }?["ok"]?.boolValue }
    }

    func startGateway() async throws -> Gateway {
        try await GatewayServe.start(tokenName: "prosody-gateway", platform: "xmpp")
    }

    /// Runs start_prosody_gateway.sh against `gateway` (it restarts a running server).
    func runStartScript(_ gateway: Gateway, failMode: String) throws -> Peers.Output {
        try Peers.run(
            "/bin/bash", [Peers.scripts.appendingPathComponent("start_prosody_gateway.sh").path],
            environment: [
                "CHATVAULT_GATEWAY_URL": gateway.url, "CHATVAULT_GATEWAY_TOKEN_FILE": gateway.tokenFile.path,
                "CHATVAULT_GATEWAY_FAIL_MODE": failMode, "PROSODY_GATEWAY_PORT": Self.port,
            ])
    }

    /// (Re)starts the gateway Prosody against `gateway`; `false` skips the test (a recorded failure when required).
    func startProsody(_ gateway: Gateway, failMode: String = "closed") throws -> Bool {
        let output = try runStartScript(gateway, failMode: failMode)
        if output.status != 0 {
            if Peers.required { Issue.record("start_prosody_gateway.sh failed (\(output.status)):\n\(output.text)") }
            return false
        }
        return true
    }

    func stopProsody() throws { _ = try Peers.script("stop_prosody_gateway.sh") }

    /// Plays `steps` with `xmpp_gateway_session.py`, alice, bob and carol logged in throughout.
    func session(_ vault: LiveVault, _ steps: [[String: String]]) throws -> Session {
        let file = vault.directory.appendingPathComponent("steps-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: steps).write(to: file)
        let output = try vault.run(
            Peers.python,
            [
                Peers.scripts.appendingPathComponent("xmpp_gateway_session.py").path, "--port", Self.port, "--cafile", Self.caFile,
                "--users", "alice,bob,carol", "--steps", file.path,
            ])
        try #require(output.status == 0, "xmpp_gateway_session.py failed: \(output.stdout)\(output.stderr)")
        return Session(json: try JSONParser().parse(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func prosodyLog() -> String {
        let log = (try? String(contentsOfFile: Peers.directory + "/prosody-gateway/log/prosody.log", encoding: .utf8)) ?? ""
        return String(log.split(separator: "\n").filter { $0.contains("chatvault") || $0.contains("error") }.suffix(30).joined(separator: "\n"))
    }

    @Test func blocksRedactsAndWarnsBeforeDeliveryInChatsAndRooms() async throws {
        var gateway = try await startGateway()
        let vault = gateway.vault
        defer {
            try? stopProsody()
            if let serve = gateway.serve { _ = vault.stop(serve) }
            vault.remove()
        }
        guard try startProsody(gateway) else { return }
        let t = vault.token
        let room = "gw-\(t)@conference.localhost"
        let run = try session(
            vault,
            [
                ["as": "alice", "chat": "bob@localhost", "body": "hello \(t)", "id": "a1"],
                ["as": "alice", "chat": "bob@localhost", "body": "whatsapp me tonight \(t)", "id": "a2"],
                ["as": "alice", "chat": "bob@localhost", "body": "my card \(Self.card) \(t)", "id": "a3"],
                ["as": "alice", "chat": "bob@localhost", "body": "returns guaranteed \(t)", "id": "a4"],
                ["as": "alice", "chat": "bob@localhost", "body": "see the card \(t)", "lang_body": "Karte \(Self.card)", "id": "a5"],
                ["as": "alice", "chat": "bob@localhost", "body": "plain \(t)", "xhtml": "card \(Self.card)", "id": "a6"],
                ["as": "alice", "chat": "bob@localhost", "body": String(repeating: "x", count: 70_000) + t, "id": "a7"],
                ["as": "alice", "chat": "bob@localhost", "body": "hello \(Self.card) \(t)", "replaces": "a1", "id": "a8"],
                ["as": "alice", "chat": "bob@localhost", "body": "fallback whatsapp me \(t)", "retracts": "a4", "id": "a9"],
                ["as": "alice", "join": room, "nick": "al"],
                ["as": "bob", "join": room, "nick": "bo"],
                ["as": "alice", "groupchat": room, "body": "signal me later \(t)", "id": "g1"],
                ["as": "alice", "groupchat": room, "body": "room card \(Self.card) \(t)", "id": "g2"],
                ["as": "alice", "chat": room + "/bo", "body": "whatsapp me privately \(t)", "id": "p1"],
                ["as": "bob", "groupchat": room, "body": "room hello \"quoted\" \\ <b>&amp; é 😀\nline \(t)", "id": "g3"],
            ])
        let log = prosodyLog()

        // One-to-one, read back through bob's own client.
        let fromAlice = run.bodies("bob", from: "alice@localhost")
        #expect(fromAlice.count == 6, "\(fromAlice)\n\(log)")
        #expect(fromAlice.contains("hello \(t)"))
        #expect(!fromAlice.contains { $0.contains("whatsapp") }, "a blocked message reached bob: \(fromAlice)")
        let redacted = fromAlice.first { $0.hasPrefix("my card") }
        #expect(redacted.map { !$0.contains(Self.card) && !$0.contains("4111") && $0.contains(t) } == true, "\(String(describing: redacted))")
        #expect(fromAlice.contains("returns guaranteed \(t)"), "a warned message is delivered unchanged")
        let blocked = try #require(run.error("alice", id: "a2"), "alice got no error for the blocked message: \(run.received("alice"))")
        #expect(blocked["type"]?.string == "modify" && blocked["condition"]?.string == "policy-violation")
        let tip = blocked["text"]?.string ?? ""
        #expect(!tip.isEmpty && !tip.contains("unreachable"), "\(tip)")
        #expect(run.error("alice", id: "a1") == nil && run.error("alice", id: "a3") == nil && run.error("alice", id: "a4") == nil)
        // Hostile shapes: a second-language body is decided too, an XHTML-IM copy (never decided)
        // is dropped, an oversized body is refused before it costs ChatVault anything.
        func delivered(_ id: String) -> JSONValue? { run.received("bob").first { $0["id"]?.string == id } }
        let twoBodies = try #require(delivered("a5"), "\(run.received("bob"))")
        #expect(twoBodies["bodies"]?.arrayValue?.count == 1, "one body, redacted: \(twoBodies)")
        #expect(!(twoBodies["body"]?.string ?? "4111").contains("4111") && twoBodies["body"]?.string.contains(t) == true, "\(twoBodies)")
        let rich = try #require(delivered("a6"), "\(run.received("bob"))")
        #expect(rich["html"]?.stringValue == nil && rich["body"]?.string == "plain \(t)", "\(rich)")
        #expect(delivered("a7") == nil)
        let correction = try #require(delivered("a8"), "\(run.received("bob"))")
        #expect(
            !correction["body"]!.string.contains("4111") && correction["body"]?.string.contains(t) == true, "a correction is decided: \(correction)")
        let retraction = try #require(delivered("a9"), "\(run.received("bob"))")
        #expect(retraction["bodies"]?.arrayValue?.isEmpty == true, "a retraction's fallback body is dropped: \(retraction)")
        #expect(run.error("alice", id: "a9") == nil)
        #expect(run.error("alice", id: "a7")?["text"]?.string.contains("too large") == true, "\(run.received("alice").suffix(3))")
        // Tips come from the server: one for the redaction, one for the warning.
        let fromServer = run.bodies("alice", from: "localhost")
        #expect(fromServer.count >= 3, "notice + two tips: \(fromServer)")

        // The notice: once to each of the two, from the server, before the first message.
        let notices = run.bodies("bob", from: "localhost")
        #expect(notices.count == 1 && !(notices.first ?? "").isEmpty, "\(notices)")
        let bobFirst = run.received("bob").first { $0["body"]?.stringValue != nil }
        #expect(bobFirst?["from"]?.string == "localhost", "the notice comes before the first message: \(run.received("bob"))")
        #expect(fromServer.first == notices.first, "alice gets the same notice first")
        #expect(run.received("carol").isEmpty, "carol is in no conversation")

        // The room: each joiner gets the notice from the room itself; blocked and redacted the same way.
        #expect(run.joined("alice") == true && run.joined("bob") == true)
        #expect(run.bodies("alice", from: room).first == notices.first, "\(run.received("alice"))")
        #expect(run.bodies("bob", from: room).first == notices.first)
        let inRoom = run.bodies("bob", from: room + "/al")
        #expect(!inRoom.contains { $0.contains("signal me") }, "\(inRoom)")
        let roomCard = inRoom.first { $0.hasPrefix("room card") }
        #expect(roomCard.map { !$0.contains("4111") && $0.contains(t) } == true, "\(inRoom)\n\(log)")
        let roomBlock = run.error("alice", id: "g1")
        #expect(roomBlock?["condition"]?.string == "policy-violation" && roomBlock?["text"]?.string == tip, "\(run.received("alice"))")
        #expect(run.error("alice", id: "p1")?["condition"]?.string == "policy-violation", "a private message in the room is policed")
        #expect(!run.received("bob").contains { $0["body"]?.string.contains("privately") == true })
        #expect(run.bodies("alice", from: room + "/bo").contains("room hello \"quoted\" \\ <b>&amp; é 😀\nline \(t)"), "hostile text passes intact")

        // The archive holds every decision, nothing redacted in the clear, and verifies.
        let hits = try vault.search(t)
        let texts = hits.compactMap { $0["text"]?.stringValue }
        #expect(hits.count == 11, "a1-a6, the correction a8, g1-g3 and p1, the blocked ones included: \(texts)")
        #expect(hits.first { $0["source_id"]?.stringValue == "alice@localhost/a8" }?["kind"]?.stringValue == "edit")
        #expect(
            Set(hits.compactMap { $0["source_id"]?.stringValue }) == [
                "alice@localhost/a1", "alice@localhost/a2", "alice@localhost/a3", "alice@localhost/a4", "alice@localhost/a5", "alice@localhost/a6",
                "alice@localhost/a8", "alice@localhost/p1", "al/g1", "al/g2", "bo/g3",
            ])
        #expect(
            hits.filter { $0["kind"]?.stringValue == "blocked" }.compactMap { $0["source_id"]?.stringValue }.sorted() == [
                "al/g1", "alice@localhost/a2", "alice@localhost/p1",
            ])
        #expect(!hits.contains { ($0["text"]?.string ?? "").contains("4111") }, "\(texts)")
        // Each person told is on record, in the direct chat and in the room.
        let report = try vault.chatvault(["report", "notices", "--vault", vault.path, "--platform", "xmpp", "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        for conversation in ["alice@localhost,bob@localhost", room] {
            let told = (report.json?.arrayValue ?? []).filter { $0["conversation"]?.string == conversation }.map { $0["participant"]?.string ?? "" }
            #expect(told.sorted() == ["alice@localhost", "bob@localhost"], "\(conversation): \(report.stdout)")
        }
        if let serve = gateway.serve { #expect(vault.stop(serve) == 0) }
        gateway.serve = nil
        let verify = try vault.chatvault(["verify", "--vault", vault.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func refusesWhenChatVaultIsDownUnlessFailOpen() async throws {
        var gateway = try await startGateway()
        let vault = gateway.vault
        defer {
            try? stopProsody()
            if let serve = gateway.serve { _ = vault.stop(serve) }
            vault.remove()
        }
        guard try startProsody(gateway) else { return }
        let t = vault.token
        let room = "down-\(t)@conference.localhost"
        let before = try session(
            vault,
            [
                ["as": "alice", "join": room, "nick": "al"], ["as": "alice", "chat": "bob@localhost", "body": "up \(t)", "id": "u1"],
            ])
        #expect(before.bodies("bob", from: "alice@localhost") == ["up \(t)"], "\(before.json)")
        if let serve = gateway.serve { #expect(vault.stop(serve) == 0) }
        gateway.serve = nil

        let closed = try session(
            vault,
            [
                ["as": "alice", "chat": "bob@localhost", "body": "while down \(t)", "id": "d1"],
                ["as": "carol", "join": room, "nick": "ca"],
            ])
        #expect(closed.bodies("bob", from: "alice@localhost").isEmpty, "\(closed.received("bob"))")
        let refused = closed.error("alice", id: "d1")
        #expect(refused?["condition"]?.string == "service-unavailable", "\(closed.received("alice"))")
        #expect(refused?["text"]?.string.contains("ChatVault archive unreachable") == true)
        #expect(closed.joined("carol") == false, "fail closed keeps a joiner out: \(closed.json)")

        // A ChatVault that accepts the connection and never answers: refused after chatvault_timeout (3 s).
        let hung = try hangingListener(port: gateway.port)
        // SIGKILL: a test runner's children may inherit SIGTERM blocked.
        defer { kill(hung.processIdentifier, SIGKILL) }
        let started = Date()
        let silent = try session(vault, [["as": "alice", "chat": "bob@localhost", "body": "hanging \(t)", "id": "h1"]])
        #expect(silent.error("alice", id: "h1")?["condition"]?.string == "service-unavailable", "\(silent.json)")
        #expect(silent.bodies("bob", from: "alice@localhost").isEmpty)
        #expect(Date().timeIntervalSince(started) >= 3, "the module waited for its timeout")
        kill(hung.processIdentifier, SIGKILL)
        hung.waitUntilExit()

        guard try startProsody(gateway, failMode: "open") else { return }
        let open = try session(vault, [["as": "alice", "chat": "bob@localhost", "body": "open \(t)", "id": "o1"]])
        #expect(open.bodies("bob", from: "alice@localhost") == ["open \(t)"], "\(open.json)")
        #expect(open.error("alice", id: "o1") == nil)
    }

    /// A TCP listener on `port` that never answers, started once it listens.
    func hangingListener(port: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import socket, time\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
                + "s.bind(('127.0.0.1', \(port)))\ns.listen(16)\nprint('listening', flush=True)\ntime.sleep(60)",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: pipe.fileHandleForReading.availableData, as: UTF8.self)
        try #require(line.contains("listening"), "the hanging listener did not start on \(port)")
        return process
    }

    @Test func refusesToLoadWithoutAToken() throws {
        let vault = try LiveVault()
        defer {
            try? stopProsody()
            vault.remove()
        }
        let blank = vault.directory.appendingPathComponent("blank.token")
        try " \n".write(to: blank, atomically: true, encoding: .utf8)
        let output = try runStartScript(Gateway(vault: vault, port: 9, tokenFile: blank), failMode: "closed")
        #expect(output.status != 0, "a Prosody without its policy gateway must not come up as if policed:\n\(output.text)")
        #expect(output.text.contains("chatvault_token (or chatvault_token_file) is required"), "\(output.text)")
    }
}
