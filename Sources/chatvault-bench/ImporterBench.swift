import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation

/// `swift run -c release chatvault-bench importers`: the Slack and WhatsApp importers on a
/// generated export of N messages, each beside ChatVault JSONL carrying the same messages,
/// imported the same way (redaction on, durable batches) in the same run.
struct ImporterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "importers", abstract: "Slack and WhatsApp import throughput against ChatVault JSONL of the same messages.")

    @Option(help: "Messages in each generated export.")
    var messages = 1_000_000

    @Option(help: "Where exports and vaults are written.")
    var work = ".build-bench"

    func run() async throws {
        let root = URL(fileURLWithPath: work).appendingPathComponent("importers-\(messages)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let corpus = GeneratedChat(count: messages)
        let slack = root.appendingPathComponent("slack")
        let whatsapp = root.appendingPathComponent("chat.txt")
        let jsonl = root.appendingPathComponent("same.jsonl")
        if !FileManager.default.fileExists(atPath: jsonl.path) {
            print("generating \(messages) messages as a Slack export, a WhatsApp chat and ChatVault JSONL…")
            try corpus.writeSlack(to: slack)
            try corpus.writeWhatsApp(to: whatsapp)
            try corpus.writeJSONL(to: jsonl)
        }

        let baseline = try await importRun("jsonl", path: jsonl.path, format: ChatVaultJSONL(), root: root)
        for (name, path) in [("slack", slack.path), ("whatsapp", whatsapp.path)] {
            guard let format = ImportFormats.named(name) else { throw BenchError("no \(name) importer") }
            let run = try await importRun(name, path: path, format: format, root: root)
            print(String(format: "  %@: %.2f× the JSONL import's messages per CPU-second", name, run.perCPU / baseline.perCPU))
        }
    }

    struct Run {
        var perCPU: Double
    }

    func importRun(_ name: String, path: String, format: any ImportFormat, root: URL) async throws -> Run {
        let vaultURL = root.appendingPathComponent("vault-\(name)")
        try? FileManager.default.removeItem(at: vaultURL)
        let vault = try Vault.create(at: vaultURL)
        let importer = try Importer.forVault(vault, archive: try vault.openArchive(), actor: "bench", batchSize: 10_000)
        var report: Importer.FileReport?
        let cost = try await Measure.run { report = try await importer.importFile(path, format: format) }
        let bytes = Measure.directorySize(URL(fileURLWithPath: path))
        let size = bytes > 0 ? bytes : ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
        let n = Double(report?.imported ?? 0)
        print(
            String(
                format: "%-9@ %8.0f msg/s wall  %8.0f msg/CPU-s  %6.1f MB/s  (%d imported, %d rejected)", name, n / cost.wall, n / cost.cpu,
                Double(size) / 1e6 / cost.wall, report?.imported ?? 0, report?.rejected ?? 0))
        return Run(perCPU: n / cost.cpu)
    }
}

/// A seeded workplace chat written out in three formats with the same messages.
struct GeneratedChat {
    let count: Int
    let people = (0..<40).map { "user\($0)" }
    let words = "the deal invoice budget meeting client report review deploy quarterly numbers call email approve sign draft plan team friday"
        .split(separator: " ").map(String.init)

    func message(_ n: Int) -> (channel: Int, sender: String, seconds: Int64, text: String) {
        var x = UInt64(n) &* 0x9E37_79B9_7F4A_7C15 ^ 0xD1B5_4A32_D192_ED03
        x ^= x >> 29
        let length = 4 + Int(x % 12)
        let text = (0..<length).map { i in words[Int((x >> UInt64(i % 40)) % UInt64(words.count))] }.joined(separator: " ")
        return (n % 20, people[Int((x >> 7) % UInt64(people.count))], 1_704_067_200 + Int64(n) * 30, text)
    }

    func writeSlack(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let users = people.map { #"{"id":"\#($0)","name":"\#($0)","real_name":"\#($0.capitalized)"}"# }.joined(separator: ",")
        try "[\(users)]".write(to: folder.appendingPathComponent("users.json"), atomically: true, encoding: .utf8)
        let channels = (0..<20).map { #"{"id":"C\#($0)","name":"channel-\#($0)","members":[]}"# }.joined(separator: ",")
        try "[\(channels)]".write(to: folder.appendingPathComponent("channels.json"), atomically: true, encoding: .utf8)
        var days: [String: [String]] = [:]
        for n in 0..<count {
            let m = message(n)
            let day = String(Timestamp(microseconds: m.seconds * 1_000_000).iso8601.prefix(10))
            days["channel-\(m.channel)/\(day)", default: []].append(
                #"{"type":"message","user":"\#(m.sender)","text":"\#(m.text)","ts":"\#(m.seconds).000100"}"#)
        }
        for (path, lines) in days {
            let file = folder.appendingPathComponent(path + ".json")
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try ("[" + lines.joined(separator: ",\n") + "]").write(to: file, atomically: false, encoding: .utf8)
        }
    }

    func writeWhatsApp(to file: URL) throws {
        var out = ""
        out.reserveCapacity(count * 80)
        for n in 0..<count {
            let m = message(n)
            let iso = Timestamp(microseconds: m.seconds * 1_000_000).iso8601
            // [31.12.23, 21:41:05] Name: text — the iOS layout, day first, 24-hour clock.
            let y = iso.dropFirst(2).prefix(2), mo = iso.dropFirst(5).prefix(2), d = iso.dropFirst(8).prefix(2), t = iso.dropFirst(11).prefix(8)
            out += "[\(d).\(mo).\(y), \(t)] \(m.sender): \(m.text)\n"
        }
        try out.write(to: file, atomically: false, encoding: .utf8)
    }

    func writeJSONL(to file: URL) throws {
        var out = ""
        out.reserveCapacity(count * 160)
        for n in 0..<count {
            let m = message(n)
            out +=
                #"{"platform":"slack","conversation":"C\#(m.channel)","id":"\#(m.seconds).000100","sender":"\#(m.sender)","sent_at":\#(m.seconds),"text":"\#(m.text)"}"#
                + "\n"
        }
        try out.write(to: file, atomically: false, encoding: .utf8)
    }
}
