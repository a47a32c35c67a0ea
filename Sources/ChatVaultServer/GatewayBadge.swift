import ChatVaultArchive
import ChatVaultCore

/// The label the console puts on a message or alert a gateway decided on, so a reviewer
/// sees at a glance what the sender's recipients saw: nothing, a masked text, or the text
/// with a tip shown to the sender. The templates escape it like any other value.
enum GatewayBadge {
    /// The badge of a message as archived, given the alerts stored with it.
    static func of(_ archived: ArchivedMessage, alerts: [Alert]) -> String? {
        if archived.message.kind == .blocked { return "blocked by gateway" }
        guard archived.deliveredBy?.hasPrefix("gateway:") == true else { return nil }
        if alerts.contains(where: { $0.action == .redact }) || archived.message.redactions.contains(where: { $0.field == "text" }) {
            return "redacted by gateway"
        }
        if alerts.contains(where: { $0.action == .warn }) { return "sender warned by gateway" }
        return nil
    }

    /// The badge of an alert in the review queue: what the gateway did with its message, or
    /// for a message archived after the fact, that a `block` rule would have stopped it.
    static func of(_ alert: Alert, message: ArchivedMessage?) -> String? {
        if let message, let badge = of(message, alerts: [alert]) { return badge }
        return alert.action == .block ? "would have been blocked" : nil
    }
}
