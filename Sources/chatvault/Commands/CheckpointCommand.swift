import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the latest signed checkpoint (JSON), to keep outside the vault.",
        discussion: """
            Saved elsewhere (another system, a ticket, an email to the auditor), a checkpoint
            lets `chatvault verify --witness FILE` prove later that no record it covers was
            changed or removed, even by someone holding the vault's signing key.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "Write it to this file instead of standard output.")
    var out: String?

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            guard let checkpoint = try await archive.statistics().latestCheckpoint else { throw CLIError("the vault has no checkpoint yet") }
            try await archive.recordAudit(
                action: "archive.checkpoint.export", actor: options.actorName, detail: .object([("tree_size", .int(checkpoint.treeSize))]))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(checkpoint)
            if let out {
                try data.write(to: URL(fileURLWithPath: out))
                Terminal.err("wrote checkpoint of \(checkpoint.treeSize) leaves to \(out)")
            } else {
                Terminal.out(String(decoding: data, as: UTF8.self))
            }
        }
    }
}
