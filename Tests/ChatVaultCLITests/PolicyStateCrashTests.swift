import ChatVaultCore
import Foundation
import GRDB
import Testing

/// Kill the importer with SIGKILL at random moments: the policy's counts always match the
/// messages stored, and finishing the import raises each personal-use alert once.
@Suite(.serialized) struct PolicyStateCrashTests {
    @Test func countsNeverOutliveOrLagTheirMessages() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let policy = cli.path("policy.yaml")
        try """
        version: 1
        time_zone: UTC
        lexicons:
          personal: ["football"]
        personal_use: { match: "@personal", daily_allowance: 100 }
        """.write(toFile: policy, atomically: true, encoding: .utf8)
        #expect(try cli.run("policy", "set", "--vault", vault, policy).status == 0)
        let total = 20_000
        let file = cli.path("big.jsonl")
        var text = ""
        for n in 1...total {
            let day = String(format: "%02d", 1 + n % 5)
            text +=
                #"{"platform":"slack","conversation":"C\#(n % 7)","id":"\#(n)","sender":"user\#(n % 13)@bank.example","sent_at":"2024-01-\#(day)T10:00:00Z","text":"football chat number \#(n)"}"#
            text += "\n"
        }
        try text.write(toFile: file, atomically: true, encoding: .utf8)

        var kills = 0
        for round in 0..<6 {
            let (process, _, _) = try cli.start(["import", "--vault", vault, "--batch-size", "500", file], tag: "round\(round)")
            usleep(UInt32.random(in: 200_000...1_500_000))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
            let (messages, counted) = try Self.counts(vault)
            #expect(messages == counted, "round \(round): \(messages) messages stored, \(counted) counted")
        }
        #expect(kills > 0, "the importer was never killed mid-run; the test proved nothing")

        let finish = try cli.run("import", "--vault", vault, file)
        #expect(finish.status == 0, "\(finish.stderr)")
        let (messages, counted) = try Self.counts(vault)
        #expect(messages == total && counted == total)
        // 13 people on 5 days, each with about 308 personal messages a day: one alert per person-day.
        let alerts = try cli.run("alerts", "--vault", vault, "--rule", "personal-use", "--json", "--limit", "1000")
        #expect(alerts.json?.arrayValue?.count == 13 * 5, "\(alerts.stdout.prefix(300))")
        #expect(try cli.run("verify", "--vault", vault).status == 0)
    }

    static func counts(_ vault: String) throws -> (messages: Int, counted: Int) {
        let queue = try DatabaseQueue(path: vault + "/archive.sqlite")
        defer { try? queue.close() }
        return try queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM messages") ?? -1,
                try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM policy_personal_use") ?? -1
            )
        }
    }
}
