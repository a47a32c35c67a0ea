import ChatVaultCore

/// PostgreSQL full text over the same folded words as the embedded store's index.
///
/// Words come from ``SearchText`` (the index and every query fold alike), so no text
/// search configuration of the server is involved: the vector is written as a `tsvector`
/// literal of those words with their positions, and a ``SearchQuery`` as a `tsquery`
/// literal in which every word is a quoted lexeme and only the operators come from the
/// parsed tree. Neither is parsed by a dictionary, so stop words and stemming never apply.
enum PostgresTextSearch {
    /// PostgreSQL keeps positions up to this one; later words share it.
    static let maxPosition = 16_383
    /// PostgreSQL refuses longer lexemes; such a "word" (a blob of letters) is not indexed.
    static let maxLexemeBytes = 2_046

    /// The words that are indexed for a message: its text, every earlier version of it and
    /// the (redacted) text of its attachments, in that order.
    static func indexedText(_ incoming: IncomingMessage) -> [String] {
        ([incoming.message.text] + incoming.message.editedFrom + incoming.attachmentText).flatMap { SearchText.words($0) }
    }

    /// The `tsvector` literal of `words`, each with its positions (from 1).
    static func vector(_ words: [String]) -> String {
        var positions: [String: [Int]] = [:]
        var order: [String] = []
        for (index, word) in words.enumerated() where word.utf8.count <= maxLexemeBytes {
            if positions[word] == nil { order.append(word) }
            positions[word, default: []].append(min(index + 1, maxPosition))
        }
        return order.map { word in
            lexeme(word) + ":" + positions[word, default: []].map(String.init).joined(separator: ",")
        }.joined(separator: " ")
    }

    /// The `tsquery` literal for `query`, or `nil` if the query is purely negative (`NOT x`).
    static func query(_ query: SearchQuery) -> String? {
        switch query {
        case .term(let word, let prefix):
            return lexeme(word) + (prefix ? ":*" : "")
        case .phrase(let words):
            return "(" + words.map(lexeme).joined(separator: " <-> ") + ")"
        case .not:
            return nil
        case .or(let parts):
            var rendered: [String] = []
            for part in parts {
                guard let expression = self.query(part) else { return nil }
                rendered.append(expression)
            }
            return "(" + rendered.joined(separator: " | ") + ")"
        case .and(let parts):
            let positives = parts.compactMap { part -> String? in
                if case .not = part { return nil }
                return self.query(part)
            }
            guard !positives.isEmpty else { return nil }
            var result = "(" + positives.joined(separator: " & ") + ")"
            for case .not(let excluded) in parts {
                // An exclusion that is itself negative cannot be expressed; refusing it is
                // better than silently returning more than was asked for.
                guard let excludedExpression = self.query(excluded) else { return nil }
                result = "(" + result + " & !" + excludedExpression + ")"
            }
            return result
        }
    }

    /// A quoted lexeme: `'` doubled and `\` escaped, as both literal syntaxes require.
    static func lexeme(_ word: String) -> String {
        "'" + word.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
    }
}
