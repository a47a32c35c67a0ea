public import ChatVaultCore
public import ChatVaultRedaction
import Foundation

/// Which messages fall inside a protected portion of their conversation (see
/// ``PortionRule``), across batches, runs and single-message ingest requests.
///
/// The state of each conversation (the open portion: its rule, when it opened, how many
/// messages it has protected) lives in memory for a run and is derived, the first time a
/// conversation is seen, from what the archive already holds of it before the message
/// (``remember(_:before:)``): the stored openers and closers still carry their markers, and
/// a protected message carries its `portion.<id>` record, so replaying the same rules over
/// the stored messages gives the state a single long run would have had. Nothing extra is
/// stored.
///
/// Messages are taken in the order they arrive; one timed before the open portion's start
/// is outside it, and an opener timed before the last close (a retry, a re-import) does
/// not open it again. Protected message ids are remembered, so a retried message gets the
/// same decision and stays a duplicate, and an edit of one is protected too.
public final class PortionTracker: @unchecked Sendable {
    public let matcher: PortionMatcher
    private let lock = NSLock()
    private var conversations: [Key: ConversationState] = [:]

    struct Key: Hashable {
        var platform: String
        var conversation: String
    }

    public init(rules: [PortionRule]) {
        matcher = PortionMatcher(rules: rules)
    }

    /// How many stored messages before a message are read to find an open portion.
    public var historyWindow: Int { min(2000, 2 * (matcher.rules.map(\.maxMessages).max() ?? 0) + 50) }

    /// Whether the tracker has not seen the message's conversation yet.
    public func needsHistory(of message: Message) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return conversations[Key(message)] == nil
    }

    /// Takes the state of `message`'s conversation from the messages stored before it
    /// (oldest first). Does nothing when another batch got there first.
    public func remember(_ history: [Message], before message: Message) {
        var state = ConversationState()
        for stored in history {
            var decision = state.step(stored, text: stored.text, matcher: matcher)
            if let record = stored.redactions.first(where: { $0.type == PortionRule.type }),
                let rule = matcher.rules.firstIndex(where: { $0.ruleID == record.rule })
            {
                decision = rule
            }
            state.record(stored.sourceID, decision)
        }
        lock.lock()
        defer { lock.unlock() }
        if conversations[Key(message)] == nil { conversations[Key(message)] = state }
    }

    /// The index of the rule whose open portion `message` falls in, or `nil`. Call once per
    /// message, in arrival order; a message id seen before gets its earlier answer.
    public func decide(_ message: Message) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        let key = Key(message)
        var state = conversations[key] ?? ConversationState()
        defer { conversations[key] = state }
        if let known = state.decided[message.sourceID] { return known }
        let decision = state.step(message, text: message.text, matcher: matcher)
        state.record(message.sourceID, decision)
        return decision
    }

    /// `incoming` as a protected message: sender, recipients, time, kind and thread stay;
    /// the text becomes `[REDACTED:PORTION] (N characters)`, earlier versions and attachment
    /// contents go, attachments keep only their media type and size.
    public static func protect(_ incoming: IncomingMessage, rule: PortionRule) -> IncomingMessage {
        var result = incoming
        let length = incoming.message.text.count
        result.message.text = "\(PortionRule.label) (\(length) character\(length == 1 ? "" : "s"))"
        result.message.editedFrom = incoming.message.editedFrom.map { _ in PortionRule.label }
        result.message.attachments = incoming.message.attachments.map { attachment in
            Attachment(name: PortionRule.label, sha256: nil, size: attachment.size, mediaType: attachment.mediaType, redacted: true)
        }
        result.contents = [:]
        result.attachmentText = []
        let labelLength = PortionRule.label.unicodeScalars.count
        result.message.redactions =
            [Redaction(rule: rule.ruleID, type: PortionRule.type, start: 0, end: labelLength, operation: .replace)]
            + result.message.editedFrom.indices.map { index in
                Redaction(rule: rule.ruleID, type: PortionRule.type, start: 0, end: labelLength, operation: .replace, field: "edited_from.\(index)")
            }
        return result
    }
}

/// One conversation's portion state.
struct ConversationState {
    struct Open {
        var rule: Int
        var openedAt: Timestamp
        var count: Int
    }

    var open: Open?
    /// When the last portion closed: an opener from before then (a retry, a late
    /// re-import) does not open it again.
    var closedAt: Timestamp?
    var lastOpener: String?
    /// The protected messages by id, so that retries and edits of them agree.
    private(set) var decided: [String: Int] = [:]

    mutating func record(_ sourceID: String, _ decision: Int?) {
        guard let decision else { return }
        // Bounded: a long-running ingest forgets old decisions, which only matter for retries and edits.
        if decided.count >= 100_000 { decided.removeAll(keepingCapacity: true) }
        decided[sourceID] = decision
    }

    private mutating func close(at time: Timestamp) {
        open = nil
        closedAt = max(closedAt ?? time, time)
    }

    /// The rule protecting `message`, if any, moving the state on. Openers and closers are
    /// stored as they are (the agent's announcement stays in the record); what comes between
    /// is protected.
    mutating func step(_ message: Message, text: String, matcher: PortionMatcher) -> Int? {
        if let current = open, message.sentAt >= current.openedAt {
            let limit = Int64(matcher.rules[current.rule].maxSeconds) * 1_000_000
            if message.sentAt.microseconds - current.openedAt.microseconds > limit {
                close(at: Timestamp(microseconds: current.openedAt.microseconds + limit))
            }
        }
        guard message.kind == .message || message.kind == .edit else { return nil }
        if message.kind == .edit, let target = message.target, let rule = decided[target] { return rule }
        let signals = matcher.signals(in: text)
        if let current = open, signals.closes.contains(current.rule), message.sentAt >= current.openedAt {
            close(at: message.sentAt)
            return nil
        }
        if let rule = signals.opens {
            let isNew = message.sourceID != lastOpener && message.sentAt >= (open?.openedAt ?? closedAt ?? message.sentAt)
            if isNew {
                open = Open(rule: rule, openedAt: message.sentAt, count: 0)
                lastOpener = message.sourceID
            }
            return nil
        }
        guard var current = open, message.sentAt >= current.openedAt else { return nil }
        current.count += 1
        open = current
        if current.count >= matcher.rules[current.rule].maxMessages { close(at: message.sentAt) }
        return current.rule
    }
}

extension PortionTracker.Key {
    init(_ message: Message) {
        self.init(platform: message.platform, conversation: message.conversation)
    }
}
