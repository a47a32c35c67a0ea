import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Crypto
import Foundation

struct Officer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Officers' personal signing keys for the two-person rules.",
        discussion: """
            A disposition (`retention propose` / `approve`) and a hold's release (`hold release`,
            twice) need two officers. On the CLI an officer is a key, not an --actor name: each
            officer makes a key file with `keygen` (kept private, mode 0600), and the key's
            public half is registered in the vault under the officer's name. Each step is
            signed with --key FILE (or $CHATVAULT_OFFICER_KEY) and acts as that name; the
            signature is kept in the audit trail. The first officer registers freely; every
            later one needs an endorsement by a registered officer's key (--endorse-key).
            """,
        subcommands: [Keygen.self, Register.self, List.self])

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a personal key file and print its public key.")
        @Option(help: "The private key file to create (must not exist).") var out: String

        func run() async throws {
            try await reportingErrors {
                let key = try OfficerKeys.writeNewKey(to: out)
                Terminal.out(PublicKeyText.format(key.publicKey))
            }
        }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an officer's public key under their name.")
        @OptionGroup var options: VaultOptions
        @Argument(help: "The officer's name (as on the console, if they have an account there).") var name: String
        @Option(name: .customLong("public-key"), help: "The public key: ed25519:<base64> or a file holding it.") var publicKey: String
        @Option(name: .customLong("endorse-key"), help: "A registered officer's key file, endorsing this one (needed once one is registered).")
        var endorseKey: String?

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 64 else { throw ValidationError("a name of 1 to 64 characters") }
        }

        func run() async throws {
            try await reportingErrors {
                guard let key = PublicKeyText.parse(try KeyArgument.text(publicKey)) else {
                    throw CLIError("\(publicKey): not an Ed25519 public key")
                }
                let archive = try options.openArchive()
                let known = try await OfficerKeys.registrations(archive)
                if known.contains(where: { TwoPersonRule.samePerson($0.name, name) }) {
                    throw CLIError("\(name) already has a registered key")
                }
                if known.contains(where: { $0.publicKey.rawRepresentation == key.rawRepresentation }) {
                    throw CLIError("this key is already registered to someone else: one key, one officer")
                }
                var detail: [(String, JSONValue)] = [("name", .string(name)), ("public_key", .string(PublicKeyText.format(key)))]
                var actor = options.actorName
                if !known.isEmpty {
                    guard let endorseKey else {
                        throw CLIError("officers are registered already: a registered officer endorses a new one (--endorse-key THEIR_KEY_FILE)")
                    }
                    let endorser = try await OfficerKeys.signer(keyPath: endorseKey, options: options, archive: archive, step: "endorsing an officer")
                    let vaultKey = PublicKeyText.format(try options.openVault().signer().publicKey)
                    detail +=
                        [("endorsed_by", .string(endorser.registration.name))]
                        + (try endorser.evidence(
                            action: OfficerKeys.registerAction, subject: "\(name) \(PublicKeyText.format(key))", vaultKey: vaultKey))
                    actor = endorser.registration.name
                }
                try await archive.recordAudit(action: OfficerKeys.registerAction, actor: actor, detail: .object(detail))
                Terminal.out("registered \(Terminal.safe(name)): \(PublicKeyText.format(key))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered officers' keys.")
        @OptionGroup var options: VaultOptions

        func run() async throws {
            try await reportingErrors {
                let archive = try options.openArchive()
                try await archive.recordAudit(action: "officer.key.list", actor: options.actorName, detail: .object([]))
                for registration in try await OfficerKeys.registrations(archive) {
                    Terminal.out("\(Terminal.safe(registration.name))  \(registration.publicKeyText)")
                }
            }
        }
    }
}
