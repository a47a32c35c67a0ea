public import ChatVaultCore

/// How long records are kept. Rules match messages by platform, conversation or person;
/// where several match, the longest period wins. A rule is versioned: lengthening applies
/// to every record, shortening only to records stored after the change.
public struct RetentionRule: Sendable, Hashable {
    public var name: String
    public var platform: String?
    /// A conversation key (`platform:id`) or a platform id.
    public var conversation: String?
    /// A handle: the rule covers messages that person sent or received.
    public var person: String?
    public var periodDays: Int
    /// When this version took effect.
    public var effectiveFrom: Timestamp
    public var setBy: String

    public init(
        name: String, platform: String? = nil, conversation: String? = nil, person: String? = nil, periodDays: Int,
        effectiveFrom: Timestamp = Timestamp(microseconds: 0), setBy: String = ""
    ) {
        self.name = name
        self.platform = platform
        self.conversation = conversation
        self.person = person
        self.periodDays = periodDays
        self.effectiveFrom = effectiveFrom
        self.setBy = setBy
    }
}

/// A legal hold: what it covers is kept whatever retention says, for as long as it lasts.
public struct LegalHold: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case person, conversation, query
    }

    /// active → releaseProposed (one officer) → released (a second officer).
    public enum State: String, Sendable {
        case active
        case releaseProposed = "release_proposed"
        case released
    }

    public var id: Int64
    public var name: String
    public var kind: Kind
    public var value: String
    public var from: Timestamp?
    public var to: Timestamp?
    public var createdBy: String
    public var createdAt: Timestamp
    public var state: State
    public var releaseProposedBy: String?
    public var releasedBy: String?
}

/// What a disposition would remove, and what holds keep.
public struct DispositionPlan: Sendable, Hashable {
    public var cutoff: Timestamp
    /// Messages past their period and under no hold, by archive id.
    public var expired: [Int64]
    /// The rule that set each expired message's period.
    public var rules: [Int64: String]
    /// Messages past their period but kept by a hold.
    public var held: Int
}

/// A disposition run: proposed by one officer, carried out only when another approves.
public struct Disposition: Sendable, Hashable {
    public enum State: String, Sendable {
        case proposed, completed
    }

    public var id: Int64
    public var proposedBy: String
    public var proposedAt: Timestamp
    public var candidates: Int
    public var state: State
    public var approvedBy: String?
    public var disposed: Int?
}
