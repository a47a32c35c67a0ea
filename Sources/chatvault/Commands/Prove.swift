import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct Prove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an inclusion proof for a message (JSON).",
        discussion: "Check it anywhere with `chatvault verify-proof PROOF.json --key PUBLIC_KEY`.")

    @OptionGroup var options: VaultOptions

    @Argument(help: "The message id (as shown by search).")
    var messageID: Int64

    @Option(help: "Write the proof to this file instead of standard output.")
    var out: String?

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            let proof = try await archive.inclusionProof(messageID: messageID)
            try await archive.recordAudit(action: "archive.prove", actor: options.actorName, detail: .object([("message", .int(messageID))]))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(proof)
            if let out {
                try data.write(to: URL(fileURLWithPath: out))
                Terminal.err("wrote inclusion proof of message \(messageID) to \(out)")
            } else {
                Terminal.out(String(decoding: data, as: UTF8.self))
            }
        }
    }
}

struct VerifyProof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check an inclusion proof without the vault, using only the vault's public key.")

    @Argument(help: "The proof file written by `chatvault prove`.")
    var proof: String

    @Option(help: "The vault's public key: a file (keys/checkpoint.pub) or the text ed25519:<base64>.")
    var key: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        var valid = false
        try await reportingErrors {
            guard let publicKey = PublicKeyText.parse(try KeyArgument.text(key)) else { throw CLIError("\(key): not an Ed25519 public key") }
            guard let data = FileManager.default.contents(atPath: proof) else { throw CLIError("\(proof): cannot read file") }
            let decoded: InclusionProof
            do {
                decoded = try JSONDecoder().decode(InclusionProof.self, from: data)
            } catch {
                throw CLIError("\(proof): not a ChatVault inclusion proof (\(error))")
            }
            var reason: String?
            do {
                try decoded.verify(publicKey: publicKey)
                valid = true
            } catch {
                reason = "\(error)"
            }
            if json {
                Terminal.json(
                    .object([
                        ("valid", .bool(valid)), ("reason", .optional(reason)), ("record_id", .int(decoded.recordID)),
                        ("tree_size", .int(decoded.checkpoint.treeSize)),
                    ]))
            } else if valid {
                Terminal.out(
                    "valid: \(decoded.recordKind) \(decoded.recordID) is leaf \(decoded.leafIndex) of the \(decoded.checkpoint.treeSize)-leaf log signed at \(decoded.checkpoint.time.iso8601) by \(decoded.checkpoint.origin)"
                )
            } else {
                Terminal.out("INVALID: \(reason ?? "unknown")")
            }
        }
        if !valid { throw ExitCode(1) }
    }
}

/// A `--key` argument: a file holding the key, or the key text itself.
enum KeyArgument {
    static func text(_ argument: String) throws -> String {
        guard FileManager.default.fileExists(atPath: argument) else { return argument }
        return try String(contentsOfFile: argument, encoding: .utf8)
    }
}
