import ChatVaultCapture
import ChatVaultCore
import Foundation
import Testing

/// `chatvault capture irc` against a real ngIRCd (scripts/peers/start_irc.sh).
@Suite(.serialized) struct IRCLiveTests {
    static let ngircd: Bool = (try? Peers.script("start_irc.sh")) ?? false

    static var port: String { ProcessInfo.processInfo.environment["NGIRCD_PORT"] ?? "16667" }

    /// `irc_send.py CHANNEL ACTION...`.
    func send(_ vault: LiveVault, _ channel: String, _ actions: [String]) throws {
        let output = try vault.run(Peers.python, [Peers.scripts.appendingPathComponent("irc_send.py").path, channel] + actions)
        try #require(output.status == 0, "irc_send.py failed: \(output.stdout)\(output.stderr)")
    }

    func capture(_ vault: LiveVault, channel: String, nick: String) throws -> Process {
        try vault.start(
            [
                "capture", "irc", "--vault", vault.path, "--server", "127.0.0.1:\(Self.port)", "--nick", nick, "--channel", channel, "--name",
                "ngircd",
                "--max-backoff", "1",
            ], log: "capture.log")
    }

    /// Waits until the logger has joined: its own join is in the archive.
    func joined(_ vault: LiveVault, channel: String, nick: String) async throws -> Bool {
        try await vault.eventually(15) {
            try vault.transcript("irc:\(channel)").contains { $0["kind"]?.stringValue == "join" && $0["sender"]?.stringValue == nick }
        }
    }

    @Test func channelAndPrivateMessagesJoinsPartsAndRedaction() async throws {
        guard Self.ngircd else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let token = vault.token
        let channel = "#cv\(token)"
        let nick = "log\(token.suffix(8))"
        let capture = try capture(vault, channel: channel, nick: nick)
        defer { _ = vault.stop(capture) }
        #expect(try await joined(vault, channel: channel, nick: nick), "\(vault.log("capture.log"))")
        // One capture per source: a second one is refused while this one runs.
        let second = try vault.chatvault([
            "capture", "irc", "--vault", vault.path, "--server", "127.0.0.1:\(Self.port)", "--nick", "x\(nick)", "--channel", channel, "--name",
            "ngircd",
        ])
        #expect(second.status == 2 && second.stderr.contains("already being captured"), "\(second.stderr)")
        let before = Date()
        try send(
            vault, channel,
            [
                "alice:say:hello \(token) from \u{2}alice\u{2}", "bob:say:card 4111 1111 1111 1111 \(token)", "alice:action:waves \(token)",
                "bob:notice:heads up \(token)", "alice:msg:\(nick):private \(token) note", "bob:part:lunch",
            ])
        let after = Date()
        let all = try await vault.eventually { try vault.search(token).count >= 5 }
        #expect(all, "\(vault.log("capture.log"))")
        let hits = try vault.search(token)
        func hit(_ text: String) -> JSONValue? { hits.first { $0["text"]?.stringValue == text } }
        let hello = try #require(hit("hello \(token) from alice"), "\(hits)")
        #expect(hello["sender"]?.stringValue == "alice")
        #expect(hello["conversation"]?.stringValue == channel)
        let sentAt = try #require(hello["sent_at"]?.stringValue.flatMap { Timestamp(iso8601: $0) })
        let seconds = Double(sentAt.microseconds) / 1_000_000
        #expect(seconds >= before.timeIntervalSince1970 - 1 && seconds <= after.timeIntervalSince1970 + 1)
        #expect(hit("* alice waves \(token)")?["sender"]?.stringValue == "alice")
        #expect(hit("heads up \(token)")?["sender"]?.stringValue == "bob")
        let direct = try #require(hit("private \(token) note"), "\(hits)")
        #expect(direct["sender"]?.stringValue == "alice")
        #expect(direct["conversation"]?.stringValue == "alice,\(nick)")
        // Each line once.
        #expect(hits.count == 5, "\(hits.map { $0["text"]?.string ?? "" })")
        // The card number was masked before it was stored.
        let card = try #require(hits.first { $0["sender"]?.stringValue == "bob" && $0["text"]?.string.hasPrefix("card") == true })
        #expect(!(card["text"]?.string.contains("4111 1111 1111 1111") ?? true), "\(card)")
        #expect(try vault.search("\"4111 1111 1111 1111\"").isEmpty)
        // Joins and parts (and quits) are events of the channel.
        let transcript = try vault.transcript("irc:\(channel)")
        let events = transcript.map { ($0["kind"]?.string ?? "", $0["sender"]?.string ?? "") }
        #expect(events.contains { $0 == ("join", "alice") } && events.contains { $0 == ("join", "bob") }, "\(events)")
        let left = try await vault.eventually(5) {
            let events = try vault.transcript("irc:\(channel)").map { ($0["kind"]?.string ?? "", $0["sender"]?.string ?? "") }
            return events.contains { $0 == ("leave", "bob") } && events.contains { $0 == ("leave", "alice") }
        }
        #expect(left, "\(events)")
        #expect(vault.stop(capture) == 0, "\(vault.log("capture.log"))")
        let state = try await vault.state("ngircd")
        #expect(state.status == .up)
        #expect(state.stored >= 10)
    }

    @Test func restartRecordsTheDownWindowAsAGap() async throws {
        guard Self.ngircd else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let token = vault.token
        let channel = "#cv\(token)"
        let nick = "log\(token.suffix(8))"
        var capture = try capture(vault, channel: channel, nick: nick)
        #expect(try await joined(vault, channel: channel, nick: nick))
        try send(vault, channel, ["alice:say:one \(token)"])
        #expect(try await vault.eventually { try vault.search(token).count == 1 })
        kill(capture.processIdentifier, SIGKILL)
        capture.waitUntilExit()
        // Said while the logger is away: IRC keeps no history, so it is lost, and the gap says so.
        try send(vault, channel, ["alice:say:lost \(token)"])
        capture = try self.capture(vault, channel: channel, nick: nick)
        defer { _ = vault.stop(capture) }
        let gap = try await vault.eventually(15) { try await vault.state("ngircd").gaps.contains { $0.kind == "down" } }
        #expect(gap, "\(vault.log("capture.log"))")
        try await Task.sleep(for: .milliseconds(500))
        try send(vault, channel, ["bob:say:two \(token)"])
        #expect(try await vault.eventually { try vault.search(token).count == 2 }, "\(vault.log("capture.log"))")
        #expect(try vault.search(token).map { $0["text"]?.string ?? "" }.sorted() == ["one \(token)", "two \(token)"])
        let state = try await vault.state("ngircd")
        #expect(state.gaps.filter { $0.kind == "down" }.count == 1)
        #expect(state.gaps.first { $0.kind == "down" }?.detail.contains("IRC keeps no history") == true)
    }

    @Test func tlsWithThePrivateCAAndRefusedWithoutIt() async throws {
        guard Self.ngircd else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let token = vault.token
        let channel = "#cv\(token)"
        let nick = "log\(token.suffix(8))"
        let tlsPort = ProcessInfo.processInfo.environment["NGIRCD_TLS_PORT"] ?? "16697"
        let ca = Peers.directory + "/ngircd/tls/ca.pem"
        let capture = try vault.start(
            [
                "capture", "irc", "--vault", vault.path, "--server", "localhost:\(tlsPort)", "--tls", "--ca-file", ca, "--nick", nick,
                "--channel", channel, "--name", "tls",
            ], log: "capture.log")
        defer { _ = vault.stop(capture) }
        #expect(try await joined(vault, channel: channel, nick: nick), "\(vault.log("capture.log"))")
        try send(vault, channel, ["alice:say:over tls \(token)"])
        #expect(try await vault.eventually { try vault.search(token).count == 1 }, "\(vault.log("capture.log"))")
        // Without the CA the server's certificate is not trusted: down, with the reason.
        let untrusted = try vault.start(
            [
                "capture", "irc", "--vault", vault.path, "--server", "localhost:\(tlsPort)", "--tls", "--nick", "x\(nick)", "--channel", channel,
                "--name", "untrusted",
            ], log: "untrusted.log")
        defer { _ = vault.stop(untrusted) }
        let refused = try await vault.eventually(10) {
            let state = try await vault.state("untrusted")
            return state.status == .down && state.lastError?.contains("CERTIFICATE_VERIFY_FAILED") == true
        }
        #expect(refused, "\(vault.log("untrusted.log"))")
    }

    @Test func serverRestartIsReportedAndTheLoggerReconnects() async throws {
        guard Self.ngircd else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let token = vault.token
        let channel = "#cv\(token)"
        let nick = "log\(token.suffix(8))"
        let capture = try capture(vault, channel: channel, nick: nick)
        defer { _ = vault.stop(capture) }
        #expect(try await joined(vault, channel: channel, nick: nick))
        try #require(try Peers.script("stop_irc.sh"))
        let down = try await vault.eventually(10) { try await vault.state("ngircd").status == .down }
        #expect(down, "\(vault.log("capture.log"))")
        try #require(try Peers.script("start_irc.sh"))
        let back = try await vault.eventually(20) {
            let state = try await vault.state("ngircd")
            return state.status == .up && state.gaps.contains { $0.kind == "down" }
        }
        #expect(back, "\(vault.log("capture.log"))")
        // Rejoined: a message after the restart is archived.
        let rejoined = try await vault.eventually(10) {
            try vault.transcript("irc:\(channel)").filter { $0["kind"]?.stringValue == "join" && $0["sender"]?.stringValue == nick }.count == 2
        }
        #expect(rejoined)
        try send(vault, channel, ["alice:say:after restart \(token)"])
        #expect(try await vault.eventually { try vault.search(token).count == 1 }, "\(vault.log("capture.log"))")
        let gap = try await vault.state("ngircd").gaps.first { $0.kind == "down" }
        #expect(gap?.detail.contains("IRC keeps no history") == true, "\(String(describing: gap))")
    }
}
