import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct AttachmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attachment", abstract: "Write an attachment's stored content (by its SHA-256, as `show` lists it) to a file.")

    @OptionGroup var options: VaultOptions

    @Argument(help: "The attachment's SHA-256 (64 hex digits).")
    var sha256: String

    @Option(help: "The file to write.")
    var out: String

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            guard let content = try await archive.attachment(sha256: sha256) else {
                throw CLIError("no stored attachment \(sha256) in this vault")
            }
            try await archive.recordAudit(
                action: "archive.attachment.read", actor: options.actorName,
                detail: .object([("sha256", .string(sha256.lowercased())), ("bytes", .int(content.count))]))
            try PrivateFile.write(Data(content), to: URL(fileURLWithPath: out))
            Terminal.err("wrote \(content.count) bytes to \(out)")
        }
    }
}
