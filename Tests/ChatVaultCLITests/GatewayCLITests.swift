import ChatVaultCore
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The gateway as an administrator sets it up with the real binary: a policy with `warn`
/// and tips, a `gateway` token, decisions through `chatvault serve`, and `verify` after.
@Suite struct GatewayCLITests {
    static let policy = """
        version: 1
        rules:
          - name: off-channel
            severity: high
            action: block
            match: '"whatsapp me"'
            tip: Use the approved channels.
          - name: hype
            severity: low
            action: warn
            match: moon

        """

    @Test func policyCheckAcceptsWarnAndTipsAndNamesTheLineOfABadOne() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let good = cli.path("good.yaml")
        try Self.policy.write(toFile: good, atomically: true, encoding: .utf8)
        let checked = try cli.run("policy", "check", good)
        #expect(checked.status == 0, "\(checked.stderr)")

        let cases: [(String, String)] = [
            (
                Self.policy.replacingOccurrences(of: "action: warn", with: "action: nag"),
                "good.yaml:10: unknown action 'nag'; expected flag, warn, redact or block"
            ),
            (
                Self.policy.replacingOccurrences(of: "action: warn", with: "action: flag\n    tip: Careful."),
                "good.yaml:11: rule 'hype': a tip is shown to the sender only for action warn, redact or block, not flag"
            ),
            (Self.policy.replacingOccurrences(of: "tip: Use the approved channels.", with: "tip: \"  \""), "good.yaml:7: tip is empty"),
            (
                Self.policy.replacingOccurrences(of: "tip: Use the approved channels.", with: "tip: " + String(repeating: "x", count: 501)),
                "good.yaml:7: tip has 501 characters; the limit is 500"
            ),
            (Self.policy.replacingOccurrences(of: "tip: Use the approved channels.", with: "tip: [a, b]"), "good.yaml:7:"),
        ]
        for (text, expected) in cases {
            try text.write(toFile: good, atomically: true, encoding: .utf8)
            let result = try cli.run("policy", "check", good)
            #expect(result.status != 0)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
        }
    }

    @Test func aGatewayTokenDecidesThroughServeAndTheVaultVerifies() async throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let file = cli.path("policy.yaml")
        try Self.policy.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try cli.run("policy", "set", "--vault", vault, file).status == 0)
        let refused = try cli.run("user", "add", "gw", "--vault", vault, "--role", "gateway", "--password-env", "NOPE")
        #expect(refused.status != 0 && refused.stderr.contains("--role must be admin, officer, reviewer or auditor"), "\(refused.stderr)")
        let created = try cli.run("token", "synapse", "--vault", vault, "--role", "gateway", "--platform", "matrix")
        #expect(created.status == 0, "\(created.stderr)")
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("cvt_"))

        let port = Int.random(in: 20_000..<40_000)
        let (server, out, _) = try cli.start(["serve", "--vault", vault, "--port", String(port), "--no-capture"])
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        for _ in 0..<100 where !((try? String(contentsOf: out, encoding: .utf8)) ?? "").contains("console on") {
            try await Task.sleep(for: .milliseconds(100))
        }
        var ping = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/gateway/ping")!)
        ping.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        var answered: JSONValue?
        for _ in 0..<100 where answered == nil {
            if let (data, _) = try? await URLSession.shared.data(for: ping) {
                answered = try? JSONParser().parse(String(decoding: data, as: UTF8.self))
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(answered?["ok"] == .bool(true), "the server answers the gateway health check")
        func decide(_ id: String, _ text: String) async throws -> JSONValue? {
            let body =
                #"{"platform":"matrix","conversation":"!r:hs","id":"\#(id)","sender":"@a:hs","sent_at":\#(Date().timeIntervalSince1970),"text":"\#(text)"}"#
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/decide")!)
            request.httpMethod = "POST"
            request.timeoutInterval = 30
            request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
            let (data, _) = try await URLSession.shared.data(for: request)
            return try JSONParser().parse(String(decoding: data, as: UTF8.self))
        }
        #expect(try await decide("$1", "hello")?["decision"]?.stringValue == "allow")
        #expect(try await decide("$2", "to the moon")?["decision"]?.stringValue == "warn")
        let blocked = try await decide("$3", "whatsapp me")
        #expect(blocked?["decision"]?.stringValue == "block")
        #expect(blocked?["tip"]?.stringValue == "Use the approved channels.")
        server.terminate()
        server.waitUntilExit()

        let verified = try cli.run("verify", "--vault", vault)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        let shown = try cli.run("show", "--vault", vault, "matrix:!r:hs")
        #expect(shown.stdout.contains("[blocked by gateway, not delivered]"), "\(shown.stdout)\(shown.stderr)")
        let alerts = try cli.run("alerts", "--vault", vault, "--json")
        #expect(alerts.stdout.contains(#""action":"warn""#) && alerts.stdout.contains(#""action":"block""#), "\(alerts.stdout)")
    }
}
