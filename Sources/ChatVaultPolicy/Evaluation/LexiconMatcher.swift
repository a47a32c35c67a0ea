public import ChatVaultCore

/// Many lexicon queries compiled together: every word of every query is one pattern
/// of a single trie, so a message is tokenized and looked up once, and only the
/// queries whose words occur in it are evaluated (plus those that can hold without
/// any, such as `NOT …`).
///
/// A value with scratch space: keep one per thread and reuse it for every message.
public struct LexiconMatcher: Sendable {
    let trie: TermTrie
    let queries: [CompiledQuery]
    /// Queries to evaluate for every message.
    let always: [Int]
    /// For each pattern, the queries it can make hold.
    let byPattern: [[Int32]]
    /// Disclaimers as pattern sequences; the words they cover are never matched.
    let disclaimers: [[Int32]]
    /// For each pattern, whether a disclaimer starts with it.
    let startsDisclaimer: [Bool]
    private var scan = MessageScan()
    private var hits: HitIndex
    private var candidateStamp: [UInt32]
    private var generation: UInt32 = 0
    /// The queries worth evaluating for the message last loaded, in query order.
    private(set) var candidates: [Int] = []

    /// Compiles `queries`, resolving `@name` through `lexicons` (whose entries may refer
    /// to other lists).
    /// - Throws: ``LexiconError`` for an unknown or circular list reference.
    public init(queries: [LexiconQuery], lexicons: [String: [LexiconQuery]] = [:], disclaimers: [String] = []) throws(LexiconError) {
        var builder = PatternBuilder()
        var compiled: [CompiledQuery] = []
        var expanded: [String: CompiledQuery] = [:]
        for query in queries {
            compiled.append(try builder.compile(query, lexicons: lexicons, expanded: &expanded, visiting: []))
        }
        self.disclaimers = disclaimers.map { text in WordFolding.words(text).map { builder.pattern($0, isPrefix: false) } }.filter {
            !$0.isEmpty
        }
        trie = builder.trie
        self.queries = compiled
        var byPattern = [[Int32]](repeating: [], count: builder.count)
        var always: [Int] = []
        for (index, query) in compiled.enumerated() {
            if query.needsHit {
                for pattern in query.positivePatterns { byPattern[Int(pattern)].append(Int32(index)) }
            } else {
                always.append(index)
            }
        }
        self.byPattern = byPattern
        var startsDisclaimer = [Bool](repeating: false, count: builder.count)
        for disclaimer in self.disclaimers { startsDisclaimer[Int(disclaimer[0])] = true }
        self.startsDisclaimer = startsDisclaimer
        self.always = always
        hits = HitIndex(patternCount: builder.count)
        candidateStamp = [UInt32](repeating: 0, count: compiled.count)
    }

    /// The number of distinct word patterns.
    public var patternCount: Int { byPattern.count }

    /// The queries that hold for `text`, each with what matched (positions in `text`).
    public mutating func evaluate(_ text: String) -> [(query: Int, matches: [Alert.Match])] {
        var result: [(query: Int, matches: [Alert.Match])] = []
        var scalars: [Unicode.Scalar]?
        load(text)
        for query in candidates {
            let outcome = holds(query)
            guard outcome.matched else { continue }
            if scalars == nil { scalars = Array(text.unicodeScalars) }
            result.append((query, matches(outcome.spans, in: scalars!)))
        }
        return result
    }

    /// The indices of the queries that hold for `text`, without positions (the fast path).
    public mutating func matchingQueries(_ text: String) -> [Int] {
        load(text)
        return candidates.filter { holds($0).matched }
    }

    /// Scans `text` and lists the queries worth evaluating for it in ``candidates``.
    mutating func load(_ text: String) {
        scan.scan(text, trie: trie)
        let mayExclude = !disclaimers.isEmpty && scan.hitPattern.contains { startsDisclaimer[Int($0)] }
        hits.load(scan, excluding: mayExclude ? excludedRanges() : [])
        generation &+= 1
        if generation == 0 {
            for i in candidateStamp.indices { candidateStamp[i] = 0 }
            generation = 1
        }
        candidates.removeAll(keepingCapacity: true)
        candidates.append(contentsOf: always)
        for pattern in hits.present {
            for query in byPattern[Int(pattern)] where candidateStamp[Int(query)] != generation {
                candidateStamp[Int(query)] = generation
                candidates.append(Int(query))
            }
        }
        if candidates.count > 1 { candidates.sort() }
    }

    /// Whether query `index` holds for the message last loaded.
    func holds(_ index: Int) -> (matched: Bool, spans: [CompiledQuery.Span]) {
        queries[index].evaluate(hits)
    }

    /// The word ranges of the loaded message covered by a disclaimer.
    private mutating func excludedRanges() -> [ClosedRange<Int32>] {
        hits.load(scan)
        var ranges: [ClosedRange<Int32>] = []
        for disclaimer in disclaimers {
            if case (true, let spans) = CompiledQuery.phrase(disclaimer).evaluate(hits) {
                ranges += spans.map { $0.first...$0.last }
            }
        }
        return ranges
    }

    /// Spans of words as positions and text of the message, merged where they overlap.
    func matches(_ spans: [CompiledQuery.Span], in scalars: [Unicode.Scalar]) -> [Alert.Match] {
        var seen = Set<CompiledQuery.Span>()
        return spans.sorted { ($0.first, $0.last) < ($1.first, $1.last) }.compactMap { span in
            guard seen.insert(span).inserted, Int(span.last) < scan.wordCount else { return nil }
            let start = Int(scan.wordStart[Int(span.first)])
            let end = Int(scan.wordEnd[Int(span.last)])
            return Alert.Match(start: start, end: end, text: String(String.UnicodeScalarView(scalars[start..<end])))
        }
    }
}

/// A lexicon reference that cannot be resolved.
public struct LexiconError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
}

/// Assigns pattern ids to folded words and builds the trie.
struct PatternBuilder {
    var trie = TermTrie()
    private var ids: [PatternKey: Int32] = [:]

    struct PatternKey: Hashable {
        var word: [UInt8]
        var isPrefix: Bool
    }

    var count: Int { ids.count }

    mutating func pattern(_ word: [UInt8], isPrefix: Bool) -> Int32 {
        let key = PatternKey(word: word, isPrefix: isPrefix)
        if let id = ids[key] { return id }
        let id = Int32(ids.count)
        ids[key] = id
        trie.insert(word, isPrefix: isPrefix, id: id)
        return id
    }

    mutating func compile(
        _ query: LexiconQuery, lexicons: [String: [LexiconQuery]], expanded: inout [String: CompiledQuery], visiting: Set<String>
    ) throws(LexiconError) -> CompiledQuery {
        switch query {
        case .term(let term):
            let words = WordFolding.words(term.text)
            return .phrase(words.enumerated().map { index, word in pattern(word, isPrefix: term.isPrefix && index == words.count - 1) })
        case .lexicon(let name):
            if let done = expanded[name] { return done }
            guard let entries = lexicons[name] else { throw LexiconError(description: "unknown lexicon list '@\(name)'") }
            guard !visiting.contains(name) else { throw LexiconError(description: "lexicon list '@\(name)' refers to itself") }
            var parts: [CompiledQuery] = []
            for entry in entries {
                parts.append(try compile(entry, lexicons: lexicons, expanded: &expanded, visiting: visiting.union([name])))
            }
            let result = CompiledQuery.any(parts)
            expanded[name] = result
            return result
        case .and(let a, let b):
            return .all([
                try compile(a, lexicons: lexicons, expanded: &expanded, visiting: visiting),
                try compile(b, lexicons: lexicons, expanded: &expanded, visiting: visiting),
            ])
        case .or(let a, let b):
            return .any([
                try compile(a, lexicons: lexicons, expanded: &expanded, visiting: visiting),
                try compile(b, lexicons: lexicons, expanded: &expanded, visiting: visiting),
            ])
        case .not(let a):
            return .not(try compile(a, lexicons: lexicons, expanded: &expanded, visiting: visiting))
        case .near(let a, let b, let distance, let ordered):
            return .near(
                try compile(a, lexicons: lexicons, expanded: &expanded, visiting: visiting),
                try compile(b, lexicons: lexicons, expanded: &expanded, visiting: visiting), distance: distance, ordered: ordered)
        }
    }
}
