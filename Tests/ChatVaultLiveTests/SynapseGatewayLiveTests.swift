import ChatVaultCore
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Whether the gateway Synapse can be tried here.
enum SynapseGatewayPeer {
    /// Synapse runs from the peers venv (created by the start script with python3); CI requires it.
    static var runnable: Bool {
        Peers.required || FileManager.default.isExecutableFile(atPath: Peers.python)
            || FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }
}

/// integrations/synapse (the chatvault_synapse module) in a real Synapse
/// (scripts/peers/start_synapse_gateway.sh) in front of a real `chatvault serve`: what each
/// user's own client gets back and reads, and what the archive holds.
@Suite(.serialized, .enabled(if: SynapseGatewayPeer.runnable))
struct SynapseGatewayLiveTests {
    static var port: String { ProcessInfo.processInfo.environment["SYNAPSE_GATEWAY_PORT"] ?? "18018" }
    static var homeserver: String { "http://127.0.0.1:\(port)" }
    static let bot = "@chatvault:localhost"
    static let card = GatewayServe.card
    typealias Gateway = GatewayServe

    func startGateway() async throws -> Gateway {
        try await GatewayServe.start(tokenName: "synapse-gateway", platform: "matrix")
    }

    func serve(_ gateway: inout Gateway) throws { try gateway.start() }

    func answering(_ gateway: Gateway) async throws -> Bool { try await gateway.answering() }

    /// (Re)starts the gateway Synapse against `gateway`; `false` skips the test (a recorded failure when required).
    func startSynapse(_ gateway: Gateway, failMode: String = "closed") throws -> Bool {
        let output = try Peers.run(
            "/bin/bash", [Peers.scripts.appendingPathComponent("start_synapse_gateway.sh").path, gateway.url, gateway.tokenFile.path, failMode],
            environment: ["SYNAPSE_GATEWAY_PORT": Self.port])
        if output.status != 0 {
            if Peers.required { Issue.record("start_synapse_gateway.sh failed (\(output.status)):\n\(output.text)") }
            return false
        }
        return true
    }

    func stopSynapse() { _ = try? Peers.script("stop_synapse_gateway.sh") }

    func synapseLog() -> String {
        let log = (try? String(contentsOfFile: Peers.directory + "/synapse-gateway/homeserver.log", encoding: .utf8)) ?? ""
        return String(log.split(separator: "\n").filter { $0.contains("chatvault_synapse") }.suffix(20).joined(separator: "\n"))
    }

    func users() async throws -> (alice: SynapseGatewayClient, bob: SynapseGatewayClient) {
        let alice = try await SynapseGatewayClient.login(Self.homeserver, user: "alice", password: "alicepass")
        let bob = try await SynapseGatewayClient.login(Self.homeserver, user: "bob", password: "bobpass")
        return (alice, bob)
    }

    /// The archive notices the notice user posted in `room` with ChatVault's text (not the
    /// module's fallback for an unreachable ChatVault), as `reader` reads them.
    func notices(_ reader: SynapseGatewayClient, _ room: String) async throws -> [String] {
        try await reader.messages(room).filter {
            $0["sender"]?.stringValue == Self.bot && $0["content"]?["msgtype"]?.stringValue == "m.notice"
                && $0["content"]?["org.chatvault.notice"]?.stringValue == "archive"
        }.compactMap { $0["content"]?["body"]?.stringValue }
    }

    @Test func blocksRedactsAndWarnsBeforeDeliveryAndPostsTheNotice() async throws {
        var gateway = try await startGateway()
        let vault = gateway.vault
        defer {
            stopSynapse()
            if let serve = gateway.serve { _ = vault.stop(serve) }
            vault.remove()
        }
        try #require(try await answering(gateway), "chatvault serve did not answer /api/v1/gateway/ping:\n\(vault.log("serve.log"))")
        guard try startSynapse(gateway) else { return }
        let (alice, bob) = try await users()
        let t = vault.token

        // A new room and a new direct chat: the notice arrives in both, read by bob's client.
        let room = try await alice.createRoom(name: "gw-\(t)", invite: [bob.user])
        try await bob.join(room)
        let direct = try await alice.createRoom(name: "", invite: [bob.user], direct: true)
        try await bob.join(direct)
        let noticed = try await vault.eventually(20) {
            let inRoom = try await notices(bob, room)
            let inDirect = try await notices(bob, direct)
            return !inRoom.isEmpty && !inDirect.isEmpty
        }
        #expect(noticed, "no archive notice:\n\(synapseLog())\n\(vault.log("serve.log").suffix(2000))")
        let notice = try await notices(bob, room).first ?? ""
        let directNotices = try await notices(bob, direct)
        #expect(!notice.isEmpty && directNotices.contains(notice), "\(directNotices)")

        // Each person told is on record, in both conversations.
        let report = try vault.chatvault(["report", "notices", "--vault", vault.path, "--platform", "matrix", "--json"])
        #expect(report.status == 0, "\(report.stderr)")
        let rows = report.json?.arrayValue ?? []
        for conversation in [room, direct] {
            let told = rows.filter { $0["conversation"]?.string.contains(conversation) == true && !($0["received_at"]?.string ?? "").isEmpty }
                .map { $0["participant"]?.string ?? "" }
            #expect(told.contains { $0.contains(bob.user) } && told.contains { $0.contains(alice.user) }, "\(conversation): \(report.stdout)")
        }

        // Alice's messages: allowed, blocked, redacted, warned; a redacted one in the direct chat too.
        let hello = try await alice.send(room, text: "hello \(t)")
        #expect(hello.status == 200, "\(hello.text)")
        let blocked = try await alice.send(room, text: "whatsapp me tonight \(t)")
        #expect(blocked.status == 403 && blocked.json?["errcode"]?.stringValue == "M_FORBIDDEN", "\(blocked.status) \(blocked.text)")
        let tip = blocked.json?["error"]?.stringValue ?? ""
        #expect(!tip.isEmpty && !tip.contains("unreachable") && blocked.json?["org.chatvault.decision"]?.stringValue == "block", "\(tip)")
        let redacted = try await alice.send(room, text: "my card \(Self.card) \(t)")
        #expect(redacted.status == 200, "\(redacted.text)")
        let warned = try await alice.send(room, text: "returns guaranteed \(t)")
        #expect(warned.status == 200, "\(warned.text)")
        let inDirect = try await alice.send(direct, text: "direct card \(Self.card) \(t)")
        #expect(inDirect.status == 200, "\(inDirect.text)")
        // Hostile content: quotes, markup, emoji, a newline; HTML that says something else is dropped.
        let hostile = "room hello \"quoted\" \\ <b>&amp; é 😀\nline \(t)"
        let sneaky = try await bob.send(
            room, ["msgtype": "m.text", "body": hostile, "format": "org.matrix.custom.html", "formatted_body": "<b>my card \(Self.card)</b>"])
        #expect(sneaky.status == 200, "\(sneaky.text)")

        // Read back through bob's own client.
        let fromAlice = try await bob.bodies(room, from: alice.user)
        #expect(fromAlice.count == 3, "\(fromAlice)\n\(synapseLog())")
        #expect(fromAlice.contains("hello \(t)"))
        #expect(!fromAlice.contains { $0.contains("whatsapp") }, "a blocked message reached bob: \(fromAlice)")
        let card = fromAlice.first { $0.hasPrefix("my card") }
        #expect(card.map { !$0.contains("4111") && $0.contains(t) } == true, "\(String(describing: card))")
        #expect(fromAlice.contains("returns guaranteed \(t)"), "a warned message is delivered unchanged")
        let directCard = try await bob.bodies(direct, from: alice.user).first { $0.hasPrefix("direct card") }
        #expect(directCard.map { !$0.contains("4111") && $0.contains(t) } == true, "\(String(describing: directCard))")
        let bobsEvent = try await alice.messages(room).last { $0["sender"]?.stringValue == bob.user && $0["type"]?.stringValue == "m.room.message" }
        #expect(bobsEvent?["content"]?["body"]?.stringValue == hostile, "hostile text passes intact")
        #expect(bobsEvent?["content"]?["formatted_body"] == nil, "HTML saying something else is not delivered: \(String(describing: bobsEvent))")

        // Alice gets the tips in her tips room: block (the same tip), redact (twice) and warn.
        var tips: [String] = []
        let tipped = try await vault.eventually(20) {
            guard let tipsRoom = try await alice.tipsRoom() else { return false }
            // The tips room outlives a test run: only this run's rooms count.
            tips = try await alice.bodies(tipsRoom, from: Self.bot, msgtype: "m.notice").filter { $0.contains("gw-\(t)") || $0.contains(direct) }
            return tips.count >= 4
        }
        #expect(tipped, "tips: \(tips)\n\(synapseLog())")
        #expect(tips.contains { $0.hasPrefix(tip) }, "\(tips)")
        let bobsTips = try await bob.tipsRoom()
        #expect(bobsTips == nil, "bob broke no rule")

        // The archive holds every decision, nothing redacted in the clear, and verifies.
        let hits = try vault.search(t)
        let texts = hits.compactMap { $0["text"]?.stringValue }
        #expect(hits.count == 6, "hello, blocked, two cards, warned, bob's: \(texts)")
        // Events delivered as sent keep their ids in the archive (a replaced event gets a new one).
        let ids = Set(hits.compactMap { $0["source_id"]?.stringValue })
        for delivered in [hello, warned] {
            let id = delivered.json?["event_id"]?.stringValue ?? "-"
            #expect(ids.contains(id), "\(id) not in \(ids)")
        }
        let blockedRecords = hits.filter { $0["kind"]?.stringValue == "blocked" }.compactMap { $0["text"]?.stringValue }
        #expect(blockedRecords.count == 1 && blockedRecords.first?.contains("whatsapp me") == true, "\(hits)")
        #expect(!texts.contains { $0.contains("4111") }, "\(texts)")
        if let serve = gateway.serve { #expect(vault.stop(serve) == 0) }
        gateway.serve = nil
        let verify = try vault.chatvault(["verify", "--vault", vault.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func failsClosedWhenChatVaultIsDownAndOpenWhenConfigured() async throws {
        var gateway = try await startGateway()
        let vault = gateway.vault
        defer {
            stopSynapse()
            if let serve = gateway.serve { _ = vault.stop(serve) }
            vault.remove()
        }
        try #require(try await answering(gateway), "chatvault serve did not answer:\n\(vault.log("serve.log"))")
        guard try startSynapse(gateway) else { return }
        let (alice, bob) = try await users()
        let t = vault.token
        let room = try await alice.createRoom(name: "fail-\(t)", invite: [bob.user])
        try await bob.join(room)
        let before = try await alice.send(room, text: "before \(t)")
        #expect(before.status == 200, "\(before.text)")

        // An encrypted event would pass unread: the module refuses it (encrypted: refuse, the
        // default), and bob's client never sees it.
        let encrypted = try await alice.send(
            room, ["algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "AwgAEnAc\(t)", "sender_key": "k", "session_id": "s", "device_id": "D"],
            type: "m.room.encrypted")
        #expect(encrypted.status == 403, "\(encrypted.status) \(encrypted.text)")
        #expect(encrypted.json?["errcode"]?.stringValue == "M_FORBIDDEN", "\(encrypted.text)")
        #expect(encrypted.json?["error"]?.stringValue?.hasPrefix("Encrypted messages cannot be archived") == true, "\(encrypted.text)")
        #expect(try await bob.messages(room).allSatisfy { $0["type"]?.stringValue != "m.room.encrypted" })

        // ChatVault stopped: closed refuses with the explanation; nothing reaches bob.
        if let serve = gateway.serve { #expect(vault.stop(serve) == 0) }
        gateway.serve = nil
        let refused = try await alice.send(room, text: "while down \(t)")
        #expect(refused.status == 503, "\(refused.status) \(refused.text)")
        #expect(refused.json?["error"]?.stringValue == "ChatVault archive unreachable: message not sent", "\(refused.text)")

        // fail_mode open: delivered unchanged while ChatVault is down.
        guard try startSynapse(gateway, failMode: "open") else { return }
        let open = try await alice.send(room, text: "open while down \(t)")
        #expect(open.status == 200, "\(open.text)")
        let seen = try await bob.bodies(room, from: alice.user)
        #expect(seen == ["before \(t)", "open while down \(t)"], "\(seen)")

        // The archive has the one decided message and verifies.
        let hits = try vault.search(t).compactMap { $0["text"]?.stringValue }
        #expect(hits == ["before \(t)"], "\(hits)")
        let verify = try vault.chatvault(["verify", "--vault", vault.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
