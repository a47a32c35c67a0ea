public import ChatVaultArchive
public import ChatVaultCore
import Logging
import PostgresNIO

extension PostgresArchive {
    public func search(_ request: SearchRequest) async throws -> SearchPage {
        try await within(request.timeLimit) { connection, logger in
            let limit = max(1, min(request.limit, 1000))
            var query = try await Self.matching(request, connection, logger: logger)
            query.sql = "SELECT m.id FROM messages m WHERE " + query.sql
            switch request.order {
            case .newest: query.sql += " ORDER BY m.id DESC"
            case .oldest: query.sql += " ORDER BY m.id ASC"
            case .relevance:
                if let tsquery = query.tsquery {
                    query.sql += " ORDER BY ts_rank(m.search, \(query.bind(tsquery))::tsquery) DESC, m.id DESC"
                } else {
                    query.sql += " ORDER BY m.id DESC"
                }
            }
            query.sql += " LIMIT \(query.bind(Int64(limit + 1))) OFFSET \(query.bind(Int64(max(0, request.offset))))"
            var ids: [Int64] = []
            for try await id in try await connection.query(query.postgresQuery, logger: logger).decode(Int64.self) { ids.append(id) }
            let hasMore = ids.count > limit
            if hasMore { ids.removeLast() }
            let loaded = try await Self.messagesWithConversations(ids: ids, connection, logger: logger)
            let hits = ids.compactMap { id -> SearchHit? in
                guard let (message, conversation) = loaded[id] else { return nil }
                guard request.query != nil else {
                    // Nothing to highlight: the opening of the text is the snippet.
                    let opening = String(message.message.text.prefix(200)).replacing("\n", with: " ")
                    return SearchHit(message: message, conversation: conversation, snippet: Snippet(segments: [.init(text: opening, isMatch: false)]))
                }
                let texts = [message.message.text] + message.message.editedFrom
                let snippets = texts.map { Snippet.make(text: $0, query: request.query) }
                let snippet = snippets.first(where: { $0.segments.contains(where: \.isMatch) }) ?? snippets[0]
                return SearchHit(message: message, conversation: conversation, snippet: snippet)
            }
            return SearchPage(hits: hits, hasMore: hasMore)
        }
    }

    public func count(_ request: SearchRequest, cap: Int) async throws -> Int {
        try await within(request.timeLimit) { connection, logger in
            var query = try await Self.matching(request, connection, logger: logger)
            query.sql = "SELECT count(*) FROM (SELECT 1 FROM messages m WHERE " + query.sql + " LIMIT \(query.bind(Int64(cap + 1)))) AS page"
            for try await count in try await connection.query(query.postgresQuery, logger: logger).decode(Int64.self) { return Int(count) }
            return 0
        }
    }

    /// Runs `body` in a read-only transaction that the server cancels once `limit` has
    /// passed (`statement_timeout`), reported as the ``ArchiveError`` that says so.
    func within<Result: Sendable>(
        _ limit: Duration?, _ body: @Sendable (PostgresConnection, Logger) async throws -> Result
    ) async throws -> Result {
        do {
            return try await read { connection, logger in
                if let limit {
                    let (seconds, attoseconds) = limit.components
                    let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
                    try await connection.query("SELECT set_config('statement_timeout', \(String(milliseconds)), true)", logger: logger)
                }
                return try await body(connection, logger)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == PostgresError.Code.queryCanceled.raw {
            throw ArchiveError.searchTimedOut(after: limit ?? .zero)
        }
    }

    /// The `WHERE` condition of `request` over `messages m`, with its bindings.
    static func matching(_ request: SearchRequest, _ connection: PostgresConnection, logger: Logger) async throws -> SearchSQL {
        var query = SearchSQL()
        var (lowID, highID) = MessageID.range(from: request.after, before: request.before)
        if let afterID = request.afterID { lowID = max(lowID, afterID &+ 1) }
        var conditions = ["m.leaf IS NOT NULL", "m.id BETWEEN \(query.bind(lowID)) AND \(query.bind(highID))"]
        if let reference = request.conversation {
            let matches = try await conversations(matching: reference, connection, logger: logger)
            guard !matches.isEmpty else { throw ArchiveError.invalid("no conversation matches \"\(reference)\"") }
            conditions.append("m.conversation_id = ANY(\(query.bind(matches.map(\.id))))")
        }
        if let sender = request.sender {
            let key = query.bind(SearchText.normalize(sender))
            conditions.append("(m.sender_key = \(key) OR m.sender_name_key = \(key))")
        }
        if !request.senders.isEmpty {
            conditions.append("m.sender_key = ANY(\(query.bind(request.senders.map(SearchText.normalize))))")
        }
        if let platform = request.platform {
            conditions.append("m.platform_key = \(query.bind(SearchText.normalize(platform)))")
        }
        if request.externalOnly { conditions.append("m.is_external") }
        if request.withAttachments { conditions.append("m.has_attachments") }
        if request.withAlerts { conditions.append("m.has_alert") }
        if let search = request.query {
            if let problem = search.problem() { throw ArchiveError.invalid(problem) }
            guard let tsquery = PostgresTextSearch.query(search) else {
                throw ArchiveError.invalid("a query needs at least one word to look for, and every NOT needs something to exclude from")
            }
            query.tsquery = tsquery
            conditions.append("m.search @@ \(query.bind(tsquery))::tsquery")
        }
        query.sql = conditions.joined(separator: " AND ")
        return query
    }

    /// Messages by id with their conversations.
    static func messagesWithConversations(ids: [Int64], _ connection: PostgresConnection, logger: Logger) async throws
        -> [Int64: (ArchivedMessage, Conversation)]
    {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query(
            """
            SELECT \(unescaped: PostgresMessageRow.selection), c.name, c.kind, c.is_external
            FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ANY(\(ids))
            """, logger: logger)
        var result: [Int64: (ArchivedMessage, Conversation)] = [:]
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let message = try PostgresMessageRow(cells)
            let width = PostgresMessageRow.width
            let conversation = Conversation(
                platform: message.platform, sourceID: message.conversationSourceID, name: try cells[width].decode(String?.self),
                kind: Conversation.Kind(rawValue: try cells[width + 1].decode(String.self)) ?? .group,
                isExternal: try cells[width + 2].decode(Bool.self))
            result[message.id] = (message.archived, conversation)
        }
        return result
    }
}

/// A search statement being built: SQL made of fixed fragments and `$n` placeholders, and
/// the values bound to them. User text is only ever a bound value.
struct SearchSQL {
    var sql = ""
    var bindings = PostgresBindings()
    /// The `tsquery` literal of the request's query, for relevance order.
    var tsquery: String?

    /// Binds `value` and returns its placeholder.
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// Binds `value`, or NULL, and returns its placeholder.
    mutating func bind(optional value: String?) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    var postgresQuery: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: bindings) }
}
