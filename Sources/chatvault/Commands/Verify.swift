import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the whole archive against its integrity log.",
        discussion: """
            Recomputes every record's leaf hash, rebuilds the Merkle tree and checks every
            signed checkpoint. Exit status 0 only if everything matches; otherwise 1, and
            every record that no longer matches is named.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "Check signatures with this public key (a file or ed25519:<base64>) instead of the vault's own.")
    var key: String?

    @Option(help: "A checkpoint saved earlier with `chatvault checkpoint` (repeatable): the log must still produce it.")
    var witness: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        var intact = false
        try await reportingErrors {
            let archive = try options.openArchive()
            var trust = VerificationTrust()
            if let key {
                guard let publicKey = PublicKeyText.parse(try KeyArgument.text(key)) else { throw CLIError("\(key): not an Ed25519 public key") }
                trust = VerificationTrust(publicKey: publicKey)
            }
            for path in witness {
                guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read file") }
                do {
                    trust.witnesses.append(try JSONDecoder().decode(Checkpoint.self, from: data))
                } catch {
                    throw CLIError("\(path): not a ChatVault checkpoint (\(error))")
                }
            }
            let started = Date()
            let report = try await archive.verify(trust)
            let seconds = Date().timeIntervalSince(started)
            intact = report.isIntact
            do {
                try await archive.recordAudit(
                    action: "archive.verify", actor: options.actorName,
                    detail: .object([("intact", .bool(report.isIntact)), ("leaves", .int(report.leaves)), ("problems", .int(report.problems.count))]))
            } catch {
                // A damaged log may refuse new entries; the report still matters more.
                if report.isIntact { throw error }
                Terminal.err("note: could not record this verification in the audit trail: \(error)")
            }
            if json {
                Terminal.json(
                    .object([
                        ("intact", .bool(report.isIntact)), ("leaves", .int(report.leaves)), ("records", .int(report.recordsChecked)),
                        ("checkpoints", .int(report.checkpointsChecked)), ("bytes", .int(report.bytesHashed)),
                        (
                            "problems",
                            .array(
                                report.problems.map { p in
                                    .object([
                                        ("record_kind", .string(p.recordKind)), ("record_id", p.recordID.map { .int($0) } ?? .null),
                                        ("leaf", p.leafIndex.map { .int($0) } ?? .null), ("reason", .string(p.reason)),
                                    ])
                                })
                        ),
                    ]))
            } else {
                let rate = seconds > 0 ? Double(report.bytesHashed) / seconds / 1_000_000 : 0
                Terminal.out(
                    "checked \(report.recordsChecked) records, \(report.leaves) leaves, \(report.checkpointsChecked) signed checkpoints in \(String(format: "%.2f", seconds)) s (\(String(format: "%.0f", rate)) MB/s)"
                )
                if report.isIntact {
                    Terminal.out("intact: every record matches the signed log")
                } else {
                    for problem in report.problems { Terminal.out("NOT INTACT: \(problem)") }
                }
            }
        }
        if !intact { throw ExitCode(1) }
    }
}
