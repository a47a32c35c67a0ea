/// A recursive-descent parser for ``LexiconQuery``: `or := and (OR and)*`,
/// `and := near ((AND)? near)*`, `near := unary ((NEAR/n | ONEAR/n) unary)*`,
/// `unary := NOT unary | ( or ) | "phrase" | @name | word[*]`.
struct QueryParser {
    enum Token: Equatable {
        case word(String), phrase(String), lexicon(String), and, or, not, near(Int, ordered: Bool), open, close, end
    }

    private var tokens: [(token: Token, column: Int)] = []
    private var position = 0
    private var lexError: QueryError?

    init(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        func isBreak(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" || s == "(" || s == ")" || s == "\"" }
        while i < scalars.count {
            let s = scalars[i]
            let column = i + 1
            if s == " " || s == "\t" || s == "\n" || s == "\r" {
                i += 1
            } else if s == "(" {
                tokens.append((.open, column))
                i += 1
            } else if s == ")" {
                tokens.append((.close, column))
                i += 1
            } else if s == "\"" {
                var j = i + 1
                while j < scalars.count, scalars[j] != "\"" { j += 1 }
                guard j < scalars.count else {
                    lexError = QueryError(column: column, reason: "a quoted phrase is not closed")
                    return
                }
                tokens.append((.phrase(String(String.UnicodeScalarView(scalars[(i + 1)..<j]))), column))
                i = j + 1
            } else {
                var j = i
                while j < scalars.count, !isBreak(scalars[j]) { j += 1 }
                let word = String(String.UnicodeScalarView(scalars[i..<j]))
                tokens.append((Self.classify(word), column))
                i = j
            }
        }
        tokens.append((.end, scalars.count + 1))
    }

    private static func classify(_ word: String) -> Token {
        switch word {
        case "AND": return .and
        case "OR": return .or
        case "NOT": return .not
        default: break
        }
        for (keyword, ordered) in [("NEAR/", false), ("ONEAR/", true)] where word.hasPrefix(keyword) {
            if let n = Int(word.dropFirst(keyword.count)), n >= 0, n <= 1000 { return .near(n, ordered: ordered) }
        }
        if word.hasPrefix("@"), word.count > 1 { return .lexicon(String(word.dropFirst())) }
        return .word(word)
    }

    mutating func parseAll() throws(QueryError) -> LexiconQuery {
        if let lexError { throw lexError }
        guard tokens.count > 1 else { throw QueryError(column: 1, reason: "the query is empty") }
        let query = try parseOr()
        guard case .end = tokens[position].token else { throw unexpected("after a complete query") }
        return query
    }

    private var current: Token { tokens[position].token }

    private func unexpected(_ context: String) -> QueryError {
        let (token, column) = tokens[position]
        let shown: String
        switch token {
        case .end: shown = "the end of the query"
        case .close: shown = "')'"
        case .open: shown = "'('"
        case .and: shown = "AND"
        case .or: shown = "OR"
        case .not: shown = "NOT"
        case .near(let n, let ordered): shown = "\(ordered ? "ONEAR" : "NEAR")/\(n)"
        case .word(let w): shown = "'\(w)'"
        case .phrase(let p): shown = "\"\(p)\""
        case .lexicon(let l): shown = "@\(l)"
        }
        return QueryError(column: column, reason: "unexpected \(shown) \(context)")
    }

    private mutating func parseOr() throws(QueryError) -> LexiconQuery {
        var left = try parseAnd()
        while current == .or {
            position += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(QueryError) -> LexiconQuery {
        var left = try parseNear()
        while true {
            switch current {
            case .and:
                position += 1
                left = .and(left, try parseNear())
            case .word, .phrase, .lexicon, .not, .open:
                left = .and(left, try parseNear())
            default:
                return left
            }
        }
    }

    private mutating func parseNear() throws(QueryError) -> LexiconQuery {
        var left = try parseUnary()
        while case .near(let n, let ordered) = current {
            let column = tokens[position].column
            position += 1
            let right = try parseUnary()
            if case .not = left { throw QueryError(column: column, reason: "NEAR cannot take a NOT operand") }
            if case .not = right { throw QueryError(column: column, reason: "NEAR cannot take a NOT operand") }
            left = .near(left, right, distance: n, ordered: ordered)
        }
        return left
    }

    private mutating func parseUnary() throws(QueryError) -> LexiconQuery {
        let column = tokens[position].column
        switch current {
        case .not:
            position += 1
            return .not(try parseUnary())
        case .open:
            position += 1
            let inner = try parseOr()
            guard current == .close else { throw unexpected("where ')' closes the '(' at column \(column)") }
            position += 1
            return inner
        case .phrase(let text):
            position += 1
            let isPrefix = text.hasSuffix("*")
            let words = isPrefix ? String(text.dropLast()) : text
            guard !WordFolding.words(words).isEmpty else { throw QueryError(column: column, reason: "the phrase has no letters or digits") }
            return .term(.init(text: words, isPrefix: isPrefix))
        case .lexicon(let name):
            position += 1
            return .lexicon(name)
        case .word(let word):
            position += 1
            let isPrefix = word.hasSuffix("*")
            let stem = isPrefix ? String(word.dropLast()) : word
            guard !WordFolding.words(stem).isEmpty else {
                throw QueryError(column: column, reason: "'\(word)' has no letters or digits")
            }
            return .term(.init(text: stem, isPrefix: isPrefix))
        default:
            throw unexpected("where a word, phrase, @list, NOT or '(' belongs")
        }
    }
}
