public import ChatVaultArchive
public import ChatVaultCore
public import ChatVaultRedaction
import Crypto
import Foundation

/// The pipeline stage that censors a message before anything of it is written: its
/// text and every earlier version of it go through the vault's redactor, and the
/// message carries the redaction records (rule, type, position, operation) instead of
/// the values.
public struct RedactionStage: Sendable {
    public var redactor: Redactor

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
        // The directory's people are the firm's: their names stay (unless the policy says otherwise).
        return RedactionStage(redactor: Redactor(policy: policy, secret: try vault.redactionSecret())).knowing(try directoryPeople(of: vault))
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
            result.contents = [:]
        }
        redactAttachments(of: &result, into: &redactions)
        result.message.redactions = message.redactions + redactions
        return result
    }

    /// Attachments are read like messages: their text is redacted and indexed. A text file
    /// with findings is stored as its redacted text, not the original. Text read out of a
    /// binary file (Word, Excel, PowerPoint, PDF) is redacted and indexed; the file itself
    /// is kept as shared (see docs/REDACTION.md).
    private func redactAttachments(of incoming: inout IncomingMessage, into redactions: inout [Redaction]) {
        let message = incoming.message
        for (index, attachment) in message.attachments.enumerated() {
            guard let sha256 = attachment.sha256, let bytes = incoming.contents[sha256], let content = DocumentText.read(attachment, bytes: bytes)
            else { continue }
            let text: String
            let isText: Bool
            switch content {
            case .text(let value): (text, isText) = (value, true)
            case .extracted(let value): (text, isText) = (value, false)
            }
            let outcome = redactor.redact(text, platform: message.platform, conversation: message.conversation)
            incoming.attachmentText.append(outcome.dropMessage ? "" : outcome.text)
            guard !outcome.redactions.isEmpty else { continue }
            redactions += outcome.redactions.map { redaction in
                var moved = redaction
                moved.field = isText ? "attachment.\(index)" : "attachment.\(index).text"
                return moved
            }
            guard isText else { continue }
            let stored = Array((outcome.dropMessage ? "" : outcome.text).utf8)
            let storedHash = Array(SHA256.hash(data: stored)).hexString
            incoming.contents[sha256] = nil
            incoming.contents[storedHash] = stored
            var replaced = attachment
            replaced.sha256 = storedHash
            replaced.size = Int64(stored.count)
            replaced.mediaType = "text/plain"
            replaced.redacted = true
            incoming.message.attachments[index] = replaced
        }
    }
}
