public import ChatVaultCore

/// A search of the archive: a parsed query plus filters.
public struct SearchRequest: Sendable, Hashable {
    public enum Order: String, Sendable, Hashable, CaseIterable {
        /// Most recently sent first (the default: it walks the index instead of scoring it).
        case newest
        case oldest
        /// Best match first (BM25).
        case relevance
    }

    /// `nil` lists every message that passes the filters.
    public var query: SearchQuery?
    /// Sender handle id or display name, exact but case-insensitive.
    public var sender: String?
    /// A conversation reference as accepted by ``Archive/conversations(matching:)``.
    public var conversation: String?
    /// Sent at or after.
    public var after: Timestamp?
    /// Sent before.
    public var before: Timestamp?
    public var order: Order
    public var limit: Int
    public var offset: Int
    /// Only messages with a greater archive id: keyset paging for long walks (exports),
    /// which unlike an offset costs nothing per page already seen.
    public var afterID: Int64?
    /// Only messages sent by one of these handle ids (e.g. the members of a group).
    public var senders: [String] = []
    /// Only messages from this platform (`slack`, `xmpp`, …).
    public var platform: String?
    /// Only messages with a participant outside the company's domains.
    public var externalOnly = false
    /// Only messages with at least one attachment.
    public var withAttachments = false
    /// Only messages a policy alert was raised on.
    public var withAlerts = false
    /// How long the index may work on this request before it is stopped with a
    /// ``ArchiveError`` whose code is ``ArchiveError/Code/tooExpensive``; `nil` for no limit.
    public var timeLimit: Duration? = SearchRequest.defaultTimeLimit

    /// The time limit of a search unless the caller sets another.
    public static let defaultTimeLimit: Duration = .seconds(5)

    public init(
        query: SearchQuery?, sender: String? = nil, conversation: String? = nil, after: Timestamp? = nil,
        before: Timestamp? = nil, order: Order = .newest, limit: Int = 50, offset: Int = 0, afterID: Int64? = nil
    ) {
        self.afterID = afterID
        self.query = query
        self.sender = sender
        self.conversation = conversation
        self.after = after
        self.before = before
        self.order = order
        self.limit = limit
        self.offset = offset
    }
}

/// One search result.
public struct SearchHit: Sendable, Hashable {
    public var message: ArchivedMessage
    public var conversation: Conversation
    public var snippet: Snippet

    public init(message: ArchivedMessage, conversation: Conversation, snippet: Snippet) {
        self.message = message
        self.conversation = conversation
        self.snippet = snippet
    }
}

/// A page of results; `hasMore` says whether another page exists.
public struct SearchPage: Sendable, Hashable {
    public var hits: [SearchHit]
    public var hasMore: Bool

    public init(hits: [SearchHit], hasMore: Bool) {
        self.hits = hits
        self.hasMore = hasMore
    }
}
