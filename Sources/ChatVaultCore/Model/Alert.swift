/// A possible breach of the company's IM policy, raised for review.
///
/// An alert names the rule, the message and what matched. It is a value: the policy
/// engine raises it, the archive stores it as a leaf of the integrity log, and the
/// review workflow moves its ``State`` (changes of state are audit events, so the
/// stored alert itself never changes).
public struct Alert: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case low, medium, high, critical

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// What the rule asks for when it fires. No action removes a message from the archive.
    public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
        /// An alert for review.
        case flag
        /// The matched words are masked through the redactor.
        case redact
        /// The message would have been blocked (recorded when archiving after the fact); the
        /// gateway refuses it before delivery.
        case block
        /// Delivered, but the gateway shows the sender a policy tip.
        case warn
    }

    /// Where an alert stands in review.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case open, escalated, closed

        /// Whether a reviewer may move an alert from this state to `next`.
        public func canMove(to next: State) -> Bool {
            switch (self, next) {
            case (.open, .escalated), (.open, .closed), (.escalated, .closed), (.closed, .open): return true
            default: return false
            }
        }
    }

    /// Matched text: positions in the stored (redacted) message text, in Unicode scalars, end exclusive.
    public struct Match: Sendable, Hashable, Codable {
        public var start: Int
        public var end: Int
        public var text: String

        public init(start: Int, end: Int, text: String) {
            self.start = start
            self.end = end
            self.text = text
        }
    }

    public var rule: String
    public var severity: Severity
    public var action: Action
    /// The rule's description, shown to reviewers (for a wall, the wall's name).
    public var description: String
    /// The message the alert is about (its platform, conversation and source id).
    public var message: Message.DedupKey
    /// Handles taking part in the conversation when the alert was raised.
    public var participants: [String]
    public var matches: [Match]
    public var state: State
    /// SHA-256 (hex) of the policy file that raised it.
    public var policyVersion: String
    /// The message's time (alerts are raised as messages are archived).
    public var raisedAt: Timestamp

    public init(
        rule: String, severity: Severity, action: Action = .flag, description: String = "", message: Message.DedupKey,
        participants: [String] = [], matches: [Match] = [], state: State = .open, policyVersion: String = "", raisedAt: Timestamp
    ) {
        self.rule = rule
        self.severity = severity
        self.action = action
        self.description = description
        self.message = message
        self.participants = participants
        self.matches = matches
        self.state = state
        self.policyVersion = policyVersion
        self.raisedAt = raisedAt
    }
}
