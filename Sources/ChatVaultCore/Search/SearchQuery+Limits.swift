/// What one search may ask of the index, so that no query costs the archive seconds.
///
/// A prefix term (`ab*`) expands to every indexed word that starts with it, and each term
/// adds a posting list to intersect: a query of many one-letter prefixes reads most of the
/// index. Queries past these limits are refused with a reason before they reach the engine.
public struct SearchQueryLimits: Sendable, Hashable {
    /// Letters needed before a `*`.
    public var minimumPrefixLength: Int
    /// Words in the whole query, phrases and `NOT` parts included.
    public var maximumTerms: Int
    /// Prefix terms in the whole query.
    public var maximumPrefixTerms: Int

    public init(minimumPrefixLength: Int = 3, maximumTerms: Int = 32, maximumPrefixTerms: Int = 8) {
        self.minimumPrefixLength = minimumPrefixLength
        self.maximumTerms = maximumTerms
        self.maximumPrefixTerms = maximumPrefixTerms
    }

    /// The limits every search, export selection and hold query is held to.
    public static let standard = SearchQueryLimits()
}

extension SearchQuery {
    /// Every word of the query, with whether it is a prefix, in order.
    public var words: [(word: String, prefix: Bool)] {
        switch self {
        case .term(let word, let prefix): return [(word, prefix)]
        case .phrase(let words): return words.map { ($0, false) }
        case .and(let parts), .or(let parts): return parts.flatMap(\.words)
        case .not(let inner): return inner.words
        }
    }

    /// Why the query asks too much of the index, said for the person who typed it, or
    /// `nil` when it is within `limits`.
    public func problem(under limits: SearchQueryLimits = .standard) -> String? {
        let words = self.words
        if let short = words.first(where: { $0.prefix && $0.word.count < limits.minimumPrefixLength }) {
            return
                "\"\(short.word)*\": a prefix search needs at least \(limits.minimumPrefixLength) letters before the * (a shorter one matches too many words)"
        }
        if words.count > limits.maximumTerms {
            return "the query has \(words.count) words; at most \(limits.maximumTerms) are allowed"
        }
        let prefixes = words.count { $0.prefix }
        if prefixes > limits.maximumPrefixTerms {
            return "the query has \(prefixes) prefix searches (word*); at most \(limits.maximumPrefixTerms) are allowed"
        }
        return nil
    }
}
