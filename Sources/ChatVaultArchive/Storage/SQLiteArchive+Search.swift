import ChatVaultCore
import Foundation
import GRDB
import GRDBSQLite

extension SQLiteArchive {
    public func search(_ request: SearchRequest) async throws -> SearchPage {
        try await reading { db in try Self.within(request.timeLimit, db: db) { try self.search(request, db: db) } }
    }

    /// How many messages match `request`, counting at most `cap` (a result list shows "10,000+").
    public func count(_ request: SearchRequest, cap: Int) async throws -> Int {
        try await reading { db in
            try Self.within(request.timeLimit, db: db) { try Self.count(request, cap: cap, db: db) }
        }
    }

    private static func count(_ request: SearchRequest, cap: Int, db: Database) throws -> Int {
        let (clauses, lowID, highID) = try Self.clauses(request, db: db)
        if clauses.isEmpty {
            return try Int.fetchOne(
                db, sql: "SELECT count(*) FROM (SELECT id FROM messages WHERE id BETWEEN ? AND ? LIMIT ?)", arguments: [lowID, highID, cap + 1])
                ?? 0
        }
        return try Int.fetchOne(
            db,
            sql: "SELECT count(*) FROM (SELECT rowid FROM message_index WHERE message_index MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?)",
            arguments: [clauses.joined(separator: " AND "), lowID, highID, cap + 1]) ?? 0
    }

    /// Runs `body` with the index stopped once `limit` has passed (an SQLite progress
    /// handler checks the clock every few thousand steps), and reports that as a
    /// ``ArchiveError`` with code ``ArchiveError/Code/tooExpensive`` that says so. The handler is removed before the connection is
    /// used for anything else.
    static func within<T>(_ limit: Duration?, db: Database, _ body: () throws -> T) throws -> T {
        guard let limit else { return try body() }
        let (seconds, attoseconds) = limit.components
        let budget = UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
        // The deadline travels as the handler's context pointer, so the C callback captures nothing.
        let deadline = max(1, DispatchTime.now().uptimeNanoseconds &+ budget)
        sqlite3_progress_handler(
            db.sqliteConnection, 4000,
            { context in DispatchTime.now().uptimeNanoseconds > UInt64(UInt(bitPattern: context)) ? 1 : 0 },
            UnsafeMutableRawPointer(bitPattern: UInt(deadline)))
        defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw ArchiveError.searchTimedOut(after: limit)
        }
    }

    /// The index expression's clauses (body query first, then filters) and the id range.
    static func clauses(_ request: SearchRequest, db: Database) throws -> (clauses: [String], lowID: Int64, highID: Int64) {
        var conversationIDs: [Int64]?
        if let reference = request.conversation {
            let matches = try Self.conversations(matching: reference, db: db)
            guard !matches.isEmpty else { throw ArchiveError.invalid("no conversation matches \"\(reference)\"") }
            conversationIDs = matches.map(\.id)
        }
        var (lowID, highID) = MessageID.range(from: request.after, before: request.before)
        if let afterID = request.afterID { lowID = max(lowID, afterID &+ 1) }

        var filters: [String] = []
        if let sender = request.sender {
            filters.append(FTS5Match.anyOf([Self.senderToken(sender, kind: "h"), Self.senderToken(sender, kind: "n")], column: "meta"))
        }
        if let conversationIDs {
            filters.append(FTS5Match.anyOf(conversationIDs.map { "c\($0)" }, column: "meta"))
        }
        if !request.senders.isEmpty {
            filters.append(FTS5Match.anyOf(request.senders.map { Self.senderToken($0, kind: "h") }, column: "meta"))
        }
        if let platform = request.platform {
            filters.append(FTS5Match.anyOf([Self.senderToken(platform, kind: "p")], column: "meta"))
        }
        for (wanted, token) in [(request.externalOnly, FlagToken.external), (request.withAttachments, .attachments), (request.withAlerts, .alerts)]
        where wanted {
            filters.append(FTS5Match.anyOf([token.rawValue], column: "meta"))
        }
        var clauses = filters
        if let query = request.query {
            if let problem = query.problem() { throw ArchiveError.invalid(problem) }
            guard let body = FTS5Match.expression(query) else {
                throw ArchiveError.invalid("a query needs at least one word to look for, and every NOT needs something to exclude from")
            }
            clauses.insert("body : " + body, at: 0)
        }
        return (clauses, lowID, highID)
    }

    private func search(_ request: SearchRequest, db: Database) throws -> SearchPage {
        let limit = max(1, min(request.limit, 1000))
        let offset = max(0, request.offset)
        let (clauses, lowID, highID) = try Self.clauses(request, db: db)
        var ids: [Int64]
        if !clauses.isEmpty {
            // Every filter is an index term too, so the index intersects them and, newest
            // first, stops after one page instead of scoring every match.
            let order: String
            switch request.order {
            case .newest: order = "rowid DESC"
            case .oldest: order = "rowid ASC"
            case .relevance: order = request.query == nil ? "rowid DESC" : "rank"
            }
            ids = try Int64.fetchAll(
                db,
                sql: "SELECT rowid FROM message_index WHERE message_index MATCH ? AND rowid BETWEEN ? AND ? ORDER BY \(order) LIMIT ? OFFSET ?",
                arguments: [clauses.joined(separator: " AND "), lowID, highID, limit + 1, offset])
        } else {
            let order = request.order == .oldest ? "ASC" : "DESC"
            ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM messages WHERE id BETWEEN ? AND ? ORDER BY id \(order) LIMIT ? OFFSET ?",
                arguments: [lowID, highID, limit + 1, offset])
        }
        let hasMore = ids.count > limit
        if hasMore { ids.removeLast() }
        let loaded = try Self.loadMessages(ids: ids, db: db)
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

    /// Messages by id with their conversations.
    static func loadMessages(ids: [Int64], db: Database) throws -> [Int64: (ArchivedMessage, Conversation)] {
        guard !ids.isEmpty else { return [:] }
        var result: [Int64: (ArchivedMessage, Conversation)] = [:]
        let columns = StoredMessage.selection(table: "m.")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(columns), c.platform, c.source_id, c.name, c.kind, c.is_external
                FROM messages m JOIN conversations c ON c.id = m.conversation
                WHERE m.id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                """,
            arguments: StatementArguments(ids))
        for row in rows {
            let stored = StoredMessage(row: row)
            let platform: String = row[StoredMessage.width]
            let sourceID: String = row[StoredMessage.width + 1]
            let conversation = Conversation(
                platform: platform, sourceID: sourceID, name: row[StoredMessage.width + 2],
                kind: Conversation.Kind(rawValue: row[StoredMessage.width + 3]) ?? .group,
                isExternal: row[StoredMessage.width + 4])
            result[stored.id] = (stored.archived(platform: platform, conversationSourceID: sourceID), conversation)
        }
        return result
    }
}
