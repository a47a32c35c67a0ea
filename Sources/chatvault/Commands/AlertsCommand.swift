import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alerts", abstract: "List policy alerts, newest first.")

    @OptionGroup var options: VaultOptions

    @Option(help: "Only alerts in this state (open, escalated, closed).")
    var state: String?

    @Option(help: "Only alerts raised by this rule.")
    var rule: String?

    @Option(help: "At most this many alerts.")
    var limit = 100

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if let state, Alert.State(rawValue: state) == nil {
            throw ValidationError("--state must be one of \(Alert.State.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let archive = try options.openArchive()
            let alerts = try await archive.alerts(state: state.flatMap(Alert.State.init(rawValue:)), rule: rule, limit: max(1, limit))
            try await archive.recordAudit(action: "alerts.list", actor: options.actorName, detail: .object([("listed", .int(alerts.count))]))
            if json {
                Terminal.json(.array(alerts.map(Self.json)))
                return
            }
            if alerts.isEmpty { Terminal.out("no alerts") }
            for stored in alerts {
                let a = stored.alert
                let matched = a.matches.map { Terminal.safe($0.text) }.joined(separator: ", ")
                Terminal.out(
                    "#\(stored.id) \(Terminal.time(a.raisedAt)) [\(a.severity.rawValue)] \(Terminal.safe(a.rule)) \(a.state.rawValue)  message \(stored.messageID) in \(Terminal.safe(a.message.platform)):\(Terminal.safe(a.message.conversation))"
                        + (matched.isEmpty ? "" : "  matched: \(matched)") + (a.action == .block ? "  (would have been blocked)" : ""))
            }
        }
    }

    static func json(_ stored: StoredAlert) -> JSONValue {
        let a = stored.alert
        return .object([
            ("id", .int(stored.id)), ("leaf", .int(stored.leafIndex)), ("message_id", .int(stored.messageID)), ("rule", .string(a.rule)),
            ("severity", .string(a.severity.rawValue)), ("action", .string(a.action.rawValue)), ("state", .string(a.state.rawValue)),
            ("description", .string(a.description)), ("platform", .string(a.message.platform)), ("conversation", .string(a.message.conversation)),
            ("source_id", .string(a.message.sourceID)), ("participants", .array(a.participants.map(JSONValue.string))),
            ("matches", .array(a.matches.map { .object([("start", .int($0.start)), ("end", .int($0.end)), ("text", .string($0.text))]) })),
            ("policy_version", .string(a.policyVersion)), ("raised_at", .string(a.raisedAt.iso8601)),
        ])
    }
}
