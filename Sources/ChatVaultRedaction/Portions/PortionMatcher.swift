/// Finds where protected portions open and close in a message's text; built once per
/// policy, like the ``Redactor``.
///
/// Phrases go through the keyword automaton over normalised text (case, diacritics,
/// invisible characters, look-alikes and punctuation do not matter), so one pass reads a
/// message for every rule. Markers are typed symbols (`#secure`, `[pci-start]`) that
/// normalisation would reduce to an ordinary word, so they are matched as they are written,
/// ignoring only case and invisible characters, and only as a whole token: `#secure` opens,
/// "a secure line" does not.
public struct PortionMatcher: Sendable {
    public let rules: [PortionRule]
    /// List `2i` holds the start phrases of rule `i`, list `2i + 1` its end phrases.
    private let automaton: KeywordAutomaton
    private let startMarkers: [[[Unicode.Scalar]]]
    private let endMarkers: [[[Unicode.Scalar]]]

    public init(rules: [PortionRule]) {
        self.rules = rules
        automaton = KeywordAutomaton(lists: rules.flatMap { [$0.startPhrases, $0.endPhrases] })
        startMarkers = rules.map { $0.startMarkers.map(Self.folded).filter { !$0.isEmpty } }
        endMarkers = rules.map { $0.endMarkers.map(Self.folded).filter { !$0.isEmpty } }
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// What a message says about portions: the first rule (in policy order) it opens, and
    /// the rules it closes.
    public struct Signals: Sendable, Hashable {
        public var opens: Int?
        public var closes: Set<Int> = []
    }

    public func signals(in text: String) -> Signals {
        var signals = Signals()
        guard !rules.isEmpty, !text.isEmpty else { return signals }
        if !automaton.isEmpty {
            var copy = text
            let matches =
                copy.withUTF8 { automaton.asciiMatches(in: $0) } ?? automaton.matches(in: NormalizedText(Array(text.unicodeScalars)))
            for match in matches {
                let rule = match.list / 2
                if match.list % 2 == 0 {
                    signals.opens = min(signals.opens ?? rule, rule)
                } else {
                    signals.closes.insert(rule)
                }
            }
        }
        let hasMarkers = startMarkers.contains { !$0.isEmpty } || endMarkers.contains { !$0.isEmpty }
        guard hasMarkers else { return signals }
        let folded = Self.folded(text)
        for rule in rules.indices {
            if signals.opens.map({ rule < $0 }) ?? true, startMarkers[rule].contains(where: { Self.contains(folded, token: $0) }) {
                signals.opens = rule
            }
            if endMarkers[rule].contains(where: { Self.contains(folded, token: $0) }) { signals.closes.insert(rule) }
        }
        return signals
    }

    /// Lower case, invisible characters removed.
    static func folded(_ text: String) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars where !(scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format) {
            if scalar.value < 0x80 {
                scalars.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else {
                scalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return scalars
    }

    /// Whether `token` stands in `text` on its own: after the start or a space, and before
    /// the end, a space or closing punctuation.
    static func contains(_ text: [Unicode.Scalar], token: [Unicode.Scalar]) -> Bool {
        guard !token.isEmpty, text.count >= token.count else { return false }
        var start = 0
        while start + token.count <= text.count {
            if text[start] == token[0], start == 0 || text[start - 1].properties.isWhitespace,
                text[start..<start + token.count].elementsEqual(token)
            {
                let end = start + token.count
                if end == text.count || text[end].properties.isWhitespace || closing.contains(text[end]) { return true }
            }
            start += 1
        }
        return false
    }

    private static let closing: Set<Unicode.Scalar> = [".", ",", ":", ";", "!", "?", ")", "]", "}", "\"", "'", "»", "”", "’"]
}
