import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import Crypto
import Foundation

struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory", abstract: "The people and groups the policy resolves chat handles to.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the vault's directory with the people in a CSV or JSON file.",
            discussion: "CSV columns: employee_id, name, emails, handles (platform:id), department, groups; lists separated by ';'.")

        @OptionGroup var options: VaultOptions

        @Argument(help: "The directory file (CSV or JSON).")
        var file: String

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                let text = try PolicyFile.text(file)
                let directory = try Directory.load(text: text, source: file)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                let data = try encoder.encode(directory.people)
                try await vault.openArchive().recordAudit(
                    action: "directory.import", actor: options.actorName,
                    detail: .object([
                        ("file", .string(file)), ("people", .int(directory.people.count)),
                        ("sha256", .string(Array(SHA256.hash(data: data)).hexString)),
                    ]))
                try PrivateFile.write(data, to: PolicyStage.directoryURL(of: vault))
                Terminal.out("imported \(directory.people.count) people in \(directory.groups.count) groups from \(file)")
            }
        }
    }
}
