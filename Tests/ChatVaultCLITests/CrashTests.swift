import ChatVaultCore
import Foundation
import GRDB
import Testing

/// Kill the importer with SIGKILL at random moments: every batch it acknowledged must be
/// in the archive, a re-import adds no duplicates, and the log still verifies.
@Suite(.serialized) struct CrashTests {
    @Test func acknowledgedBatchesSurviveSIGKILL() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let total = 40_000
        let file = cli.path("big.jsonl")
        var text = ""
        text.reserveCapacity(total * 160)
        for n in 1...total {
            text +=
                #"{"platform":"slack","conversation":"C\#(n % 7)","id":"\#(n)","sender":"user\#(n % 13)@bank.example","sent_at":"2024-01-01T00:00:00Z","text":"message number \#(n) about the quarterly numbers"}"#
            text += "\n"
        }
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for round in 0..<8 {
            let (process, _, stderr) = try cli.start(["import", "--vault", vault, "--batch-size", "700", file], tag: "round\(round)")
            usleep(UInt32.random(in: 150_000...1_200_000, using: &generator))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            let acknowledged = try Self.acknowledgedThroughLine(stderr)
            // Messages are numbered by line, so "through line N" means ids 1…N are stored.
            let stored = try Self.storedCount(vault: vault, upTo: acknowledged)
            #expect(stored == acknowledged, "round \(round): acknowledged through line \(acknowledged) but \(stored) of those are stored")
        }
        #expect(kills > 0, "the importer was never killed mid-run; the test proved nothing")

        let finish = try cli.run("import", "--vault", vault, file, "--json")
        #expect(finish.status == 0, "\(finish.stderr)")
        #expect(try Self.storedCount(vault: vault, upTo: total) == total)
        let status = try cli.run("status", "--vault", vault, "--json")
        #expect(status.json?["messages"] == .number(String(total)), "no duplicates after re-import")
        let verify = try cli.run("verify", "--vault", vault)
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    static func acknowledgedThroughLine(_ stderr: URL) throws -> Int {
        let text = try String(contentsOf: stderr, encoding: .utf8)
        var highest = 0
        for line in text.split(separator: "\n") where line.hasPrefix("committed ") {
            guard let range = line.range(of: "through line ") else { continue }
            let digits = line[range.upperBound...].prefix { $0.isNumber }
            highest = max(highest, Int(digits) ?? 0)
        }
        return highest
    }

    static func storedCount(vault: String, upTo line: Int) throws -> Int {
        var configuration = Configuration()
        configuration.readonly = true
        let db = try DatabaseQueue(path: "\(vault)/archive.sqlite", configuration: configuration)
        return try db.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM messages WHERE CAST(source_id AS INTEGER) <= ?", arguments: [line]) ?? 0
        }
    }
}
