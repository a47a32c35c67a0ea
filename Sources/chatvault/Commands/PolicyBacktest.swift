import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import Foundation

extension Policy {
    struct Backtest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a candidate policy over the archived messages without storing alerts.",
            discussion: """
                Reports hits per rule, per sender group and per day, and the difference against the
                vault's active policy: alerts that would start and that would stop.
                """)

        @OptionGroup var options: VaultOptions

        @Option(help: "The candidate policy file (YAML).")
        var policy: String

        @Option(help: "Only messages sent at or after this date (ISO 8601).")
        var since: String?

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                let archive = try vault.openArchive()
                let start = try since.map { text -> Timestamp in
                    guard let time = Timestamp(iso8601: text) else { throw CLIError("--since: '\(text)' is not an ISO 8601 date") }
                    return time
                }
                let candidate = try PolicyFile.loadUse(policy)
                let active = try vault.policyText().map { try UsePolicy.load(yaml: $0, source: vault.policyURL.path) } ?? UsePolicy()
                let directory = try PolicyStage.loadDirectory(of: vault)
                let seed = try PolicyStage.samplingSeed(of: vault)
                let messages = try await Self.messages(of: archive, since: start)
                let proposed = try PolicyEvaluator(policy: candidate, directory: directory, seed: seed)
                let current = try PolicyEvaluator(policy: active, directory: directory, seed: seed)
                let report = BacktestReport(candidate: proposed, active: current, messages: messages, directory: directory)
                try await archive.recordAudit(
                    action: "policy.backtest", actor: options.actorName,
                    detail: .object([
                        ("policy", .string(candidate.version)), ("messages", .int(messages.count)),
                        // The words a backtest probes are what it reveals about the archive: kept in full.
                        (
                            "yaml",
                            .string(
                                AuditRedaction.policyText(
                                    try PolicyFile.text(policy), policy: try PolicyFile.load(policy), secret: try vault.redactionSecret()))
                        ),
                    ]))
                if json { Terminal.json(report.json) } else { report.lines.forEach(Terminal.out) }
            }
        }

        /// Every archived message (in sent order), with its conversation's kind.
        static func messages(of archive: any Archive, since: Timestamp?) async throws -> [(Message, Conversation.Kind)] {
            var result: [(Message, Conversation.Kind)] = []
            for record in try await archive.conversations(limit: Int.max) {
                for archived in try await archive.transcript(conversationID: record.id, around: nil, limit: Int.max) {
                    if let since, archived.message.sentAt < since { continue }
                    result.append((archived.message, record.conversation.kind))
                }
            }
            return result.sorted { ($0.0.sentAt, $0.0.sourceID) < ($1.0.sentAt, $1.0.sourceID) }
        }
    }
}

/// Hits of a candidate policy over archived messages, and how they differ from the active one's.
struct BacktestReport {
    var perRule: [String: Int] = [:]
    var perGroup: [String: Int] = [:]
    var perDay: [String: Int] = [:]
    var starting: [String: Int] = [:]
    var stopping: [String: Int] = [:]
    var messages = 0

    init(candidate: PolicyEvaluator, active: PolicyEvaluator, messages: [(Message, Conversation.Kind)], directory: Directory) {
        var candidate = candidate
        var active = active
        self.messages = messages.count
        for (message, kind) in messages {
            let proposed = candidate.evaluate(message, conversationKind: kind)
            let current = Set(active.evaluate(message, conversationKind: kind).map(\.rule))
            let day = candidate.policy.hours.local(message.sentAt).day
            let groups = directory.person(for: message.sender, platform: message.platform)?.memberships.sorted() ?? ["(unknown)"]
            for alert in proposed {
                perRule[alert.rule, default: 0] += 1
                perDay[day, default: 0] += 1
                for group in groups { perGroup[group, default: 0] += 1 }
                if !current.contains(alert.rule) { starting[alert.rule, default: 0] += 1 }
            }
            for rule in current.subtracting(proposed.map(\.rule)) { stopping[rule, default: 0] += 1 }
        }
    }

    var lines: [String] {
        func section(_ title: String, _ counts: [String: Int]) -> [String] {
            [title] + (counts.isEmpty ? ["  (none)"] : counts.sorted { $0.key < $1.key }.map { "  \(Terminal.safe($0.key)): \($0.value)" })
        }
        return ["backtest over \(messages) messages"] + section("hits per rule:", perRule) + section("hits per sender group:", perGroup)
            + section("hits per day:", perDay) + section("would start alerting (vs active policy):", starting)
            + section("would stop alerting (vs active policy):", stopping)
    }

    var json: JSONValue {
        func object(_ counts: [String: Int]) -> JSONValue { .object(counts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) }) }
        return .object([
            ("messages", .int(messages)), ("per_rule", object(perRule)), ("per_group", object(perGroup)), ("per_day", object(perDay)),
            ("starting", object(starting)), ("stopping", object(stopping)),
        ])
    }
}
