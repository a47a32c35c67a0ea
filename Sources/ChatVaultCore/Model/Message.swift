/// One archived event in a conversation: a message, or an edit, deletion, reaction,
/// join or leave that refers to one.
///
/// Edits and deletions are kept as their own events (``Kind-swift.enum``) so the
/// record shows what was said first and what happened to it after; nothing is
/// overwritten. Exports that only carry the final state put earlier versions in
/// ``editedFrom`` and the deletion in ``deleted``.
public struct Message: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An ordinary message.
        case message
        /// A new version of the message ``Message/target``; ``Message/text`` is the new text.
        case edit
        /// The deletion of the message ``Message/target``.
        case delete
        /// A reaction (``Message/text`` is the emoji) to ``Message/target``.
        case reaction
        case join, leave
        /// A system notice (topic change, call started, …).
        case system
        /// A message the gateway refused before delivery (`POST /api/v1/decide`): archived with
        /// its redacted text, never delivered. Only the gateway writes it; imports refuse it.
        case blocked
        /// The archive notice shown to one participant (``Message/recipients``; the sender is
        /// the archive, `chatvault`) of a conversation, recorded by `POST /api/v1/notice`.
        /// Only the gateway writes it; imports refuse it.
        case notice
    }

    public var platform: String
    /// The platform's conversation id.
    public var conversation: String
    /// The platform's id for this message or event; unique within the conversation.
    public var sourceID: String
    public var kind: Kind
    /// For edits, deletions and reactions: the source id of the message they refer to.
    public var target: String?
    public var sender: Handle
    public var recipients: [Handle]
    public var sentAt: Timestamp
    public var text: String
    /// The source id of the message this one replies to.
    public var replyTo: String?
    /// The source id of the thread's root message.
    public var thread: String?
    /// Earlier versions of the text, oldest first, when the export carries them.
    public var editedFrom: [String]
    /// Whether the platform reports the message as deleted.
    public var deleted: Bool
    public var reactions: [Reaction]
    public var attachments: [Attachment]
    /// What the redactor removed before the message was stored (never the values).
    public var redactions: [Redaction]

    public init(
        platform: String, conversation: String, sourceID: String, kind: Kind = .message, target: String? = nil,
        sender: Handle, recipients: [Handle] = [], sentAt: Timestamp, text: String, replyTo: String? = nil,
        thread: String? = nil, editedFrom: [String] = [], deleted: Bool = false, reactions: [Reaction] = [],
        attachments: [Attachment] = [], redactions: [Redaction] = []
    ) {
        self.platform = platform
        self.conversation = conversation
        self.sourceID = sourceID
        self.kind = kind
        self.target = target
        self.sender = sender
        self.recipients = recipients
        self.sentAt = sentAt
        self.text = text
        self.replyTo = replyTo
        self.thread = thread
        self.editedFrom = editedFrom
        self.deleted = deleted
        self.reactions = reactions
        self.attachments = attachments
        self.redactions = redactions
    }

    /// The identity used for deduplication: the same platform, conversation and source id
    /// is the same message, however often it is imported.
    public var dedupKey: DedupKey { DedupKey(platform: platform, conversation: conversation, sourceID: sourceID) }

    public struct DedupKey: Sendable, Hashable, Codable {
        public var platform: String
        public var conversation: String
        public var sourceID: String

        public init(platform: String, conversation: String, sourceID: String) {
            self.platform = platform
            self.conversation = conversation
            self.sourceID = sourceID
        }
    }
}
