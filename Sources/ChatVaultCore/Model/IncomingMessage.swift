/// A message on its way into the archive, with what the importer knows about its
/// conversation. Importers produce these; the pipeline hands them to the archive.
public struct IncomingMessage: Sendable, Hashable {
    public var message: Message
    public var conversationName: String?
    public var conversationKind: Conversation.Kind?
    /// Where it came from, for error messages and the audit trail (`file.jsonl:12`).
    public var origin: String
    /// The content of attachments the export carries, by the lowercase hex SHA-256 that
    /// the message's ``Attachment/sha256`` names. Stored once each, content-addressed.
    public var contents: [String: [UInt8]]
    /// Text found in the attachments (already redacted), indexed for search with the message.
    public var attachmentText: [String]

    public init(
        message: Message, conversationName: String? = nil, conversationKind: Conversation.Kind? = nil, origin: String,
        contents: [String: [UInt8]] = [:], attachmentText: [String] = []
    ) {
        self.message = message
        self.conversationName = conversationName
        self.conversationKind = conversationKind
        self.origin = origin
        self.contents = contents
        self.attachmentText = attachmentText
    }
}
