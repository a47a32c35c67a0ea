import Foundation

/// Prints the figures, each beside the baseline measured in the same run.
struct BenchReport {
    var messages: Int
    var corpusBytes: Int
    var vaultBytes: Int
    var importCost: Measure.Cost
    var baselineCost: Measure.Cost?
    var queries: [ReferenceQuery]
    var search: [String: [Double]]
    var baselineSearch: [String: [Double]]
    var verifyCost: Measure.Cost
    var verifyBytes: Int
    var shaCost: Measure.Cost
    var shaBytes: Int
    var verifyIntact: Bool

    func f(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

    func print() {
        let n = Double(messages)
        let mb = Double(corpusBytes) / 1e6
        Swift.print("")
        Swift.print("== import (durable batches, FTS5 index, Merkle log, signed checkpoints) ==")
        Swift.print(
            "chatvault       \(f(n / importCost.wall, 0)) msg/s wall, \(f(n / importCost.cpu, 0)) msg/CPU-s, \(f(mb / importCost.wall)) MB/s, vault \(vaultBytes / 1_000_000) MB"
        )
        if let baselineCost {
            Swift.print("plain FTS5      \(f(n / baselineCost.wall, 0)) msg/s wall, \(f(n / baselineCost.cpu, 0)) msg/CPU-s")
            Swift.print(
                "ratio           \(f(baselineCost.cpu / importCost.cpu, 2))× the baseline's messages per CPU-second, \(f(baselineCost.wall / importCost.wall, 2))× per wall second"
            )
        }
        Swift.print("")
        Swift.print("== search: 20 reference queries, top 50 with snippets, p50 / p95 ms ==")
        Swift.print("kind       chatvault (newest first)   plain FTS5 (bm25)   p95 ratio")
        for kind in ReferenceQuery.kinds + ["ALL"] {
            let ids = Set(queries.filter { kind == "ALL" || $0.kind == kind }.map(\.id))
            let ours = ids.flatMap { search[$0] ?? [] }
            let theirs = ids.flatMap { baselineSearch[$0] ?? [] }
            let o50 = Measure.percentile(ours, 50) * 1000, o95 = Measure.percentile(ours, 95) * 1000
            var line =
                kind.padding(toLength: 11, withPad: " ", startingAt: 0)
                + "\(f(o50, 2)) / \(f(o95, 2))".padding(toLength: 27, withPad: " ", startingAt: 0)
            if !theirs.isEmpty {
                let t50 = Measure.percentile(theirs, 50) * 1000, t95 = Measure.percentile(theirs, 95) * 1000
                line += "\(f(t50, 2)) / \(f(t95, 2))".padding(toLength: 20, withPad: " ", startingAt: 0) + "\(f(t95 / o95, 1))× faster"
            }
            Swift.print(line)
        }
        Swift.print("")
        Swift.print("== verify ==")
        let verifyRate = Double(verifyBytes) / 1e6 / verifyCost.wall
        let shaRate = Double(shaBytes) / 1e6 / shaCost.wall
        Swift.print(
            "verify          \(f(verifyRate, 0)) MB/s of canonical records (\(verifyBytes / 1_000_000) MB, \(f(verifyCost.wall, 2)) s), intact: \(verifyIntact)"
        )
        Swift.print("raw SHA-256     \(f(shaRate, 0)) MB/s on the same message records in memory")
        Swift.print("ratio           verify runs at \(f(100 * verifyRate / shaRate, 0))% of raw SHA-256 speed")
    }
}
