import ChatVaultArchive
import Foundation

/// Prints the figures, each beside the baseline measured in the same run.
struct BenchReport {
    var messages: Int
    var corpusBytes: Int
    var vaultBytes: Int
    var importCost: Measure.Cost
    var baselineCost: Measure.Cost?
    /// Bytes written to storage during each import (`nil` where the kernel keeps no count).
    var importWritten: Int?
    var baselineWritten: Int?
    /// The plain FTS5 database's size after its load.
    var baselineBytes: Int?
    /// ChatVault's import part by part, into one vault (one part without `--growth-steps`).
    var growth: [Part]
    var order: SearchRequest.Order
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
            Swift.print(
                "plain FTS5      \(f(n / baselineCost.wall, 0)) msg/s wall, \(f(n / baselineCost.cpu, 0)) msg/CPU-s\(baselineBytes.map { ", database \($0 / 1_000_000) MB" } ?? "")"
            )
            Swift.print(
                "ratio           \(f(baselineCost.cpu / importCost.cpu, 2))× the baseline's messages per CPU-second (\(Measure.speedLabel(baselineCost.cpu / importCost.cpu))), \(f(baselineCost.wall / importCost.wall, 2))× per wall second"
            )
            if let baselineBytes, baselineBytes > 0 {
                Swift.print("vault size      \(f(Double(vaultBytes) / Double(baselineBytes), 2))× the plain FTS5 database")
            }
        }
        if let importWritten {
            var line =
                "bytes written   chatvault \(f(Double(importWritten) / 1e6, 0)) MB, \(f(Double(importWritten) / Double(max(vaultBytes, 1)), 1))× its vault"
            if let baselineWritten, let baselineBytes, baselineBytes > 0 {
                line +=
                    "; plain FTS5 \(f(Double(baselineWritten) / 1e6, 0)) MB, \(f(Double(baselineWritten) / Double(baselineBytes), 1))× its database"
            }
            Swift.print(line)
        }
        if growth.count > 1, let first = growth.first, let last = growth.last {
            Swift.print("growth          CPU µs per message, part by part into one vault:")
            var imported = 0
            for part in growth {
                imported += part.messages
                Swift.print(
                    "  up to \(imported) messages: \(f(part.cost.cpu / Double(part.messages) * 1e6, 1)) µs/msg CPU, \(f(Double(part.messages) / part.cost.wall, 0)) msg/s wall"
                )
            }
            let ratio = (last.cost.cpu / Double(last.messages)) / (first.cost.cpu / Double(first.messages))
            Swift.print("  last part / first part: \(f(ratio, 2))× the CPU per message")
        }
        Swift.print("")
        Swift.print("== search: 20 reference queries, top 50 with snippets, p50 / p95 ms ==")
        Swift.print(
            "kind       chatvault (\(order == .newest ? "newest first" : "relevance"))".padding(toLength: 38, withPad: " ", startingAt: 0)
                + "plain FTS5 (bm25)   p95 ratio")
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
                line += "\(f(t50, 2)) / \(f(t95, 2))".padding(toLength: 20, withPad: " ", startingAt: 0) + Measure.speedLabel(t95 / o95)
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

extension BenchReport {
    /// One part of a growth run: its messages and what importing them cost.
    struct Part {
        var messages: Int
        var cost: Measure.Cost
    }
}
