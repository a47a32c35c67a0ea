public import ChatVaultArchive
public import ChatVaultRedaction
import Foundation

/// Search terms, hold queries and export selections as the audit trail and manifests keep
/// them: run through the vault's redactor, so a searched SSN or card number is recorded as
/// its label (or masked, or a keyed hash token, as the policy says) and never verbatim.
///
/// The archive itself holds only redacted text, so a query for such a value cannot match
/// anything either; recording it would be the only place the value reached disk.
public struct AuditRedaction: Sendable {
    let redactor: Redactor?

    public init(redactor: Redactor?) {
        self.redactor = redactor
    }

    /// The vault's policy (or the built-in default) with the vault's hash secret and the
    /// directory's people, exactly as its messages are redacted: a query naming a colleague
    /// is kept (and may be held), a customer's name or an SSN is not.
    public static func forVault(_ vault: Vault) throws -> AuditRedaction {
        AuditRedaction(redactor: try RedactionStage.forVault(vault).redactor)
    }

    /// `text` with every value the policy finds replaced as it would be in a message.
    public func redact(_ text: String) -> String {
        guard let redactor else { return text }
        let outcome = redactor.redact(text)
        return outcome.dropMessage ? "[REDACTED]" : outcome.text
    }

    /// Whether the policy finds anything to redact in `text`.
    public func findsSomething(in text: String) -> Bool {
        guard let redactor else { return false }
        return !redactor.redact(text).redactions.isEmpty
    }
}

extension AuditRedaction {
    /// A policy file's text as the audit trail keeps it: whole, so the trail shows every word
    /// any version looked for, but redacted under that policy itself, so the keyword lists
    /// of things never to be archived (code names) and any personal value in it stay out
    /// of the permanent log (the policy file keeps them).
    public static func policyText(_ text: String, policy: RedactionPolicy, secret: [UInt8]) -> String {
        AuditRedaction(redactor: Redactor(policy: policy, secret: secret)).redact(text)
    }
}

extension Ingestor {
    /// The redaction for audit text under the policy this ingestor runs now.
    public var auditRedaction: AuditRedaction { AuditRedaction(redactor: redaction?.redactor) }
}
