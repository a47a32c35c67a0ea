import ArgumentParser
import ChatVaultArchive
import ChatVaultCapture
import ChatVaultCore
import Foundation

/// `chatvault sources`: every configured or known live source and whether its capture looks complete.
struct Sources: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Show each live source: status, last error, last poll and message, cursors, messages per day, gaps."
    )

    @OptionGroup var options: VaultOptions

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Option(help: "Show at most this many of the newest gaps per source.")
    var gaps = 20

    func run() async throws {
        try await reportingErrors {
            let vault = try options.openVault()
            let configured = try CaptureConfiguration.load(vaultDirectory: vault.directory).sources
            let store = SourceStore(vault: vault)
            var states: [String: SourceState] = [:]
            for state in try await store.all() { states[state.name] = state }
            for source in configured where states[source.name] == nil {
                states[source.name] = try await store.state(of: source.name, kind: source.kind)
            }
            let now = Date().timeIntervalSince1970
            let rows = states.values.sorted { $0.name < $1.name }.map { state in
                Row(
                    state: state, configuration: configured.first { $0.name == state.name }, now: now,
                    running: SourceLock.isHeld(state.name, vault: vault.directory))
            }
            let archive = try vault.openArchive()
            try await archive.recordAudit(action: "sources.list", actor: options.actorName, detail: .object([("listed", .int(rows.count))]))
            if json {
                Terminal.json(.array(rows.map { $0.json(gaps: max(gaps, 0)) }))
                return
            }
            if rows.isEmpty { Terminal.out("no sources (configure them under \"sources\" in config.json, or run chatvault capture)") }
            for row in rows { row.print(gaps: max(gaps, 0)) }
        }
    }

    /// One source as shown: its state plus what is judged at display time.
    struct Row {
        var state: SourceState
        var configuration: SourceConfiguration?
        var now: Double
        /// A capture process holds the source's lock.
        var running: Bool

        var kind: String { state.kind.isEmpty ? configuration?.kind ?? "" : state.kind }

        /// `up`, but no capture process is running or none has polled for several intervals.
        var stale: Bool {
            guard state.status == .up else { return false }
            guard running, let last = state.lastPollAt else { return true }
            return now - last > max(3 * (configuration?.pollSeconds ?? 30), 60)
        }

        var silent: Bool {
            guard let hours = configuration?.silenceHours, let last = state.lastMessageAt else { return false }
            return now - last > hours * 3600
        }

        /// The last seven UTC days, oldest first, with the messages stored for each.
        var lastWeek: [(String, Int)] {
            (0..<7).reversed().map { back in
                let day = SourceState.day(of: Timestamp(secondsSince1970: now - Double(back) * 86_400))
                return (day, state.perDay[day] ?? 0)
            }
        }

        func time(_ seconds: Double?) -> String? {
            seconds.map { Timestamp(secondsSince1970: $0.rounded()).iso8601 }
        }

        func json(gaps limit: Int) -> JSONValue {
            .object([
                ("name", .string(state.name)), ("kind", .string(kind)), ("configured", .bool(configuration != nil)),
                ("status", .string(state.status.rawValue)), ("capture_running", .bool(running)), ("stale", .bool(stale)), ("silent", .bool(silent)),
                ("last_error", .optional(state.lastError)), ("down_since", .optional(time(state.downSince))),
                ("last_poll", .optional(time(state.lastPollAt))), ("last_message", .optional(time(state.lastMessageAt))),
                ("cursors", .object(state.cursors.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("per_day", .object(lastWeek.map { ($0.0, .int($0.1)) })),
                ("stored", .int(state.stored)), ("duplicates", .int(state.duplicates)), ("rejected", .int(state.rejected)),
                (
                    "gaps",
                    .array(
                        state.gaps.suffix(limit).map { gap in
                            .object([
                                ("kind", .string(gap.kind)), ("archive", .optional(gap.archive)),
                                ("detected_at", .optional(time(gap.detectedAt))), ("detail", .string(gap.detail)),
                            ])
                        })
                ),
                ("gap_count", .int(state.gaps.count)),
            ])
        }

        func print(gaps limit: Int) {
            var status = state.status.rawValue
            if stale {
                status += running ? " (stale: no poll since \(time(state.lastPollAt) ?? "-"))" : " (stale: no capture running)"
            } else if running {
                status += ", capture running"
            }
            Terminal.out("\(Terminal.bold(Terminal.safe(state.name))) [\(Terminal.safe(kind))] \(status)")
            if let error = state.lastError { Terminal.out("  last error:   \(Terminal.safe(error))") }
            Terminal.out("  last poll:    \(time(state.lastPollAt) ?? "never")")
            Terminal.out("  last message: \(time(state.lastMessageAt) ?? "none")" + (silent ? "  (silent longer than silence_hours)" : ""))
            Terminal.out("  totals:       \(state.stored) stored, \(state.duplicates) duplicates, \(state.rejected) rejected")
            Terminal.out("  last 7 days:  " + lastWeek.map { "\($0.0.suffix(5)) \($0.1)" }.joined(separator: ", "))
            for (archive, cursor) in state.cursors.sorted(by: { $0.key < $1.key }) {
                Terminal.out("  cursor:       \(Terminal.safe(archive)) after \(Terminal.safe(cursor))")
            }
            if state.gaps.isEmpty { Terminal.out("  gaps:         none") }
            for gap in state.gaps.suffix(limit) {
                Terminal.out(
                    "  gap:          \(time(gap.detectedAt) ?? "") \(gap.kind)\(gap.archive.map { " " + Terminal.safe($0) } ?? ""): \(Terminal.safe(gap.detail))"
                )
            }
        }
    }
}
