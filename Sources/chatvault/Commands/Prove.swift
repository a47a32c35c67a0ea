import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct Prove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an inclusion proof for a message (JSON).",
        discussion: """
            The message is the archive id search shows (`prove 4097`), or the platform's own id
            as an investigator has it: `prove slack:C024BE91L:1712345678.000200`
            (platform:conversation:id; colons inside the conversation or id are fine), or
            `prove --source-id ID [--platform P] [--conversation C]`. An id that names more than
            one message is refused with the candidates listed.
            Check it anywhere with `chatvault verify-proof PROOF.json --key PUBLIC_KEY`.
            """)

    @OptionGroup var options: VaultOptions

    @Argument(help: "The archive id, or platform:conversation:id.")
    var message: String?

    @Option(name: .customLong("source-id"), help: "The platform's own message id.")
    var sourceID: String?

    @Option(help: "With --source-id: only this platform.")
    var platform: String?

    @Option(help: "With --source-id: only this conversation (the platform's conversation id).")
    var conversation: String?

    @Option(help: "Write the proof to this file instead of standard output.")
    var out: String?

    func validate() throws {
        guard (message == nil) != (sourceID == nil) else { throw ValidationError("give a message id or --source-id, not both") }
        if message != nil, platform != nil || conversation != nil {
            throw ValidationError("--platform and --conversation go with --source-id")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            let messageID = try await resolve(archive)
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

    /// The archive id the arguments name.
    func resolve(_ archive: any Archive) async throws -> Int64 {
        if let sourceID {
            return try await unique(archive.messageIDs(platform: platform, conversation: conversation, sourceID: sourceID), "--source-id \(sourceID)")
        }
        let text = message ?? ""
        if let id = Int64(text) { return id }
        // platform:conversation:id, where the conversation and the id may hold colons
        // themselves (Teams 19:…@thread.v2, Matrix !room:server): try every split.
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, !parts[0].isEmpty else {
            throw CLIError("\(text): expected an archive id (a number) or platform:conversation:id")
        }
        var found: [Int64] = []
        for split in 2..<parts.count {
            let conversation = parts[1..<split].joined(separator: ":")
            let id = parts[split...].joined(separator: ":")
            found += try await archive.messageIDs(platform: parts[0], conversation: conversation, sourceID: id)
        }
        return try unique(Array(Set(found)).sorted(), text)
    }

    func unique(_ ids: [Int64], _ what: String) throws -> Int64 {
        guard let first = ids.first else { throw CLIError("\(what): no such message in the archive") }
        guard ids.count == 1 else {
            throw CLIError(
                "\(what) names \(ids.count) messages (archive ids \(ids.prefix(10).map(String.init).joined(separator: ", "))); give one of those ids")
        }
        return first
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
