import ChatVaultArchive
import ChatVaultCore
import Crypto
import Foundation

/// Officers' personal Ed25519 keys: the identities the CLI's two-person rules compare.
///
/// `--actor` is only a label anyone can type, so a disposition or a hold's release on the
/// CLI is proposed and approved by *keys*: each officer keeps a private key file
/// (`chatvault officer keygen`), its public half is registered in the vault under the
/// officer's name (`chatvault officer register`, an audit event and so a signed leaf),
/// and each step is signed with it. The step acts as the registered name, the signature
/// is kept in the audit trail, and the archive refuses an approval by the proposer's name:
/// one person with one key cannot be both. Registering a second officer needs the
/// endorsement (signature) of one already registered, so a new identity is never added
/// by nobody.
struct OfficerKeys {
    struct Registration {
        var name: String
        var publicKey: Curve25519.Signing.PublicKey
        var publicKeyText: String { PublicKeyText.format(publicKey) }
    }

    /// The officer acting in a two-person step: the registered name and the private key.
    struct Signer {
        var registration: Registration
        var privateKey: Curve25519.Signing.PrivateKey

        /// The audit fields proving this officer took `action` on `subject` in this vault.
        func evidence(action: String, subject: String, vaultKey: String) throws -> [(String, JSONValue)] {
            let statement = "chatvault two-person step v1\nvault \(vaultKey)\naction \(action)\nsubject \(subject)\nofficer \(registration.name)"
            let signature = try privateKey.signature(for: Data(statement.utf8))
            return [
                ("officer_key", .string(registration.publicKeyText)), ("signed_statement", .string(statement)),
                ("signature", .string(signature.base64EncodedString())),
            ]
        }
    }

    static let registerAction = "officer.key.register"
    static let privatePrefix = "chatvault-officer-key ed25519:"

    /// The registered keys, oldest first.
    static func registrations(_ archive: any Archive) async throws -> [Registration] {
        try await archive.auditTrail(actor: nil, actionPrefix: registerAction, beforeID: nil, limit: 1_000_000).reversed().compactMap { event in
            guard event.action == registerAction, let name = event.detail["name"]?.stringValue,
                let key = event.detail["public_key"]?.stringValue.flatMap(PublicKeyText.parse)
            else { return nil }
            return Registration(name: name, publicKey: key)
        }
    }

    /// Reads a private key file written by `officer keygen`.
    static func loadPrivateKey(_ path: String) throws -> Curve25519.Signing.PrivateKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(path): cannot read the officer key file") }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix(privatePrefix), let raw = Data(base64Encoded: String(text.dropFirst(privatePrefix.count))),
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw CLIError("\(path): not a ChatVault officer key (make one with `chatvault officer keygen`)") }
        return key
    }

    /// The officer whose key is at `path` (or `$CHATVAULT_OFFICER_KEY`); refuses a missing,
    /// unreadable or unregistered key, and an `--actor` that names someone else.
    static func signer(keyPath: String?, options: VaultOptions, archive: any Archive, step: String) async throws -> Signer {
        guard let path = keyPath ?? ProcessInfo.processInfo.environment["CHATVAULT_OFFICER_KEY"], !path.isEmpty else {
            throw CLIError(
                "\(step) is a two-person step: sign it with your officer key (--key FILE or $CHATVAULT_OFFICER_KEY; see `chatvault officer --help`)")
        }
        let privateKey = try loadPrivateKey(path)
        let publicKey = privateKey.publicKey.rawRepresentation
        guard let registration = try await registrations(archive).last(where: { $0.publicKey.rawRepresentation == publicKey }) else {
            throw CLIError("\(path): this key is not registered in the vault (`chatvault officer register`)")
        }
        if let actor = options.actor, !actor.isEmpty, !TwoPersonRule.samePerson(actor, registration.name) {
            throw CLIError("\(step) acts as the officer whose key signs it (\(registration.name)), not as --actor \(actor)")
        }
        return Signer(registration: registration, privateKey: privateKey)
    }

    /// Writes a new private key to `path`, readable by its owner only from the first byte.
    static func writeNewKey(to path: String) throws -> Curve25519.Signing.PrivateKey {
        let key = Curve25519.Signing.PrivateKey()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw CLIError("\(path): cannot create (\(String(cString: strerror(errno)))); it must not exist yet") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        try handle.write(contentsOf: Data((privatePrefix + key.rawRepresentation.base64EncodedString() + "\n").utf8))
        try handle.synchronize()
        return key
    }
}
