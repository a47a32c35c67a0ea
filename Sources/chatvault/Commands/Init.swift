import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a vault: database, signing key pair and configuration.")

    @OptionGroup var options: VaultOptions

    @Option(name: .customLong("internal-domain"), help: "A company domain (repeatable); other domains are external.")
    var internalDomains: [String] = []

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let vault: Vault
            do {
                vault = try Vault.create(at: options.directory, internalDomains: internalDomains)
            } catch let failure as Vault.Failure {
                throw CLIError(failure.description)
            }
            let archive = try vault.openArchive()
            try await archive.recordAudit(
                action: "vault.init", actor: options.actorName,
                detail: .object([("internal_domains", .array(internalDomains.map(JSONValue.string)))]))
            let publicKey = PublicKeyText.format(try vault.signer().publicKey)
            if json {
                Terminal.json(
                    .object([
                        ("vault", .string(vault.directory.path)), ("origin", .string(vault.configuration.origin)), ("public_key", .string(publicKey)),
                    ]))
            } else {
                Terminal.out("Created vault \(vault.directory.path)")
                Terminal.out("  origin      \(vault.configuration.origin)")
                Terminal.out("  public key  \(publicKey)  (also in \(vault.publicKeyURL.path))")
                Terminal.out("Keep a copy of the public key outside the vault: it is what proves the archive unchanged.")
            }
        }
    }
}
