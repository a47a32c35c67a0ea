/// A protected portion of a conversation: what opens it, what closes it, and how long it
/// may stay open (`portions:` in the policy file, see `docs/REDACTION.md`).
///
/// Messages inside an open portion are archived as a `[REDACTED:PORTION]` record that
/// keeps the sender, the time and the length, never the text. A portion closes on an end
/// marker or phrase, after ``maxMessages`` messages, or ``maxSeconds`` after it opened,
/// whichever comes first.
public struct PortionRule: Sendable, Hashable {
    /// Names the rule in redaction records: `portion.<id>`.
    public var id: String
    /// Markers an agent types, matched as whole tokens without case (`#secure`, `[pci-start]`).
    public var startMarkers: [String]
    /// Phrases that open the portion, matched like keywords on normalised text
    /// ("I'll take your card details now").
    public var startPhrases: [String]
    public var endMarkers: [String]
    public var endPhrases: [String]
    /// How many messages the portion protects at most.
    public var maxMessages: Int
    /// How long after opening the portion stays open, in seconds.
    public var maxSeconds: Int

    public static let defaultMaxMessages = 20
    public static let defaultMaxSeconds = 600

    public init(
        id: String, startMarkers: [String] = [], startPhrases: [String] = [], endMarkers: [String] = [], endPhrases: [String] = [],
        maxMessages: Int = PortionRule.defaultMaxMessages, maxSeconds: Int = PortionRule.defaultMaxSeconds
    ) {
        self.id = id
        self.startMarkers = startMarkers
        self.startPhrases = startPhrases
        self.endMarkers = endMarkers
        self.endPhrases = endPhrases
        self.maxMessages = maxMessages
        self.maxSeconds = maxSeconds
    }

    /// The rule id recorded with each protected message.
    public var ruleID: String { "portion." + id }

    /// The text stored instead of a protected message's text.
    public static let label = "[REDACTED:PORTION]"
    /// The redaction type of a protected message.
    public static let type = "PORTION"
}

/// What happens to the content of an attachment whose text cannot be read (an image, an
/// unknown format, a PDF when `pdftotext` is missing): `attachments: { unreadable: … }`.
public enum UnreadableAttachments: String, Sendable, Hashable, CaseIterable {
    /// The file is stored as shared (default).
    case keep
    /// Only its name (redacted), hash, size and media type are archived; no content.
    case metadataOnly = "metadata_only"
}
