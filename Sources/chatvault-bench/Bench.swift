import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation

/// `swift run -c release chatvault-bench`: import, search and verify figures for ChatVault
/// against a plain SQLite FTS5 loader and raw SHA-256, measured in the same run on the
/// same seeded corpus (../shared/bench).
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chatvault-bench",
        abstract: "ChatVault's benchmarks, each against a baseline measured in the same run.",
        subcommands: [
            ArchiveBench.self, RedactionBench.self, ImporterBench.self, ExportBench.self, PolicyBench.self, IngestBench.self, GatewayBench.self,
        ],
        defaultSubcommand: ArchiveBench.self)
}

struct ArchiveBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Import, search and verify against a plain SQLite FTS5 loader and raw SHA-256.")

    @Option(help: "Messages in the generated corpus.")
    var messages = 1_000_000

    @Option(help: "The shared benchmark folder (corpus generator and reference queries).")
    var shared = "../shared/bench"

    @Option(help: "Where corpora and vaults are written (kept between runs; corpora are reused).")
    var work = ".build-bench"

    @Option(help: "Timed repetitions of each reference query.")
    var reps = 10

    @Option(name: .customLong("batch-size"), help: "Messages per durable batch in ChatVault's import.")
    var batchSize = 10_000

    @Flag(help: "Skip the plain-SQLite baseline (faster; ratios are then omitted).")
    var skipBaseline = false

    @Flag(help: "Import without the redaction stage, to measure the archive alone.")
    var withoutRedaction = false

    @Option(help: "A policy file (docs/POLICY.md) installed in the vault before the import; its IM-use rules are evaluated on every message.")
    var policy: String?

    @Option(help: "ChatVault's search order for the reference queries: newest or relevance (the baseline always orders by bm25).")
    var order: BenchOrder = .newest

    @Option(
        name: .customLong("growth-steps"),
        help: "Import the corpus in this many equal parts into one vault and report each part's CPU per message (cost growth with size).")
    var growthSteps = 1

    func run() async throws {
        let workURL = URL(fileURLWithPath: work)
        try FileManager.default.createDirectory(at: workURL, withIntermediateDirectories: true)
        let corpus = try BenchCorpus.prepare(messages: messages, shared: shared, work: workURL)
        let corpusBytes = try FileManager.default.attributesOfItem(atPath: corpus.native.path)[.size] as? Int ?? 0
        print("corpus: \(messages) messages, \(corpusBytes / 1_000_000) MB ChatVault JSONL (\(corpus.native.lastPathComponent))")
        let queries = try ReferenceQuery.load(shared: shared)

        // ChatVault: JSONL → pipeline → archive with synchronous=FULL, FTS5 index and the Merkle log.
        let vaultURL = workURL.appendingPathComponent("vault-\(messages)")
        try? FileManager.default.removeItem(at: vaultURL)
        let vault = try Vault.create(at: vaultURL)
        if let policy { try FileManager.default.copyItem(at: URL(fileURLWithPath: policy), to: vault.policyURL) }
        let archive = try vault.openSQLiteArchive()
        let usePolicy = try PolicyStage.forVault(vault)
        let importer = Importer(
            archive: archive, redaction: withoutRedaction ? nil : try RedactionStage.forVault(vault), policy: usePolicy, actor: "bench",
            batchSize: batchSize)
        print(
            "import pipeline: JSONL parse, \(withoutRedaction ? "no redaction" : "redaction"), \(usePolicy == nil ? "no IM-use policy" : "IM-use policy \(policy ?? "")"), archive"
        )
        let parts = try BenchCorpus.split(corpus.native, messages: messages, into: max(1, growthSteps), work: workURL)
        var growth: [BenchReport.Part] = []
        let written0 = Measure.bytesWritten()
        let importCost = try await Measure.run {
            for part in parts {
                let cost = try await Measure.run { _ = try await importer.importFile(part.url.path) }
                growth.append(BenchReport.Part(messages: part.messages, cost: cost))
            }
        }
        let importWritten = written0.flatMap { start in Measure.bytesWritten().map { $0 - start } }
        if parts.count > 1 { for part in parts { try? FileManager.default.removeItem(at: part.url) } }
        let stats = try await archive.statistics()
        let vaultBytes = Measure.directorySize(vaultURL)

        var baselineCost: Measure.Cost?
        var baselineWritten: Int?
        var baselineBytes: Int?
        var baselineSearch: [String: [Double]] = [:]
        if !skipBaseline {
            let path = workURL.appendingPathComponent("baseline-\(messages).sqlite").path
            let baseline = PlainSQLiteBaseline(path: path)
            let before = Measure.bytesWritten()
            baselineCost = try await Measure.run { try baseline.load(corpus: corpus.reference.path) }
            baselineWritten = before.flatMap { start in Measure.bytesWritten().map { $0 - start } }
            baselineBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            baselineSearch = try baseline.query(queries, reps: reps)
        }

        var search: [String: [Double]] = [:]
        for query in queries {
            let request = query.request(order: order.request)
            _ = try await archive.search(request)
            var samples: [Double] = []
            for _ in 0..<reps {
                let started = Measure.now()
                _ = try await archive.search(request)
                samples.append(Measure.now() - started)
            }
            search[query.id] = samples
        }

        let verifyStart = Measure.now()
        let verifyCost = try await Measure.run { _ = try await archive.verify() }
        _ = verifyStart
        let report = try await archive.verify()
        let records = try archive.canonicalRecordsForBenchmark()
        let shaCost = await Measure.run { Measure.sha256(records) }

        BenchReport(
            messages: stats.messages, corpusBytes: corpusBytes, vaultBytes: vaultBytes, importCost: importCost, baselineCost: baselineCost,
            importWritten: importWritten, baselineWritten: baselineWritten, baselineBytes: baselineBytes, growth: growth, order: order.request,
            queries: queries, search: search, baselineSearch: baselineSearch, verifyCost: verifyCost, verifyBytes: report.bytesHashed,
            shaCost: shaCost, shaBytes: records.reduce(0) { $0 + $1.count }, verifyIntact: report.isIntact
        ).print()
    }
}

/// `--order`: the search order of ChatVault's side of the reference queries.
enum BenchOrder: String, ExpressibleByArgument {
    case newest, relevance

    var request: SearchRequest.Order { self == .newest ? .newest : .relevance }
}
