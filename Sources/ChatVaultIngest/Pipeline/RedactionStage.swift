public import ChatVaultArchive
public import ChatVaultCore
public import ChatVaultRedaction
import Foundation

/// The pipeline stage that censors a message before anything of it is written: its
/// text and every earlier version of it go through the vault's redactor, and the
/// message carries the redaction records (rule, type, position, operation) instead of
/// the values.
public struct RedactionStage: Sendable {
    public let redactor: Redactor

    public init(redactor: Redactor) {
        self.redactor = redactor
    }

    /// The vault's stage: its policy file (or the built-in default) and its secret.
    public static func forVault(_ vault: Vault) throws -> RedactionStage {
        let policy: RedactionPolicy
        if let text = try vault.policyText() {
            policy = try RedactionPolicy.load(yaml: text, source: vault.policyURL.path)
        } else {
            policy = .default
        }
        return RedactionStage(redactor: Redactor(policy: policy, secret: try vault.redactionSecret()))
    }

    public func apply(to incoming: IncomingMessage) -> IncomingMessage {
        var result = incoming
        let message = incoming.message
        let outcome = redactor.redact(message.text, platform: message.platform, conversation: message.conversation)
        var redactions = outcome.redactions
        result.message.text = outcome.text
        result.message.editedFrom = message.editedFrom.enumerated().map { index, earlier in
            let version = redactor.redact(earlier, platform: message.platform, conversation: message.conversation)
            redactions += version.redactions.map { redaction in
                var moved = redaction
                moved.field = "edited_from.\(index)"
                return moved
            }
            return version.dropMessage ? "" : version.text
        }
        if outcome.dropMessage || redactions.contains(where: { $0.operation == .drop }) {
            // A dropped message is still recorded as having existed, with no content.
            result.message.text = ""
            result.message.editedFrom = result.message.editedFrom.map { _ in "" }
            result.message.attachments = []
        }
        result.message.redactions = message.redactions + redactions
        return result
    }
}
