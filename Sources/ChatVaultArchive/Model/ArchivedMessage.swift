public import ChatVaultCore

/// A message as the archive holds it: the message, its archive id and its place in the
/// integrity log.
public struct ArchivedMessage: Sendable, Hashable {
    /// The archive's id. Ids sort by sent time (the millisecond shifted left 12 bits,
    /// plus a sequence), so newest-first is a walk down the id order.
    public var id: Int64
    public var leafIndex: Int
    public var conversationID: Int64
    public var message: Message
    /// Who delivered it to the archive: `import:FILE`, `ingest:TOKEN` or `capture:SOURCE`;
    /// `nil` for messages stored before ChatVault recorded it. Part of the hashed record.
    public var deliveredBy: String?

    public init(id: Int64, leafIndex: Int, conversationID: Int64, message: Message, deliveredBy: String? = nil) {
        self.id = id
        self.leafIndex = leafIndex
        self.conversationID = conversationID
        self.message = message
        self.deliveredBy = deliveredBy
    }
}

/// A conversation as the archive holds it, with what it has learned from its messages.
public struct ConversationRecord: Sendable, Hashable {
    public var id: Int64
    public var conversation: Conversation
    public var messageCount: Int
    public var firstMessageAt: Timestamp?
    public var lastMessageAt: Timestamp?

    public init(id: Int64, conversation: Conversation, messageCount: Int, firstMessageAt: Timestamp?, lastMessageAt: Timestamp?) {
        self.id = id
        self.conversation = conversation
        self.messageCount = messageCount
        self.firstMessageAt = firstMessageAt
        self.lastMessageAt = lastMessageAt
    }
}

/// One entry of the audit trail: who did what, when. Audit events are leaves of the
/// integrity log like messages, so the trail cannot be edited unnoticed.
public struct AuditEvent: Sendable, Hashable {
    public var id: Int64
    public var leafIndex: Int
    public var time: Timestamp
    public var actor: String
    /// A dotted verb, e.g. `archive.append`, `archive.search`, `archive.verify`.
    public var action: String
    /// Details of the action (the query, the file, counts) as a JSON object.
    public var detail: JSONValue

    public init(id: Int64, leafIndex: Int, time: Timestamp, actor: String, action: String, detail: JSONValue) {
        self.id = id
        self.leafIndex = leafIndex
        self.time = time
        self.actor = actor
        self.action = action
        self.detail = detail
    }
}

/// What an ``Archive/append(_:context:)`` stored. Returned only once the batch is durable.
public struct AppendReceipt: Sendable, Hashable {
    /// Archive ids of the messages stored, in batch order.
    public var storedIDs: [Int64]
    /// Messages that were already in the archive (same platform, conversation and source id).
    public var duplicates: Int
    /// The checkpoint signed at the end of the batch.
    public var checkpoint: Checkpoint?
    /// Archive ids of the alerts stored with the batch.
    public var alertIDs: [Int64]
    /// Positions in the batch of the messages that were duplicates, ascending; every other
    /// position was stored, in the order of ``storedIDs``.
    public var duplicatePositions: [Int]

    public init(storedIDs: [Int64], duplicates: Int, checkpoint: Checkpoint?, alertIDs: [Int64] = [], duplicatePositions: [Int] = []) {
        self.storedIDs = storedIDs
        self.duplicates = duplicates
        self.checkpoint = checkpoint
        self.alertIDs = alertIDs
        self.duplicatePositions = duplicatePositions
    }

    public var stored: Int { storedIDs.count }
}

/// Who is appending and from where; written to the audit trail with the batch.
public struct AppendContext: Sendable, Hashable {
    public var actor: String
    /// Where the batch came from, e.g. `import:export.jsonl:1-5000`.
    public var source: String
    /// Who delivered the batch, stored in every message's hashed record: `import:FILE`,
    /// `ingest:TOKEN` or `capture:SOURCE`.
    public var deliveredBy: String?

    public init(actor: String, source: String, deliveredBy: String? = nil) {
        self.actor = actor
        self.source = source
        self.deliveredBy = deliveredBy
    }
}

/// Counts for `chatvault status`.
public struct ArchiveStatistics: Sendable, Hashable {
    public var messages: Int
    public var conversations: Int
    public var auditEvents: Int
    public var treeSize: Int
    public var latestCheckpoint: Checkpoint?

    public init(messages: Int, conversations: Int, auditEvents: Int, treeSize: Int, latestCheckpoint: Checkpoint?) {
        self.messages = messages
        self.conversations = conversations
        self.auditEvents = auditEvents
        self.treeSize = treeSize
        self.latestCheckpoint = latestCheckpoint
    }
}
