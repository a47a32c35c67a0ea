import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultServer
import Foundation
import Hummingbird
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
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
        let ping = try await phase("ping round trip (baseline)", token: gateway) { client, _, _ in
            try Self.expectOK(client.send("GET", "/api/v1/gateway/ping"))
        }
        let ingested = try await phase("ingest, one message a request (baseline)", token: ingest) { client, c, i in
            try Self.expectOK(client.send("POST", "/api/v1/ingest", body: "[" + Self.message(phase: "i", client: c, index: i) + "]"))
        }
        let flat = try await phase("decide, flat out", token: gateway) { client, c, i in
            counts.add(try Self.expectOK(client.send("POST", "/api/v1/decide", body: Self.message(phase: "d", client: c, index: i))))
        }
        let paced = try await phase("decide, paced at \(rate)/s", token: gateway, pacing: Double(clients) / Double(rate)) { client, c, i in
            counts.add(try Self.expectOK(client.send("POST", "/api/v1/decide", body: Self.message(phase: "p", client: c, index: i))))
        }
        let disk = try Self.syncFloor(in: workURL)
        print(
            String(
                format: "%@ p50 %.2f ms, p99 %.2f ms", "disk: 8 KB append + fdatasync alone".padding(toLength: 44, withPad: " ", startingAt: 0),
                disk.p50, disk.p99))
        let stored = try await vault.openArchive().statistics().messages
        let expected = 3 * clients * messages
        guard stored == expected else { throw ValidationError("stored \(stored) messages, expected \(expected)") }
        print("decisions: \(counts.summary); stored \(stored) records (ingest + decisions), none twice")
        print(String(format: "ratio decide / ping: %.2f× the rate, p99 %.2f×", flat.rate / ping.rate, flat.p99 / ping.p99))
        print(String(format: "ratio decide / one-message ingest: %.2f× the rate, p99 %.2f×", flat.rate / ingested.rate, flat.p99 / ingested.p99))
        print(
            String(
                format: "paced: %.0f decisions/s achieved, p50 %.2f ms, p99 %.2f ms (aim: p99 ≤ 5 ms at 1,000/s)", paced.rate, paced.p50, paced.p99))
        print(
            String(
                format: "ratio paced decide / one durable disk write: p50 %.2f×, p99 %.2f× (a decision is answered only once it is on disk)",
                paced.p50 / disk.p50, paced.p99 / disk.p99))
    }

    /// The floor under any durable answer on this disk, measured in the same run: an
    /// 8 KB append to a file in the vault's folder followed by `fdatasync`, one at a time.
    static func syncFloor(in folder: URL, rounds: Int = 400) throws -> (p50: Double, p99: Double) {
        let path = folder.appendingPathComponent("sync-floor.bin").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
        guard fd >= 0 else { throw ValidationError("cannot open \(path)") }
        defer {
            close(fd)
            unlink(path)
        }
        let block = [UInt8](repeating: 0x5A, count: 8192)
        var latencies: [Double] = []
        for _ in 0..<rounds {
            let t0 = Measure.now()
            guard block.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == block.count, fdatasync(fd) == 0 else {
                throw ValidationError("cannot write \(path)")
            }
            latencies.append(Measure.now() - t0)
        }
        latencies.sort()
        return (latencies[rounds / 2] * 1000, latencies[rounds * 99 / 100] * 1000)
    }

    struct Phase {
        var rate: Double
        var p50: Double
        var p99: Double
    }

    /// Runs `clients` concurrent loops of `messages` requests, each on its own thread with
    /// its own kept-alive connection; with `pacing`, each client starts a request every
    /// `pacing` seconds (an open loop: a late answer does not move the schedule, and the
    /// latency counts from the time the request was due).
    func phase(
        _ name: String, token: String, pacing: Double? = nil, _ body: @escaping @Sendable (LoopbackClient, Int, Int) throws -> Void
    ) async throws -> Phase {
        let (clients, messages, port) = (self.clients, self.messages, self.port)
        let results = PhaseResults()
        let cost = await Measure.run {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let group = DispatchGroup()
                for c in 0..<clients {
                    group.enter()
                    Thread.detachNewThread {
                        defer { group.leave() }
                        let client = LoopbackClient(port: port, token: token)
                        var latencies: [Double] = []
                        latencies.reserveCapacity(messages)
                        let start = Measure.now() + (pacing ?? 0) * Double(c) / Double(clients)
                        do {
                            for i in 0..<messages {
                                var t0 = Measure.now()
                                if let pacing {
                                    let due = start + pacing * Double(i)
                                    if due > t0 { usleep(useconds_t((due - t0) * 1_000_000)) }
                                    t0 = due
                                }
                                try body(client, c, i)
                                latencies.append(Measure.now() - t0)
                            }
                            results.add(latencies)
                        } catch {
                            results.fail(error)
                        }
                    }
                }
                group.notify(queue: .global()) { done.resume() }
            }
        }
        let sorted = try results.sortedLatencies()
        func ms(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1000 }
        let result = Phase(rate: Double(sorted.count) / cost.wall, p50: ms(0.5), p99: ms(0.99))
        print(
            String(
                format: "%@ %7.0f req/s wall, %7.0f req/CPU-s, p50 %.2f ms, p99 %.2f ms", name.padding(toLength: 44, withPad: " ", startingAt: 0),
                result.rate, Double(sorted.count) / cost.cpu, result.p50, result.p99))
        return result
    }

    @discardableResult
    static func expectOK(_ answer: (status: Int, body: [UInt8])) throws -> [UInt8] {
        guard answer.status == 200 else { throw ValidationError("answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))") }
        return answer.body
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
}

/// How many decisions of each kind the run received (from the client threads).
final class DecisionCounts: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func add(_ answer: [UInt8]) {
        let decision = (try? JSONParser().parse(String(decoding: answer, as: UTF8.self)))?["decision"]?.stringValue ?? "?"
        counts.withLock { $0[decision, default: 0] += 1 }
    }

    var summary: String { counts.withLock { $0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
}

/// The latencies of a phase's client threads, or the first error one of them met.
final class PhaseResults: Sendable {
    private let state = Mutex<(latencies: [Double], error: (any Error)?)>(([], nil))

    func add(_ latencies: [Double]) { state.withLock { $0.latencies += latencies } }

    func fail(_ error: any Error) { state.withLock { $0.error = $0.error ?? error } }

    func sortedLatencies() throws -> [Double] {
        let (latencies, error) = state.withLock { $0 }
        if let error { throw error }
        return latencies.sorted()
    }
}
