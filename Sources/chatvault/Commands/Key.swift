import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct Key: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The vault's checkpoint signing key.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the public key that verifies this vault's checkpoints.")

        @OptionGroup var options: VaultOptions

        @Option(help: "Also write it to this file.")
        var out: String?

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                let text = PublicKeyText.format(try vault.signer().publicKey)
                try await vault.openArchive().recordAudit(action: "vault.key.export", actor: options.actorName, detail: .object([]))
                if let out { try (text + "\n").write(toFile: out, atomically: true, encoding: .utf8) }
                Terminal.out(text)
            }
        }
    }
}
