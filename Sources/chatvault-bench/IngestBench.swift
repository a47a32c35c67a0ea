import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultServer
import Foundation
import Hummingbird
import Logging

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `chatvault-bench ingest`: messages a second through `POST /api/v1/ingest` from concurrent
/// clients on loopback, against importing the same messages from a file with the same batch
/// size in the same run (the pipeline without HTTP).
struct IngestBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "HTTP ingest from concurrent clients against a file import of the same batches.")

    @Option(help: "Concurrent clients.")
    var clients = 8

    @Option(help: "Messages each client sends.")
    var messages = 10_000

    @Option(help: "Messages per request (and per import batch in the baseline).")
    var batch = 500

    @Option(help: "Where the vaults are written.")
    var work = ".build-bench"

    @Option(help: "Loopback port for the server.")
    var port = 18_480

    func run() async throws {
        let workURL = URL(fileURLWithPath: work)
        try FileManager.default.createDirectory(at: workURL, withIntermediateDirectories: true)
        let total = clients * messages
        let lines = (0..<clients).map { c in (0..<messages).map { Self.line(client: c, index: $0) } }
        print("ingest: \(clients) clients × \(messages) messages, \(batch) per request")

        // Baseline: the same messages imported from a file with the same batch size.
        let baselineVault = try Self.freshVault(workURL.appendingPathComponent("ingest-baseline"))
        let file = workURL.appendingPathComponent("ingest-\(total).jsonl")
        try (lines.joined().joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let importer = try Importer.forVault(baselineVault, archive: try baselineVault.openArchive(), actor: "bench", batchSize: batch)
        let direct = try await Measure.run { _ = try await importer.importFile(file.path) }

        // HTTP: a server on loopback, one token, `clients` concurrent senders.
        let vault = try Self.freshVault(workURL.appendingPathComponent("ingest-http"))
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        // The corpus has fixed dates; the ingest window around now is not what is measured.
        configuration.maxBackdateDays = 36_500
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let server = try ConsoleServer(vault: vault, archive: try vault.openArchive(), configuration: configuration, logger: logger)
        let token = try await server.accounts.createToken(
            name: "bench", role: .ingest, source: "bench", createdBy: "bench", platforms: ["webchat"])
        let app = server.application()
        let serving = Task { try await app.runService(gracefulShutdownSignals: []) }
        try await Self.waitUntilUp(port: port)
        let latencies = LatencyLog()
        let http = try await Measure.run {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        for start in stride(from: 0, to: messages, by: batch) {
                            let body = "[" + lines[c][start..<min(start + batch, messages)].joined(separator: ",") + "]"
                            let t0 = Measure.now()
                            try await Self.post(port: port, token: token, body: body)
                            await latencies.add(Measure.now() - t0)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        serving.cancel()
        let stored = try await vault.openArchive().statistics().messages
        guard stored == total else { throw ValidationError("stored \(stored) messages, expected \(total)") }
        let sorted = await latencies.values.sorted()
        func ms(_ q: Double) -> String { String(format: "%.1f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1000) }
        let httpRate = Double(total) / http.wall
        let directRate = Double(total) / direct.wall
        print(String(format: "file import (baseline): %.0f msg/s wall, %.0f msg/CPU-s", directRate, Double(total) / direct.cpu))
        print(
            String(
                format: "HTTP ingest:            %.0f msg/s wall, %.0f msg/CPU-s (client and server in this process)", httpRate,
                Double(total) / http.cpu))
        print(
            String(
                format: "ratio HTTP / file import: %.2f×; per request p50 %@ ms, p95 %@ ms, p99 %@ ms; stored %d, no duplicates",
                httpRate / directRate, ms(0.5), ms(0.95), ms(0.99), stored))
    }

    static func line(client: Int, index: Int) -> String {
        let minute = index / 60
        let text = index % 97 == 0 ? "card 4111 1111 1111 1111 for the refund" : "status update \(index) on ticket \(client)-\(index % 50), all good"
        return
            #"{"platform":"webchat","conversation":"queue-\#(client)-\#(index % 20)","id":"c\#(client)-\#(index)","sender":{"id":"agent\#(client)@bank.example"},"recipients":[{"id":"customer\#(index % 20)@mail.example"}],"sent_at":"2026-11-2\#(1 + client % 8)T\#(String(format: "%02d", 8 + minute / 60 % 10)):\#(String(format: "%02d", minute % 60)):\#(String(format: "%02d", index % 60))Z","text":"\#(text)"}"#
    }

    static func freshVault(_ url: URL) throws -> Vault {
        try? FileManager.default.removeItem(at: url)
        return try Vault.create(at: url, internalDomains: ["bank.example"])
    }

    static func waitUntilUp(port: Int) async throws {
        for _ in 0..<100 {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/api/v1/health")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the server did not come up on port \(port)")
    }

    static func post(port: Int, token: String, body: String) async throws {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/ingest")!)
        request.httpMethod = "POST"
        request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ValidationError("ingest answered \((response as? HTTPURLResponse)?.statusCode ?? 0): \(String(decoding: data, as: UTF8.self))")
        }
    }
}

actor LatencyLog {
    var values: [Double] = []
    func add(_ value: Double) { values.append(value) }
}
