import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultExport
import ChatVaultIngest
import Foundation

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the messages a search selects, with a manifest and an inclusion proof for each.",
        discussion: """
            Formats: jsonl (the archive's own records), html (a transcript per conversation),
            eml (one RFC 5322 message per conversation and day, attachments attached),
            rsmf (Relativity Short Message Format 2.0, one .rsmf per conversation and day),
            edrm (EDRM XML 1.2 with a Concordance DAT load file and a native per message).
            The recipient checks the folder offline with `chatvault verify-export DIR --key KEY`.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "Query selecting the messages (the search language); empty selects by filters alone.")
    var query: String = ""

    @OptionGroup var filters: MessageFilters

    @Option(help: "jsonl, html, eml, rsmf or edrm.")
    var format: String = "jsonl"

    @Option(help: "The folder to write (must be new or empty).")
    var out: String

    @Flag(help: "Continue an interrupted export in --out from its last checkpoint.")
    var resume = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format must be \(ExportFormat.names)") }
    }

    func run() async throws {
        try await reportingErrors {
            let vault = try options.openVault()
            let archive = try vault.openArchive()
            var selection = filters.request(query: query)
            // An export is a long walk, page by page; the query's size limits still apply.
            selection.timeLimit = nil
            // The trail and the manifest keep the query as the redaction policy redacts it.
            var description = ["query": try AuditRedaction.forVault(vault).redact(query)]
            for (key, value) in filters.described { description[key] = value }
            // The export is recorded before it is written: the trail never misses one.
            try await archive.recordAudit(
                action: "archive.export.start", actor: options.actorName,
                detail: .object(
                    [("format", .string(format)), ("out", .string(out))] + description.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            )
            let exporter = Exporter(archive: archive, format: ExportFormat(rawValue: format)!, actor: options.actorName)
            let summary = try await exporter.run(selection, description: description, to: URL(fileURLWithPath: out), resume: resume) { count in
                Terminal.err("exported \(count) messages")
            }
            try await archive.recordAudit(
                action: "archive.export", actor: options.actorName,
                detail: .object([
                    ("format", .string(format)), ("out", .string(out)), ("messages", .int(summary.messages)),
                    ("tree_size", .int(summary.manifest.checkpoint.treeSize)),
                ]))
            if json {
                Terminal.json(
                    .object([("messages", .int(summary.messages)), ("conversations", .int(summary.conversations)), ("files", .int(summary.files))]))
            } else {
                Terminal.out(
                    "exported \(summary.messages) messages from \(summary.conversations) conversations to \(out) (\(summary.files) files + manifest.json)"
                )
            }
        }
    }
}

struct VerifyExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-export", abstract: "Check an export folder offline: manifest hashes and every inclusion proof.")

    @Argument(help: "The export folder.")
    var directory: String

    @Option(help: "The vault's public key: a file or ed25519:<base64>.")
    var key: String

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        var intact = false
        try await reportingErrors {
            guard let publicKey = PublicKeyText.parse(try KeyArgument.text(key)) else { throw CLIError("\(key): not an Ed25519 public key") }
            let report = ExportVerifier.verify(directory: URL(fileURLWithPath: directory), publicKey: publicKey)
            intact = report.isIntact
            if json {
                Terminal.json(
                    .object([
                        ("intact", .bool(report.isIntact)), ("files", .int(report.filesChecked)), ("proofs", .int(report.proofsChecked)),
                        ("problems", .array(report.problems.map(JSONValue.string))),
                    ]))
            } else if report.isIntact {
                Terminal.out("intact: \(report.filesChecked) files match the manifest, \(report.proofsChecked) inclusion proofs check out")
            } else {
                for problem in report.problems { Terminal.out("NOT INTACT: \(Terminal.safe(problem))") }
            }
        }
        if !intact { throw ExitCode(1) }
    }
}
