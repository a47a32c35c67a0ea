import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The `chatvault serve` the live gateway tests put a chat server's module in front of: a
/// vault with a block rule, a warn rule and default redaction, and a gateway token (also
/// written to a file the module reads).
struct GatewayServe {
    static let card = "4111 1111 1111 1111"

    static let policy = """
        version: 1
        lexicons:
          offchannel: ["whatsapp me", "signal me"]
          guarantees: ["guarant*"]
        rules:
          - name: off-channel
            severity: high
            action: block
            match: "@offchannel"
          - name: guarantees
            severity: medium
            action: warn
            match: "@guarantees"
        """

    let vault: LiveVault
    let port: Int
    var token = ""
    let tokenFile: URL
    var serve: Process?
    var url: String { "http://127.0.0.1:\(port)" }

    init(vault: LiveVault, port: Int, token: String = "", tokenFile: URL) {
        self.vault = vault
        self.port = port
        self.token = token
        self.tokenFile = tokenFile
    }

    /// A new vault with the policy and a `tokenName` gateway token for `platform`, served and answering.
    static func start(tokenName: String, platform: String) async throws -> GatewayServe {
        let vault = try LiveVault()
        let file = vault.directory.appendingPathComponent("policy.yaml")
        try policy.write(to: file, atomically: true, encoding: .utf8)
        let set = try vault.chatvault(["policy", "set", "--vault", vault.path, file.path])
        try #require(set.status == 0, "\(set.stdout)\(set.stderr)")
        let created = try vault.chatvault(["token", tokenName, "--role", "gateway", "--platform", platform, "--vault", vault.path])
        let token = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(created.status == 0 && token.hasPrefix("cvt_"), "\(created.stderr)")
        let tokenFile = vault.directory.appendingPathComponent("gateway.token")
        try (token + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        var gateway = GatewayServe(vault: vault, port: Int.random(in: 20_000...29_999), token: token, tokenFile: tokenFile)
        try gateway.start()
        try #require(try await gateway.answering(), "chatvault serve did not answer /api/v1/gateway/ping:\n\(vault.log("serve.log"))")
        return gateway
    }

    /// Starts `chatvault serve` on the vault and port.
    mutating func start() throws {
        serve = try vault.start(["serve", "--vault", vault.path, "--port", String(port)], log: "serve.log")
    }

    /// Whether `/api/v1/gateway/ping` answers 200 within 20 s.
    func answering() async throws -> Bool {
        let url = url
        let token = token
        return try await vault.eventually(20) {
            var request = URLRequest(url: URL(string: url + "/api/v1/gateway/ping")!)
            request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
            // Linux URLSession ignores task cancellation: a bounded request never hangs the suite.
            request.timeoutInterval = 5
            guard let (_, response) = try? await URLSession.shared.data(for: request) else { return false }
            return (response as? HTTPURLResponse)?.statusCode == 200
        }
    }
}
