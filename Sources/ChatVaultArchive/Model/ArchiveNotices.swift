public import ChatVaultCore

/// What the archive holds of the archive notices gateways recorded, and of the people
/// seen in conversations, for the notice report. Notice records are messages of kind
/// `notice` whose source id starts with ``ArchiveNotices/sourceIDPrefix``, so each
/// conversation's notices are read through its unique `(conversation, source_id)` index.
public enum ArchiveNotices {
    /// Every notice record's source id starts with this.
    public static let sourceIDPrefix = "notice:"

    /// One stored notice: who was shown it, where and when.
    public struct Notice: Sendable, Hashable {
        public var messageID: Int64
        public var platform: String
        public var conversation: String
        public var conversationName: String?
        public var recipients: [Handle]
        public var sentAt: Timestamp
        public var text: String
        public var deliveredBy: String?
    }

    /// One conversation with everyone the archive has seen in it.
    public struct Participants: Sendable, Hashable {
        public var platform: String
        public var conversation: String
        public var conversationName: String?
        public var handles: [Handle]
        public var firstMessageAt: Timestamp?
    }
}
