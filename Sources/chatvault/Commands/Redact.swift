import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultRedaction
import Crypto
import Foundation

struct Redact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Redact JSONL {\"id\",\"text\"} from standard input; write {\"id\",\"text\",\"spans\"}.",
        discussion: """
            `text` is the redacted text; each span's `start`/`end` are offsets in the ORIGINAL
            input in Unicode scalars (code points), end exclusive, with the `type` and `rule`.
            The policy is --policy FILE, else the vault's (--vault or $CHATVAULT_VAULT, when it
            exists), else the built-in default. Nothing is stored.
            """)

    @Option(help: "A policy file (YAML).")
    var policy: String?

    @Option(name: .long, help: "Use this vault's policy and hash secret.")
    var vault: String?

    func run() async throws {
        try await reportingErrors {
            let redactor = try makeRedactor()
            let parser = JSONParser(maxDepth: 8)
            var lineNumber = 0
            var failures = 0
            var output: [UInt8] = []
            output.reserveCapacity(1 << 16)
            while let line = readLine(strippingNewline: true) {
                lineNumber += 1
                if line.allSatisfy(\.isWhitespace) { continue }
                guard let object = try? parser.parse(line), let text = object["text"]?.stringValue else {
                    Terminal.err("stdin:\(lineNumber): expected a JSON object with a string \"text\"")
                    failures += 1
                    continue
                }
                let outcome = redactor.redact(text)
                var writer = JSONWriter()
                writer.write(
                    .object([
                        ("id", object["id"] ?? .null), ("text", .string(outcome.dropMessage ? "" : outcome.text)),
                        (
                            "spans",
                            .array(
                                outcome.originalSpans.map {
                                    .object([
                                        ("start", .int($0.start)), ("end", .int($0.end)), ("type", .string($0.type)), ("rule", .string($0.rule)),
                                    ])
                                })
                        ),
                    ]))
                output.append(contentsOf: writer.bytes)
                output.append(0x0A)
                if output.count > 1 << 16 {
                    FileHandle.standardOutput.write(Data(output))
                    output.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(Data(output))
            if failures > 0 { throw ExitCode(1) }
        }
    }

    func makeRedactor() throws -> Redactor {
        let vaultPath = vault ?? ProcessInfo.processInfo.environment["CHATVAULT_VAULT"]
        let opened = try vaultPath.flatMap { path -> Vault? in
            guard FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent("config.json").path) else {
                if vault != nil { throw CLIError("no vault at \(path)") }
                return nil
            }
            return try Vault.open(at: URL(fileURLWithPath: path))
        }
        let chosen: RedactionPolicy
        if let policy {
            chosen = try PolicyFile.load(policy)
        } else if let opened, let text = try opened.policyText() {
            chosen = try RedactionPolicy.load(yaml: text, source: opened.policyURL.path)
        } else {
            chosen = .default
        }
        // Without a vault, hash tokens are keyed by a fresh secret: stable within this run only.
        let secret = try opened?.redactionSecret() ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return Redactor(policy: chosen, secret: secret)
    }
}
