public import ChatVaultCore

/// Which retention rule sets a message's period, and whether that period has ended.
///
/// Backend-neutral: a store reads every version of every rule and, per message, where it
/// was said, who took part and when it was sent and stored; the schedule decides. Where
/// several rules match, the longest period wins. A rule's version in force when the
/// message was stored applies, lengthened by any later version, never shortened: a
/// shortened rule reaches only messages stored after the change.
///
/// ```swift
/// let schedule = RetentionSchedule(versions: try await store.allRuleVersions())
/// if let period = schedule.period(of: record), period.hasEnded(at: cutoff) { … }
/// ```
public struct RetentionSchedule: Sendable {
    /// A message as the schedule sees it.
    public struct Record: Sendable, Hashable {
        public var platform: String
        /// The platform's id of the conversation.
        public var conversation: String
        public var sender: Handle
        public var recipients: [Handle]
        public var sentAt: Timestamp
        /// When the archive stored it (the time of the first checkpoint covering its leaf);
        /// `nil` when no checkpoint covers it yet, which counts as later than every version.
        public var storedAt: Timestamp?

        public init(platform: String, conversation: String, sender: Handle, recipients: [Handle], sentAt: Timestamp, storedAt: Timestamp?) {
            self.platform = platform
            self.conversation = conversation
            self.sender = sender
            self.recipients = recipients
            self.sentAt = sentAt
            self.storedAt = storedAt
        }
    }

    /// How long a message is kept, and under which rule.
    public struct Period: Sendable, Hashable {
        public var days: Int
        /// The name of the rule that sets it.
        public var rule: String
        /// When the message's period ends: its sent time plus `days`.
        public var endsAt: Timestamp

        /// Whether the period has ended at `cutoff` (it ends exactly at ``endsAt``).
        public func hasEnded(at cutoff: Timestamp) -> Bool { endsAt.microseconds <= cutoff.microseconds }
    }

    /// Each rule's versions, oldest first, by rule name in byte order.
    private let rules: [(name: String, versions: [RetentionRule])]

    /// A schedule over `versions`: every version of every rule, oldest first.
    public init(versions: [RetentionRule]) {
        rules = Dictionary(grouping: versions, by: \.name).sorted { $0.key < $1.key }.map { (name: $0.key, versions: $0.value) }
    }

    /// Whether there is no rule at all (then no message ever expires).
    public var isEmpty: Bool { rules.isEmpty }

    /// The period of `record`, or `nil` when no rule matches it (it is kept for ever).
    /// Between rules giving the same period, the first by name is named.
    public func period(of record: Record) -> Period? {
        let stored = record.storedAt?.microseconds ?? Int64.max
        var best: (days: Int, rule: String)?
        for (name, history) in rules {
            let matching = history.filter { Self.matches($0, record) }
            guard let first = matching.first else { continue }
            let inForce = matching.last { $0.effectiveFrom.microseconds <= stored } ?? first
            let later = matching.filter { $0.effectiveFrom.microseconds > stored }.map(\.periodDays).max() ?? 0
            let days = max(inForce.periodDays, later)
            if best.map({ days > $0.days }) ?? true { best = (days, name) }
        }
        return best.map {
            Period(days: $0.days, rule: $0.rule, endsAt: Timestamp(microseconds: record.sentAt.microseconds + Int64($0.days) * 86_400_000_000))
        }
    }

    /// Whether a version of a rule covers `record`: every scope it names matches.
    static func matches(_ rule: RetentionRule, _ record: Record) -> Bool {
        (rule.platform == nil || rule.platform == record.platform)
            && (rule.conversation == nil || rule.conversation == record.conversation
                || rule.conversation == record.platform + ":" + record.conversation)
            && (rule.person.map { involves($0, sender: record.sender, recipients: record.recipients) } ?? true)
    }

    /// Whether `person` (a rule's or a hold's handle) is the sender or a recipient, by
    /// handle id or display name, folded the way search folds words.
    public static func involves(_ person: String, sender: Handle, recipients: [Handle]) -> Bool {
        let folded = SearchText.normalize(person)
        return ([sender] + recipients).contains { handle in
            SearchText.normalize(handle.id) == folded || handle.displayName.map(SearchText.normalize) == folded
        }
    }
}
