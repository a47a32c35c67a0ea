public import ChatVaultArchive
public import ChatVaultCore
public import ChatVaultRedaction
import Crypto
import Foundation

/// The pipeline stage that censors a message before anything of it is written: its
/// text, every earlier version of it, its conversation's name, its attachments' names and
/// text go through the vault's redactor, and the message carries the redaction records
/// (field, rule, type, position, operation) instead of the values. Participants' handles
/// and display names keep who they are, but a card number, SSN, IBAN, account, passport
/// number or date of birth typed into one is redacted (``RedactionPolicy/forIdentities(hashing:)``).
/// A message inside a protected portion (``PortionTracker``) keeps no text at all.
public struct RedactionStage: Sendable {
    public var redactor: Redactor
    /// The same policy restricted to what may be redacted inside an identity.
    public let identityRedactor: Redactor
    /// The policy's protected portions; `nil` when it has none.
    public let portions: PortionTracker?
    /// Identities repeat on every message of a conversation: each is redacted once.
    private let identities = IdentityCache()

    /// - Parameter identityRedactor: `nil` derives one from `redactor`'s policy, with labels
    ///   instead of keyed hashes (the vault secret is not known here).
    public init(redactor: Redactor, identityRedactor: Redactor? = nil) {
        self.redactor = redactor
        self.identityRedactor = identityRedactor ?? Redactor(policy: redactor.policy.forIdentities(hashing: false), secret: [])
        portions = redactor.policy.portions.isEmpty ? nil : PortionTracker(rules: redactor.policy.portions)
    }

    public init(policy: RedactionPolicy, secret: [UInt8]) {
        self.init(redactor: Redactor(policy: policy, secret: secret), identityRedactor: Redactor(policy: policy.forIdentities(), secret: secret))
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
        return RedactionStage(policy: policy, secret: try vault.redactionSecret()).knowing(try directoryPeople(of: vault))
    }

    /// Reads what the archive holds of `message`'s conversation before it, the first time
    /// the stage meets the conversation, so that a portion opened by an earlier batch, run
    /// or request is still open. Call before ``apply(to:)``; does nothing without portions.
    public func preparePortions(for message: Message, archive: any Archive) async throws {
        guard let portions, portions.needsHistory(of: message) else { return }
        var history: [Message] = []
        let conversation = storedConversationID(of: message)
        if let record = try await archive.conversations(matching: message.platform + ":" + conversation).first(where: {
            $0.conversation.platform == message.platform && $0.conversation.sourceID == conversation
        }) {
            // Archive ids sort by sent time (MessageID): everything stored before the message.
            let before = MessageID(slotOf: message.sentAt).rawValue
            let window = portions.historyWindow
            history = try await archive.transcript(conversationID: record.id, around: before, limit: 2 * window)
                .filter { $0.id < before }.map(\.message)
        }
        portions.remember(history, before: message)
    }

    public func apply(to incoming: IncomingMessage) -> IncomingMessage {
        if let portions, let rule = portions.decide(incoming.message) {
            var result = PortionTracker.protect(incoming, rule: portions.matcher.rules[rule])
            var redactions: [Redaction] = []
            redactFields(of: &result, into: &redactions)
            result.message.redactions += redactions
            return result
        }
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
        redactFields(of: &result, into: &redactions)
        result.message.redactions = message.redactions + redactions
        return result
    }

    /// Attachments are read like messages: their text is redacted and indexed. A file with
    /// findings — a text file, or the text read out of a Word, Excel, PowerPoint or PDF file —
    /// is stored as its redacted text, never as the original (a binary file cannot be
    /// redacted in place). A file whose text cannot be read (an image, an unknown format) is
    /// kept as shared, or under `attachments: { unreadable: metadata_only }` only by its
    /// name, hash, size and media type. Names go through the redactor like text.
    private func redactAttachments(of incoming: inout IncomingMessage, into redactions: inout [Redaction]) {
        let message = incoming.message
        var unreadable: Set<String> = []
        var read: Set<String> = []
        var replaced: Set<String> = []
        for (index, attachment) in message.attachments.enumerated() {
            guard let sha256 = attachment.sha256, let bytes = incoming.contents[sha256] else { continue }
            let text: String
            let isText: Bool
            switch DocumentText.read(attachment, bytes: bytes) {
            case .text(let value): (text, isText) = (value, true)
            case .extracted(let value) where !value.allSatisfy(\.isWhitespace): (text, isText) = (value, false)
            case .extracted, nil:
                unreadable.insert(sha256)
                continue
            }
            read.insert(sha256)
            let outcome = redactor.redact(text, platform: message.platform, conversation: message.conversation)
            incoming.attachmentText.append(outcome.dropMessage ? "" : outcome.text)
            guard !outcome.redactions.isEmpty else { continue }
            redactions += outcome.redactions.map { redaction in
                var moved = redaction
                moved.field = isText ? "attachment.\(index)" : "attachment.\(index).text"
                return moved
            }
            replaced.insert(sha256)
            let stored = Array((outcome.dropMessage ? "" : outcome.text).utf8)
            let storedHash = Array(SHA256.hash(data: stored)).hexString
            incoming.contents[storedHash] = stored
            var redacted = attachment
            redacted.sha256 = storedHash
            redacted.size = Int64(stored.count)
            redacted.mediaType = "text/plain"
            redacted.redacted = true
            incoming.message.attachments[index] = redacted
        }
        // The original of a file stored as its redacted text is not kept, whatever other
        // name the same bytes were shared under.
        for sha256 in replaced { incoming.contents[sha256] = nil }
        if redactor.policy.unreadableAttachments == .metadataOnly {
            for sha256 in unreadable.subtracting(read) { incoming.contents[sha256] = nil }
        }
    }

    /// The fields around the text: the conversation's name and the attachments' names go
    /// through the redactor; handles and display names through the identity redactor.
    private func redactFields(of incoming: inout IncomingMessage, into redactions: inout [Redaction]) {
        let message = incoming.message
        if let name = incoming.conversationName {
            incoming.conversationName = redact(name, field: "conversation_name", cached: true, in: message, into: &redactions)
        }
        for (index, attachment) in incoming.message.attachments.enumerated() {
            incoming.message.attachments[index].name = redact(attachment.name, field: "attachment.\(index).name", in: message, into: &redactions)
        }
        // Some exports name a conversation by free text (a WhatsApp chat by its file name).
        incoming.message.conversation = storedConversationID(of: message)
        incoming.message.sender = identity(message.sender, field: "sender", in: message, into: &redactions)
        for (index, recipient) in message.recipients.enumerated() {
            incoming.message.recipients[index] = identity(recipient, field: "recipients.\(index)", in: message, into: &redactions)
        }
        for (index, reaction) in message.reactions.enumerated() {
            if Self.mayHoldIdentityValue(reaction.emoji) {
                incoming.message.reactions[index].emoji = redact(
                    reaction.emoji, field: "reactions.\(index).emoji", identity: true, in: message, into: &redactions)
            }
            for (position, handle) in reaction.by.enumerated() where Self.mayHoldIdentityValue(handle) && !Self.isPlatformNumber(handle) {
                incoming.message.reactions[index].by[position] = redact(
                    handle, field: "reactions.\(index).by.\(position)", identity: true, in: message, into: &redactions)
            }
        }
    }

    /// The conversation id as stored: an id that holds a value the identity redactor finds
    /// is stored with it redacted (the same for every message of the conversation).
    func storedConversationID(of message: Message) -> String {
        let id = message.conversation
        guard Self.mayHoldIdentityValue(id), !Self.isPlatformNumber(id) else { return id }
        return identityOutcome(id, in: message).text
    }

    private func identityOutcome(_ value: String, in message: Message) -> RedactionOutcome {
        identities.outcome(value, kind: "i", platform: message.platform, conversation: message.conversation) {
            identityRedactor.redact(value, platform: message.platform, conversation: message.conversation)
        }
    }

    private func identity(_ handle: Handle, field: String, in message: Message, into redactions: inout [Redaction]) -> Handle {
        var result = handle
        // A handle that is only digits is the platform's number for the account (a Discord or
        // Telegram id), not something a person typed.
        if Self.mayHoldIdentityValue(handle.id), !Self.isPlatformNumber(handle.id) {
            result.id = redact(handle.id, field: field + ".id", identity: true, in: message, into: &redactions)
        }
        if let name = handle.displayName, Self.mayHoldIdentityValue(name) {
            result.displayName = redact(name, field: field + ".name", identity: true, in: message, into: &redactions)
        }
        return result
    }

    /// Redacts one field; a `drop` there replaces the whole field by its label instead of
    /// dropping the message. `cached` for a field that repeats on every message (the
    /// conversation's name).
    private func redact(
        _ value: String, field: String, identity: Bool = false, cached: Bool = false, in message: Message, into redactions: inout [Redaction]
    ) -> String {
        let outcome: RedactionOutcome
        if identity {
            outcome = identityOutcome(value, in: message)
        } else if cached {
            outcome = identities.outcome(value, kind: "n", platform: message.platform, conversation: message.conversation) {
                redactor.redact(value, platform: message.platform, conversation: message.conversation)
            }
        } else {
            outcome = redactor.redact(value, platform: message.platform, conversation: message.conversation)
        }
        guard !outcome.redactions.isEmpty else { return value }
        if outcome.dropMessage {
            let record = outcome.redactions.first
            let label = "[REDACTED:\(record?.type ?? "KEYWORD")]"
            redactions.append(
                Redaction(
                    rule: record?.rule ?? "keyword", type: record?.type ?? "KEYWORD", start: 0, end: label.unicodeScalars.count, operation: .replace,
                    field: field))
            return label
        }
        redactions += outcome.redactions.map { redaction in
            var moved = redaction
            moved.field = field
            return moved
        }
        return outcome.text
    }

    /// Every value the identity redactor looks for holds a digit; most handles hold none.
    static func mayHoldIdentityValue(_ text: String) -> Bool {
        text.utf8.contains { ($0 >= 0x30 && $0 <= 0x39) || $0 >= 0x80 }
    }

    static func isPlatformNumber(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}

/// Redaction outcomes of fields that repeat on every message (handles, display names,
/// conversation ids and names) by kind, value, platform and conversation; bounded, shared
/// by the batches of a run.
final class IdentityCache: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [String: RedactionOutcome] = [:]

    func outcome(_ value: String, kind: Character, platform: String, conversation: String, compute: () -> RedactionOutcome) -> RedactionOutcome {
        let key = String(kind) + platform + "\u{1F}" + conversation + "\u{1F}" + value
        lock.lock()
        if let known = outcomes[key] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let outcome = compute()
        lock.lock()
        if outcomes.count >= 50_000 { outcomes.removeAll(keepingCapacity: true) }
        outcomes[key] = outcome
        lock.unlock()
        return outcome
    }
}
