import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultServer
import Foundation

/// `chatvault report`: reports that are also on the console's Reports page.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print a report (the console's Reports page has the others, with charts and CSV).",
        subcommands: [NoticesReport.self]
    )
}

/// `chatvault report notices`: who was shown the archive notice, where and when, and who
/// was seen in a conversation but never shown it.
struct NoticesReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notices",
        abstract: "Who has been shown the archive notice (recorded by a gateway), and who has not.",
        discussion: """
            People never shown it are looked for in every conversation on --platform, else on the
            platforms gateway tokens write to and those with any notice. --from and --to limit
            the notices shown, not the people never shown one.
            """
    )

    @OptionGroup var options: VaultOptions

    @Option(help: "Only this platform.")
    var platform: String?

    @Option(help: "Only this person: a handle, a display name, or a directory person's name or employee id.")
    var person: String?

    @Option(help: "Only notices shown on or after this day (YYYY-MM-DD).")
    var from: String?

    @Option(help: "Only notices shown on or before this day (YYYY-MM-DD).")
    var to: String?

    @Flag(help: "List only the people shown the notice.")
    var receivedOnly = false

    @Flag(help: "Print the rows as JSON.")
    var json = false

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, Timestamp(iso8601: value + "T00:00:00Z") == nil {
                throw ValidationError("\(name) must be a day like 2026-11-29")
            }
        }
    }

    func run() async throws {
        try await reportingErrors {
            let vault = try options.openVault()
            let archive = try vault.openArchive()
            let filter = NoticeReport.Filter(
                platform: platform, person: person, from: from.flatMap { Timestamp(iso8601: $0 + "T00:00:00Z") },
                to: to.flatMap { Timestamp(iso8601: $0 + "T00:00:00Z") }.map { Timestamp(microseconds: $0.microseconds + 86_400_000_000) },
                missing: !receivedOnly)
            let tokens = try await AccountStore(vaultDirectory: vault.directory).tokens
            let gatewayPlatforms = Set(tokens.filter { $0.role == .gateway }.flatMap(\.ingestScope.platforms))
            let report = try await NoticeReport.build(
                archive: archive, filter: filter, gatewayPlatforms: gatewayPlatforms, directory: try PolicyStage.loadDirectory(of: vault))
            try await archive.recordAudit(
                action: "report.notices", actor: options.actorName,
                detail: .object([("platform", .optional(platform)), ("person", .optional(person)), ("rows", .int(report.rows.count))]))
            if json {
                Terminal.json(
                    .array(
                        report.cells.map { cells in
                            .object(zip(NoticeReport.columns, cells).map { ($0.replacingOccurrences(of: " ", with: "_"), JSONValue.string($1)) })
                        }))
                return
            }
            let received = report.rows.count { $0.status == .received }
            Terminal.out("\(received) shown the notice, \(report.rows.count - received) not shown it")
            for row in report.rows {
                let who = Terminal.safe(row.participant.description)
                let place = Terminal.safe(row.platform + ":" + row.conversation)
                if let at = row.at {
                    Terminal.out("received  \(Terminal.time(at))  \(place)  \(who)  via \(Terminal.safe(row.via ?? "?"))")
                } else {
                    Terminal.out("MISSING   \(String(repeating: " ", count: 19))  \(place)  \(who)")
                }
            }
        }
    }
}
