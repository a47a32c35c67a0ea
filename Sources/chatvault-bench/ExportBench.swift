import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultExport
import Foundation

/// `swift run -c release chatvault-bench export --vault DIR`: JSONL and EML export of a
/// whole vault, with a proof per message, beside writing the same canonical records to a
/// file with nothing else (the floor) in the same run.
struct ExportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export throughput (JSONL, EML) against a plain dump.")

    @Option(help: "The vault to export (e.g. one left by `chatvault-bench importers`).")
    var vault = ".build-bench/importers-1000000/vault-jsonl"

    func run() async throws {
        let opened = try Vault.open(at: URL(fileURLWithPath: vault))
        let archive = try opened.openSQLiteArchive()
        let total = try await archive.statistics().messages
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-export-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)

        let dump = try await Measure.run {
            let records = try archive.canonicalRecordsForBenchmark()
            var out = Data()
            for record in records {
                out.append(contentsOf: record)
                out.append(0x0A)
            }
            try out.write(to: scratch.appendingPathComponent("dump.jsonl"))
        }
        print(String(format: "plain dump  %9.0f msg/s  (%d messages, records only, no proofs)", Double(total) / dump.wall, total))
        for format in [ExportFormat.jsonl, .eml] {
            let exporter = Exporter(archive: archive, format: format, actor: "bench")
            let out = scratch.appendingPathComponent(format.rawValue)
            var exported = 0
            let cost = try await Measure.run {
                exported = try await exporter.run(SearchRequest(query: nil), description: [:], to: out).messages
            }
            let rate = Double(exported) / cost.wall
            print(
                String(
                    format: "%-5@ export %9.0f msg/s  %9.0f msg/CPU-s  %.2f× the plain dump  (%d messages with proofs)", format.rawValue, rate,
                    Double(exported) / cost.cpu, rate / (Double(total) / dump.wall), exported))
        }
    }
}
