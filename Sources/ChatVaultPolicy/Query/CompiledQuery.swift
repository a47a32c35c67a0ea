/// A ``LexiconQuery`` compiled against one ``TermTrie``: every word is a pattern id,
/// every `@list` is expanded into its entries.
indirect enum CompiledQuery: Sendable, Hashable {
    /// Patterns on consecutive words.
    case phrase([Int32])
    case all([CompiledQuery])
    case any([CompiledQuery])
    case not(CompiledQuery)
    case near(CompiledQuery, CompiledQuery, distance: Int, ordered: Bool)

    /// A span of words, first and last inclusive.
    struct Span: Hashable {
        var first: Int32
        var last: Int32
    }

    /// Whether the query can only hold when at least one of its patterns is in the message,
    /// so it need not be evaluated for messages where none is.
    var needsHit: Bool {
        switch self {
        case .phrase, .near: return true
        case .all(let parts): return parts.contains(where: \.needsHit)
        case .any(let parts): return !parts.isEmpty && parts.allSatisfy(\.needsHit)
        case .not: return false
        }
    }

    /// The patterns whose presence can make the query hold (those not under a NOT).
    var positivePatterns: Set<Int32> {
        switch self {
        case .phrase(let ids): return [ids[0]]
        case .all(let parts), .any(let parts): return parts.reduce(into: []) { $0.formUnion($1.positivePatterns) }
        case .not: return []
        case .near(let a, let b, _, _): return a.positivePatterns.union(b.positivePatterns)
        }
    }

    /// Whether the query holds, and the spans of words that made it hold.
    func evaluate(_ hits: HitIndex) -> (matched: Bool, spans: [Span]) {
        switch self {
        case .phrase(let ids):
            var spans: [Span] = []
            hits.forEachWord(of: ids[0]) { word in
                for (offset, id) in ids.enumerated().dropFirst() where !hits.contains(id, at: word + Int32(offset)) { return }
                spans.append(Span(first: word, last: word + Int32(ids.count - 1)))
            }
            return (!spans.isEmpty, spans)
        case .all(let parts):
            var spans: [Span] = []
            for part in parts {
                let result = part.evaluate(hits)
                guard result.matched else { return (false, []) }
                spans += result.spans
            }
            return (true, spans)
        case .any(let parts):
            var matched = false
            var spans: [Span] = []
            for part in parts {
                let result = part.evaluate(hits)
                if result.matched {
                    matched = true
                    spans += result.spans
                }
            }
            return (matched, spans)
        case .not(let inner):
            return (!inner.evaluate(hits).matched, [])
        case .near(let a, let b, let distance, let ordered):
            let left = a.evaluate(hits)
            guard left.matched else { return (false, []) }
            let right = b.evaluate(hits)
            guard right.matched else { return (false, []) }
            var spans: Set<Span> = []
            for l in left.spans {
                for r in right.spans {
                    let after = r.first > l.last && Int(r.first - l.last - 1) <= distance
                    let before = !ordered && l.first > r.last && Int(l.first - r.last - 1) <= distance
                    if after || before {
                        spans.insert(l)
                        spans.insert(r)
                    }
                }
            }
            return (!spans.isEmpty, spans.sorted { ($0.first, $0.last) < ($1.first, $1.last) })
        }
    }
}
