import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultRedaction

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import chat messages.",
        discussion: """
            Each batch is reported on standard error once it is durable on disk. A malformed
            line is reported as FILE:LINE: reason and the rest of the file still imports
            (with --strict, nothing from that file does). Re-importing adds no duplicates.
            Exit status 1 when any line was rejected.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "Input format: auto, \(ImportFormats.names.joined(separator: ", ")).")
    var format = "auto"

    @Flag(help: "Import nothing from a file that has any bad line.")
    var strict = false

    @Option(name: .customLong("batch-size"), help: "Messages per durable batch.")
    var batchSize = 5000

    @Option(name: .customLong("date-order"), help: "WhatsApp dates: auto, day-first or month-first.")
    var dateOrder = "auto"

    @Option(
        name: .customLong("csv-map"),
        help: "CSV columns: FIELD=COLUMN pairs (sent_at, sender, text, conversation, id, …) or a JSON object; unnamed fields use common header names."
    )
    var csvMap: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Argument(help: "Files to import.")
    var files: [String]

    func validate() throws {
        guard format == "auto" || ImportFormats.named(format) != nil else {
            throw ValidationError("--format must be auto or one of: \(ImportFormats.names.joined(separator: ", "))")
        }
        guard WhatsAppExport.DateOrder(rawValue: dateOrder) != nil else {
            throw ValidationError("--date-order must be auto, day-first or month-first")
        }
        if let csvMap {
            do {
                _ = try CSVMapping(spec: csvMap)
            } catch {
                throw ValidationError(error.description)
            }
        }
        guard batchSize > 0 && batchSize <= 100_000 else { throw ValidationError("--batch-size must be between 1 and 100000") }
    }

    func run() async throws {
        var rejected = 0
        try await reportingErrors {
            let vault = try options.openVault()
            let archive = try vault.openArchive()
            let importer = try Importer.forVault(vault, archive: archive, actor: options.actorName, batchSize: batchSize, strict: strict)
            var redactions = 0
            var imported = 0
            var duplicates = 0
            var fileReports: [JSONValue] = []
            var kinds = EventKinds.empty
            for file in files {
                var chosen: any ImportFormat
                if format == "auto" {
                    guard let detected = ImportFormats.detect(file) else {
                        throw CLIError("\(file): cannot tell its format; name it with --format (\(ImportFormats.names.joined(separator: ", ")))")
                    }
                    chosen = detected
                } else {
                    chosen = ImportFormats.named(format)!
                }
                if chosen is WhatsAppExport, let order = WhatsAppExport.DateOrder(rawValue: dateOrder) {
                    chosen = WhatsAppExport(dateOrder: order)
                }
                if chosen is CSVExport, let csvMap {
                    chosen = CSVExport(mapping: try CSVMapping(spec: csvMap))
                }
                let report = try await importer.importFile(file, format: chosen) { progress in
                    Terminal.err(
                        "committed \(progress.path) through line \(progress.throughLine): \(progress.stored) stored, \(progress.duplicates) duplicates (log size \(progress.treeSize))"
                    )
                }
                for error in report.errors { Terminal.err(Terminal.safe(error.description)) }
                if report.rejected > report.errors.count {
                    Terminal.err("\(file): \(report.rejected - report.errors.count) more rejected lines not shown")
                }
                if strict && report.rejected > 0 {
                    Terminal.err("\(file): nothing imported (--strict and \(report.rejected) bad lines)")
                }
                imported += report.imported
                redactions += report.redactions
                duplicates += report.duplicates
                rejected += report.rejected
                kinds.merge(report.kinds, uniquingKeysWith: +)
                fileReports.append(
                    .object([
                        ("file", .string(file)), ("imported", .int(report.imported)), ("duplicates", .int(report.duplicates)),
                        ("rejected", .int(report.rejected)), ("redactions", .int(report.redactions)), ("kinds", Self.json(report.kinds)),
                        ("errors", .array(report.errors.prefix(20).map { .string($0.description) })),
                    ]))
            }
            if json {
                Terminal.json(
                    .object([
                        ("imported", .int(imported)), ("duplicates", .int(duplicates)), ("rejected", .int(rejected)), ("kinds", Self.json(kinds)),
                        ("files", .array(fileReports)),
                    ]))
            } else {
                Terminal.out("imported \(imported), duplicates \(duplicates), rejected \(rejected); \(redactions) values redacted before storage")
            }
        }
        if rejected > 0 { throw ExitCode(1) }
    }

    /// Counts per event kind in the documented order.
    static func json(_ kinds: [String: Int]) -> JSONValue {
        .object(EventKinds.names.map { ($0, .int(kinds[$0] ?? 0)) })
    }
}
