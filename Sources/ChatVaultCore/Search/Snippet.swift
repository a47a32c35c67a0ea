/// A short excerpt of a message around the words a query matched, as segments so
/// that each front end marks highlights its own way (bold on a terminal, `<mark>`
/// in HTML, markers in JSON) and escapes the rest.
public struct Snippet: Sendable, Hashable {
    public struct Segment: Sendable, Hashable {
        public var text: String
        public var isMatch: Bool

        public init(text: String, isMatch: Bool) {
            self.text = text
            self.isMatch = isMatch
        }
    }

    public var segments: [Segment]

    public init(segments: [Segment]) {
        self.segments = segments
    }

    /// The snippet with matches between `open` and `close`, e.g. `«` and `»`.
    public func marked(open: String = "«", close: String = "»") -> String {
        segments.map { $0.isMatch ? open + $0.text + close : $0.text }.joined()
    }

    /// Builds a snippet of at most about `maxWords` words of `text`, starting a little
    /// before the first match of `query`'s positive terms.
    public static func make(text: String, query: SearchQuery?, maxWords: Int = 24) -> Snippet {
        let flat = text.replacing("\r\n", with: " ").replacing("\n", with: " ")
        let words = SearchText.locatedWords(in: flat)
        guard !words.isEmpty else { return Snippet(segments: [Segment(text: String(flat.prefix(200)), isMatch: false)]) }
        let matched = matchedWordIndices(words: words.map(\.normalized), terms: query?.positiveTerms ?? [])
        let first = matched.min() ?? 0
        let startWord = max(0, first - 4)
        let endWord = min(words.count, startWord + maxWords)
        var segments: [Segment] = []
        var cursor = startWord == 0 ? flat.startIndex : words[startWord].range.lowerBound
        if startWord > 0 { segments.append(Segment(text: "…", isMatch: false)) }
        for index in startWord..<endWord where matched.contains(index) {
            let range = words[index].range
            if cursor < range.lowerBound { segments.append(Segment(text: String(flat[cursor..<range.lowerBound]), isMatch: false)) }
            segments.append(Segment(text: String(flat[range]), isMatch: true))
            cursor = range.upperBound
        }
        let end = endWord == words.count ? flat.endIndex : words[endWord - 1].range.upperBound
        if cursor < end { segments.append(Segment(text: String(flat[cursor..<end]), isMatch: false)) }
        if endWord < words.count { segments.append(Segment(text: "…", isMatch: false)) }
        return Snippet(segments: segments)
    }

    static func matchedWordIndices(words: [String], terms: [SearchQuery]) -> Set<Int> {
        var matched = Set<Int>()
        for term in terms {
            switch term {
            case .term(let word, let prefix):
                for (index, candidate) in words.enumerated() where prefix ? candidate.hasPrefix(word) : candidate == word {
                    matched.insert(index)
                }
            case .phrase(let phrase):
                guard !phrase.isEmpty, phrase.count <= words.count else { continue }
                for start in 0...(words.count - phrase.count) where Array(words[start..<start + phrase.count]) == phrase {
                    matched.formUnion(start..<start + phrase.count)
                }
            default:
                continue
            }
        }
        return matched
    }
}
