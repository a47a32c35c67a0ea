import ChatVaultCapture
import ChatVaultCore
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `chatvault serve` as one long-running process: a source configured in the vault's
/// config.json is captured next to the console, `chatvault capture` of the same source is
/// refused while it runs, the sources API reports it, and SIGTERM stops everything cleanly.
/// Part of the IRC suite: its senders use the same nicks, so the tests run one at a time.
extension IRCLiveTests {
    static var ircPort: Int { Int(port) ?? 16667 }

    /// Adds `"sources"` to the vault's config.json, keeping what is there.
    func configure(_ vault: LiveVault, sources: String) throws {
        let url = URL(fileURLWithPath: vault.path).appendingPathComponent("config.json")
        var text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        text.removeLast()  // the closing brace
        try (text + ", \"sources\": " + sources + "}\n").write(to: url, atomically: true, encoding: .utf8)
    }

    static func freePort() -> Int { Int.random(in: 20_000...29_999) }

    func get(_ url: String, token: String) async throws -> (Int, JSONValue?) {
        var request = URLRequest(url: URL(string: url)!)
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSONParser().parse(String(decoding: data, as: UTF8.self)))
    }

    @Test func serveCapturesConfiguredSourcesAndStopsOnSIGTERM() async throws {
        guard Self.ngircd else { return }
        let vault = try LiveVault()
        defer { vault.remove() }
        let token = vault.token
        let channel = "#sv\(token)"
        let nick = "srv\(token.suffix(8))"
        try configure(
            vault,
            sources:
                #"[{"name": "desk-irc", "kind": "irc", "host": "127.0.0.1", "port": \#(Self.ircPort), "username": "\#(nick)", "archives": ["\#(channel)"]}]"#
        )
        let api = try vault.chatvault(["token", "monitor", "--role", "auditor", "--vault", vault.path])
        let apiToken = api.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(api.status == 0 && apiToken.hasPrefix("cvt_"), "\(api.stderr)")
        let port = Self.freePort()
        let serve = try vault.start(["serve", "--vault", vault.path, "--port", String(port)], log: "serve.log")
        defer { _ = vault.stop(serve) }
        let joined = try await vault.eventually(20) {
            try vault.transcript("irc:\(channel)").contains { $0["kind"]?.stringValue == "join" && $0["sender"]?.stringValue == nick }
        }
        #expect(joined, "\(vault.log("serve.log"))")
        // The source belongs to the server now.
        let second = try vault.chatvault(["capture", "irc", "--vault", vault.path, "--source", "desk-irc"])
        #expect(second.status == 2 && second.stderr.contains("already being captured"), "\(second.stderr)")
        let send = try vault.run(Peers.python, [Peers.scripts.appendingPathComponent("irc_send.py").path, channel, "alice:say:served \(token)"])
        #expect(send.status == 0, "\(send.stderr)")
        #expect(try await vault.eventually { try vault.search(token).count == 1 }, "\(vault.log("serve.log"))")
        let (status, sources) = try await get("http://127.0.0.1:\(port)/api/v1/sources", token: apiToken)
        #expect(status == 200)
        let row = sources?["sources"]?.arrayValue?.first { $0["name"]?.stringValue == "desk-irc" }
        #expect(row?["status"]?.stringValue == "up" && (row?["stored"]?.scalarText.flatMap { Int($0) } ?? 0) >= 1, "\(String(describing: sources))")
        // SIGTERM: the server stops taking requests, the connector finishes, the process exits 0.
        #expect(vault.stop(serve) == 0, "\(vault.log("serve.log"))")
        let trail = try vault.chatvault(["audit", "--vault", vault.path, "--json", "--limit", "200"])
        #expect(trail.stdout.contains("server.stop"), "\(trail.stdout.suffix(2000))")
    }
}
