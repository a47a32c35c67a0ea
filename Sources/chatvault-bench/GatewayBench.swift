import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultServer
import Foundation
import Hummingbird
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `chatvault-bench gateway`: `POST /api/v1/decide` from concurrent clients on loopback —
/// flat out (decisions a second) and paced at a target rate (latency at that load) — with
/// two baselines in the same run and server: the health check round trip (HTTP and the
/// client alone) and the same messages pushed one per request through `/api/v1/ingest`.
struct GatewayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway", abstract: "Gateway decisions from concurrent clients against a ping and a one-message ingest in the same run.")

    @Option(help: "Concurrent clients.")
    var clients = 8

    @Option(help: "Decisions each client asks for in each phase.")
    var messages = 2_000

    @Option(help: "Total decisions a second in the paced phase.")
    var rate = 1_000

    @Option(help: "Where the vault is written.")
    var work = ".build-bench"

    @Option(help: "Loopback port for the server.")
    var port = 18_490

    static let policy = """
        version: 1
        company_domains: [bank.example]
        lexicons:
          offchannel: ["whatsapp me", "text me", "signal me"]
          hype: ["moon", "guarant*"]
        rules:
          - name: off-channel
            severity: high
            action: block
            match: "@offchannel"
            tip: Use the approved channels.
          - name: hype
            severity: low
            action: warn
            match: "@hype"
          - name: codename
            severity: medium
            action: redact
            match: falcon

        """

    func run() async throws {
        let workURL = URL(fileURLWithPath: work)
        try FileManager.default.createDirectory(at: workURL, withIntermediateDirectories: true)
        let vault = try IngestBench.freshVault(workURL.appendingPathComponent("gateway"))
        try Self.policy.write(to: vault.policyURL, atomically: true, encoding: .utf8)
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let server = try ConsoleServer(vault: vault, archive: try vault.openArchive(), configuration: configuration, logger: logger)
        let gateway = try await server.accounts.createToken(
            name: "gw", role: .gateway, source: "gw", createdBy: "bench", platforms: ["matrix"])
        let ingest = try await server.accounts.createToken(name: "in", role: .ingest, source: "in", createdBy: "bench", platforms: ["matrix"])
        let app = server.application()
        let serving = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { serving.cancel() }
        try await IngestBench.waitUntilUp(port: port)
        print("gateway: \(clients) clients × \(messages) requests per phase on loopback, client and server in this process")

        let counts = DecisionCounts()
        let ping = try await phase("ping round trip (baseline)") { _, _ in
            try await Self.request(port: self.port, path: "/api/v1/gateway/ping", token: gateway, body: nil)
        }
        let ingested = try await phase("ingest, one message a request (baseline)") { c, i in
            try await Self.request(
                port: self.port, path: "/api/v1/ingest", token: ingest, body: "[" + Self.message(phase: "i", client: c, index: i) + "]")
        }
        let flat = try await phase("decide, flat out") { c, i in
            let answer = try await Self.request(
                port: self.port, path: "/api/v1/decide", token: gateway, body: Self.message(phase: "d", client: c, index: i))
            await counts.add(answer)
        }
        let paced = try await phase("decide, paced at \(rate)/s", pacing: Double(clients) / Double(rate)) { c, i in
            let answer = try await Self.request(
                port: self.port, path: "/api/v1/decide", token: gateway, body: Self.message(phase: "p", client: c, index: i))
            await counts.add(answer)
        }
        let stored = try await vault.openArchive().statistics().messages
        let expected = 3 * clients * messages
        guard stored == expected else { throw ValidationError("stored \(stored) messages, expected \(expected)") }
        print("decisions: \(await counts.summary); stored \(stored) records (ingest + decisions), none twice")
        print(String(format: "ratio decide / ping: %.2f× the rate, p99 %.2f×", flat.rate / ping.rate, flat.p99 / ping.p99))
        print(String(format: "ratio decide / one-message ingest: %.2f× the rate, p99 %.2f×", flat.rate / ingested.rate, flat.p99 / ingested.p99))
        print(
            String(
                format: "paced: %.0f decisions/s achieved, p50 %.2f ms, p99 %.2f ms (aim: p99 ≤ 5 ms at 1,000/s)", paced.rate, paced.p50, paced.p99))
    }

    struct Phase {
        var rate: Double
        var p50: Double
        var p99: Double
    }

    /// Runs `clients` concurrent loops of `messages` requests; with `pacing`, each client
    /// starts a request every `pacing` seconds (an open loop: a late answer does not slow the schedule).
    func phase(_ name: String, pacing: Double? = nil, _ body: @escaping @Sendable (Int, Int) async throws -> Void) async throws -> Phase {
        let latencies = LatencyLog()
        let (clients, messages) = (self.clients, self.messages)
        let cost = try await Measure.run {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        let start = Measure.now() + (pacing ?? 0) * Double(c) / Double(clients)
                        for i in 0..<messages {
                            if let pacing {
                                let due = start + pacing * Double(i)
                                let wait = due - Measure.now()
                                if wait > 0 { try await Task.sleep(for: .microseconds(Int(wait * 1_000_000))) }
                            }
                            let t0 = Measure.now()
                            try await body(c, i)
                            await latencies.add(Measure.now() - t0)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let sorted = await latencies.values.sorted()
        func ms(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1000 }
        let result = Phase(rate: Double(sorted.count) / cost.wall, p50: ms(0.5), p99: ms(0.99))
        print(
            String(
                format: "%@ %7.0f req/s wall, %7.0f req/CPU-s, p50 %.2f ms, p99 %.2f ms", name.padding(toLength: 44, withPad: " ", startingAt: 0),
                result.rate, Double(sorted.count) / cost.cpu, result.p50, result.p99))
        return result
    }

    /// A chat-like message: mostly plain, some with a card number (redact), a warn word, or
    /// an off-channel request (block).
    static func message(phase: String, client: Int, index: Int) -> String {
        let text =
            switch index % 20 {
            case 0: "card 4111 1111 1111 1111 for the refund"
            case 1: "whatsapp me after the call"
            case 2: "this one goes to the moon"
            case 3: "falcon kickoff moved to friday"
            default: "status update \(index) on ticket \(client)-\(index % 50), all good"
            }
        return
            #"{"platform":"matrix","conversation":"!room\#(client)-\#(index % 10):bank.example","id":"$\#(phase)\#(client)-\#(index)","sender":"@agent\#(client):bank.example","recipients":["@peer\#(index % 10):bank.example"],"sent_at":\#(Date().timeIntervalSince1970),"text":"\#(text)"}"#
    }

    /// Sends one request and returns the body; anything but 200 is an error.
    @discardableResult
    static func request(port: Int, path: String, token: String, body: String?) async throws -> Data {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        if let body {
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ValidationError("\(path) answered \((response as? HTTPURLResponse)?.statusCode ?? 0): \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }
}

/// How many decisions of each kind the run received.
actor DecisionCounts {
    private var counts: [String: Int] = [:]

    func add(_ answer: Data) {
        let decision = (try? JSONParser().parse(String(decoding: answer, as: UTF8.self)))?["decision"]?.stringValue ?? "?"
        counts[decision, default: 0] += 1
    }

    var summary: String { counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
}
