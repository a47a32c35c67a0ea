public import ChatVaultCore
import ChatVaultPolicy

/// The answer to a gateway module asking whether a message may be delivered
/// (`POST /api/v1/decide`), derived from the message as archived and the alerts it raised.
///
/// Precedence is `block > redact > warn > allow`: a rule with action `block` refuses the
/// message; text the redactor or a `redact` rule masked is delivered masked; a `warn` rule
/// delivers it unchanged with a tip for the sender; `flag` alerts go to review silently.
public struct GatewayDecision: Sendable, Hashable {
    public enum Verdict: String, Sendable, Hashable, CaseIterable, Comparable {
        case allow, warn, redact, block

        public static func < (lhs: Verdict, rhs: Verdict) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// A rule that fired on the message.
    public struct FiredRule: Sendable, Hashable {
        public var rule: String
        public var action: Alert.Action
        public var severity: Alert.Severity
    }

    public var verdict: Verdict
    /// The text to deliver: the archived (redacted) text.
    public var text: String
    /// The policy tip for the sender; `nil` when the verdict is `allow`.
    public var tip: String?
    public var rules: [FiredRule]
    /// The archive id of the record: the delivered message, or the `blocked` record.
    public var record: Int64

    /// The decision for `message` as archived under `record` with `alerts`; `tip` gives a
    /// rule's own tip (or `nil` for the default of its action).
    public static func of(_ message: Message, record: Int64, alerts: [Alert], tip: (String) -> String?) -> GatewayDecision {
        let rules = alerts.map { FiredRule(rule: $0.rule, action: $0.action, severity: $0.severity) }
        let masked = message.redactions.contains { $0.field == "text" }
        var verdict = Verdict.allow
        if message.kind == .blocked || alerts.contains(where: { $0.action == .block }) {
            verdict = .block
        } else if masked || alerts.contains(where: { $0.action == .redact }) {
            verdict = .redact
        } else if alerts.contains(where: { $0.action == .warn }) {
            verdict = .warn
        }
        var senderTip: String?
        if verdict != .allow {
            let action: Alert.Action = verdict == .block ? .block : verdict == .redact ? .redact : .warn
            senderTip = alerts.first { $0.action == action }.flatMap { tip($0.rule) } ?? Rule.defaultTip(for: action)
        }
        return GatewayDecision(verdict: verdict, text: message.text, tip: senderTip, rules: rules, record: record)
    }

    /// The response body of `POST /api/v1/decide`.
    public var json: JSONValue {
        .object([
            ("decision", .string(verdict.rawValue)), ("text", .string(text)), ("tip", tip.map(JSONValue.string) ?? .null),
            (
                "rules",
                .array(
                    rules.map {
                        .object([("rule", .string($0.rule)), ("action", .string($0.action.rawValue)), ("severity", .string($0.severity.rawValue))])
                    })
            ),
            ("record", .string(String(record))),
        ])
    }
}
