/// A parsed search query: words, "phrases", `prefix*`, `AND`, `OR`, `NOT`, `-word`
/// and parentheses.
///
/// Parsing never fails on what a person types: stray punctuation, unbalanced quotes
/// or parentheses and operators in odd places are read in the most plausible way, and
/// every word is kept as data (normalised like the index), never as engine syntax.
/// Storage back ends turn the tree into their own syntax with every term quoted.
public indirect enum SearchQuery: Sendable, Hashable {
    /// A normalised word, optionally matching as a prefix.
    case term(String, prefix: Bool)
    /// Normalised words that must appear next to each other, in order.
    case phrase([String])
    case and([SearchQuery])
    case or([SearchQuery])
    case not(SearchQuery)

    /// Parses `text`; `nil` when it holds no searchable word at all (empty or only punctuation).
    public static func parse(_ text: String) -> SearchQuery? {
        var parser = SearchQueryParser(tokens: SearchQueryLexer.tokens(in: text))
        return parser.parseQuery()
    }

    /// The words and phrases that a match contains (not those under `NOT`), for highlighting.
    public var positiveTerms: [SearchQuery] {
        switch self {
        case .term, .phrase: return [self]
        case .and(let parts), .or(let parts): return parts.flatMap(\.positiveTerms)
        case .not: return []
        }
    }

    /// Whether the query can match without a positive word (`NOT x` alone), which
    /// an inverted index cannot answer.
    public var isPurelyNegative: Bool {
        switch self {
        case .term, .phrase: return false
        case .not: return true
        case .and(let parts): return parts.allSatisfy(\.isPurelyNegative)
        case .or(let parts): return parts.contains(where: \.isPurelyNegative)
        }
    }
}

enum SearchQueryToken: Equatable {
    case word(String)
    case quoted(String)
    case open, close
    case and, or, not
    case minus
}

enum SearchQueryLexer {
    static func tokens(in text: String) -> [SearchQueryToken] {
        var tokens: [SearchQueryToken] = []
        var index = text.startIndex
        func flushWord(_ word: inout String) {
            guard !word.isEmpty else { return }
            switch word {
            case "AND", "&&": tokens.append(.and)
            case "OR", "||": tokens.append(.or)
            case "NOT": tokens.append(.not)
            default: tokens.append(.word(word))
            }
            word = ""
        }
        var word = ""
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" || character == "“" || character == "”" {
                flushWord(&word)
                var phrase = ""
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "\"", text[index] != "”", text[index] != "“" {
                    phrase.append(text[index])
                    index = text.index(after: index)
                }
                tokens.append(.quoted(phrase))
                if index < text.endIndex { index = text.index(after: index) }
                continue
            }
            if character.isWhitespace {
                flushWord(&word)
            } else if character == "(" {
                flushWord(&word)
                tokens.append(.open)
            } else if character == ")" {
                flushWord(&word)
                tokens.append(.close)
            } else if character == "-" && word.isEmpty {
                tokens.append(.minus)
            } else {
                word.append(character)
            }
            index = text.index(after: index)
        }
        flushWord(&word)
        return tokens
    }
}

struct SearchQueryParser {
    var tokens: [SearchQueryToken]
    var position = 0
    var depth = 0

    init(tokens: [SearchQueryToken]) {
        self.tokens = tokens
    }

    mutating func parseQuery() -> SearchQuery? {
        var parts: [SearchQuery] = []
        while position < tokens.count {
            if let part = parseOr() {
                parts.append(part)
            } else {
                position += 1  // a stray ')' or operator at top level
            }
        }
        return combine(parts, and: true)
    }

    private func combine(_ parts: [SearchQuery], and: Bool) -> SearchQuery? {
        switch parts.count {
        case 0: return nil
        case 1: return parts[0]
        default: return and ? .and(parts) : .or(parts)
        }
    }

    mutating func parseOr() -> SearchQuery? {
        var alternatives: [SearchQuery] = []
        if let first = parseAnd() { alternatives.append(first) }
        while position < tokens.count, tokens[position] == .or {
            position += 1
            if let next = parseAnd() { alternatives.append(next) }
        }
        return combine(alternatives, and: false)
    }

    mutating func parseAnd() -> SearchQuery? {
        var parts: [SearchQuery] = []
        while position < tokens.count {
            switch tokens[position] {
            case .or, .close:
                return combine(parts, and: true)
            case .and:
                position += 1
            default:
                if let part = parseUnary() { parts.append(part) }
            }
        }
        return combine(parts, and: true)
    }

    mutating func parseUnary() -> SearchQuery? {
        guard position < tokens.count else { return nil }
        switch tokens[position] {
        case .not, .minus:
            position += 1
            // NOT NOT x is x.
            return parseUnary().map { inner in
                if case .not(let doubled) = inner { return doubled }
                return .not(inner)
            }
        default:
            return parsePrimary()
        }
    }

    mutating func parsePrimary() -> SearchQuery? {
        guard position < tokens.count else { return nil }
        let token = tokens[position]
        position += 1
        switch token {
        case .open:
            // Nesting is bounded so that hostile input cannot exhaust the stack.
            guard depth < 32 else { return nil }
            depth += 1
            defer { depth -= 1 }
            let inner = parseOr()
            if position < tokens.count, tokens[position] == .close { position += 1 }
            return inner
        case .quoted(let text):
            let words = SearchText.words(text)
            switch words.count {
            case 0: return nil
            case 1: return .term(words[0], prefix: false)
            default: return .phrase(words)
            }
        case .word(let raw):
            let isPrefix = raw.hasSuffix("*")
            let words = SearchText.words(raw)
            switch words.count {
            case 0: return nil
            case 1: return .term(words[0], prefix: isPrefix)
            default: return .phrase(words)
            }
        case .close, .and, .or, .not, .minus:
            return nil
        }
    }
}
