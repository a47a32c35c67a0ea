/// A lexicon condition as written in a policy: words, phrases, prefix wildcards,
/// `AND`/`OR`/`NOT`, `NEAR/n` and `ONEAR/n`, and references to named lexicon lists.
///
/// Precedence, tightest first: `NOT`, then `NEAR/n` and `ONEAR/n`, then `AND` (also
/// implied between two terms side by side), then `OR`; parentheses group.
/// `a NEAR/n b` holds when a match of `a` and one of `b` have at most `n` words between
/// them, in either order; `ONEAR/n` also needs `a` first.
public indirect enum LexiconQuery: Sendable, Hashable, CustomStringConvertible {
    /// One or more words in order (a quoted phrase, or a bare word); the last word of a
    /// bare term may end in `*` (a prefix).
    case term(Term)
    /// `@name`: any entry of the named lexicon list.
    case lexicon(String)
    case and(LexiconQuery, LexiconQuery)
    case or(LexiconQuery, LexiconQuery)
    case not(LexiconQuery)
    case near(LexiconQuery, LexiconQuery, distance: Int, ordered: Bool)

    public struct Term: Sendable, Hashable {
        /// The words as written.
        public var text: String
        /// Whether the last word is a prefix (`guarant*`).
        public var isPrefix: Bool

        public init(text: String, isPrefix: Bool = false) {
            self.text = text
            self.isPrefix = isPrefix
        }
    }

    /// Parses a query.
    /// - Throws: ``QueryError`` with the column of the problem.
    public static func parse(_ text: String) throws(QueryError) -> LexiconQuery {
        var parser = QueryParser(text)
        return try parser.parseAll()
    }

    public var description: String {
        switch self {
        case .term(let term): return "\"\(term.text)\(term.isPrefix ? "*" : "")\""
        case .lexicon(let name): return "@\(name)"
        case .and(let a, let b): return "(\(a) AND \(b))"
        case .or(let a, let b): return "(\(a) OR \(b))"
        case .not(let a): return "NOT \(a)"
        case .near(let a, let b, let n, let ordered): return "(\(a) \(ordered ? "ONEAR" : "NEAR")/\(n) \(b))"
        }
    }

    /// The named lists the query refers to.
    public var lexiconNames: Set<String> {
        switch self {
        case .term: return []
        case .lexicon(let name): return [name]
        case .and(let a, let b), .or(let a, let b), .near(let a, let b, _, _): return a.lexiconNames.union(b.lexiconNames)
        case .not(let a): return a.lexiconNames
        }
    }
}

/// A query that cannot be parsed: the reason and the 1-based column.
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var column: Int
    public var reason: String

    public init(column: Int, reason: String) {
        self.column = column
        self.reason = reason
    }

    public var description: String { "column \(column): \(reason)" }
}
