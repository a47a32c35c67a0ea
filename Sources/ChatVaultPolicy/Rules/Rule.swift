public import ChatVaultCore

/// A named rule of the IM-use policy: when its condition holds for a message, an
/// alert with its severity and action is raised.
public struct Rule: Sendable, Hashable {
    public var name: String
    /// Shown to reviewers with every alert.
    public var description: String
    public var severity: Alert.Severity
    public var action: Alert.Action
    /// The lexicon condition, if any (`nil`: metadata alone decides).
    public var query: LexiconQuery?
    /// Metadata the message must also have.
    public var conditions: RuleConditions
    /// The line of the rule in the policy file.
    public var line: Int?
    /// The policy tip the gateway shows the sender when the rule fires (`warn`, `redact`,
    /// `block`); `nil`: ``Rule/defaultTip(for:)``.
    public var tip: String?

    public init(
        name: String, description: String = "", severity: Alert.Severity = .medium, action: Alert.Action = .flag, query: LexiconQuery? = nil,
        conditions: RuleConditions = RuleConditions(), line: Int? = nil, tip: String? = nil
    ) {
        self.name = name
        self.description = description
        self.severity = severity
        self.action = action
        self.query = query
        self.conditions = conditions
        self.line = line
        self.tip = tip
    }

    /// The tip the sender sees for this rule: its own, else the default for its action.
    public var senderTip: String? { tip ?? Self.defaultTip(for: action) }

    /// The tip shown when a rule of `action` fires and names none; `nil` for `flag`, which
    /// the sender is not told about.
    public static func defaultTip(for action: Alert.Action) -> String? {
        switch action {
        case .flag: nil
        case .warn: "This message may breach the company's messaging policy. It was delivered and archived for review."
        case .redact: "Parts of this message were masked under the company's messaging policy before delivery."
        case .block: "This message was not delivered: it breaches the company's messaging policy. It was archived for review."
        }
    }

    /// The longest tip a rule may carry, in characters: it is shown in a chat client.
    public static let maxTipLength = 500
}

/// Metadata conditions of a rule; every one that is set must hold (an empty list or
/// `nil` places no condition).
public struct RuleConditions: Sendable, Hashable {
    /// The sender is in one of these groups or departments.
    public var senderGroups: Set<String> = []
    /// Another participant of the conversation is in one of these groups or departments.
    public var recipientGroups: Set<String> = []
    /// `true`: someone outside the company takes part; `false`: everyone is inside.
    public var external: Bool?
    /// `true`: the sender is outside the company; `false`: inside.
    public var senderExternal: Bool?
    public var platforms: Set<String> = []
    public var conversationKinds: Set<Conversation.Kind> = []
    /// `true`: sent outside business hours (``BusinessHours``); `false`: within them.
    public var afterHours: Bool?
    /// Sent on one of these days (1 = Sunday … 7 = Saturday), in the policy's time zone.
    public var weekdays: Set<Int> = []
    /// Sent within this local time window.
    public var timeWindow: TimeWindow?
    /// Message text length in Unicode scalars.
    public var minLength: Int?
    public var maxLength: Int?
    /// An attachment of one of these types: `pdf` / `.pdf` (file extension) or `image/*`, `application/zip` (media type).
    public var attachmentTypes: [String] = []

    public init() {}

    public var isEmpty: Bool { self == RuleConditions() }
}
