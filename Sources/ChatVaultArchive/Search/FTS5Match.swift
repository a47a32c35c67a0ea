import ChatVaultCore

/// Turns a ``SearchQuery`` into an FTS5 `MATCH` expression.
///
/// Binding the argument is not enough with FTS5: it parses the bound string, so
/// `multi-agent` or `sender:carol` would be read as syntax. Here every word is emitted
/// as a double-quoted string, and only the operators come from the parsed tree.
enum FTS5Match {
    /// The expression for `query`, or `nil` if the query is purely negative (`NOT x`).
    static func expression(_ query: SearchQuery) -> String? {
        switch query {
        case .term(let word, let prefix):
            return quote(word) + (prefix ? "*" : "")
        case .phrase(let words):
            return quote(words.joined(separator: " "))
        case .not:
            return nil
        case .or(let parts):
            var rendered: [String] = []
            for part in parts {
                guard let expression = expression(part) else { return nil }
                rendered.append(expression)
            }
            return "(" + rendered.joined(separator: " OR ") + ")"
        case .and(let parts):
            let positives = parts.compactMap { part -> String? in
                if case .not = part { return nil }
                return expression(part)
            }
            guard !positives.isEmpty else { return nil }
            var result = "(" + positives.joined(separator: " AND ") + ")"
            for case .not(let excluded) in parts {
                // An exclusion that is itself negative cannot be expressed; refusing it is
                // better than silently returning more than was asked for.
                guard let excludedExpression = expression(excluded) else { return nil }
                result = "(" + result + " NOT " + excludedExpression + ")"
            }
            return result
        }
    }

    static func quote(_ text: String) -> String {
        "\"" + text.replacing("\"", with: "\"\"") + "\""
    }

    /// `column : (a OR b OR …)` over quoted tokens.
    static func anyOf(_ tokens: [String], column: String) -> String {
        column + " : (" + tokens.map(quote).joined(separator: " OR ") + ")"
    }
}
