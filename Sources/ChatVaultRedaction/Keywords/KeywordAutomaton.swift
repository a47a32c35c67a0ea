/// All keyword phrases of a policy compiled into one Aho–Corasick automaton over
/// normalised scalars: a message is read once, whatever the number of phrases.
///
/// Built once per policy (in `Redactor.init`); matching allocates nothing but the result.
/// States are numbered in breadth-first order, so the shallow states a scan spends most
/// of its time in sit together in memory.
struct KeywordAutomaton: Sendable {
    struct Match: Equatable {
        /// Offsets in the original text, end exclusive.
        var start: Int
        var end: Int
        /// Index of the keyword list the phrase belongs to.
        var list: Int
    }

    struct Output: Sendable {
        var list: Int
        var length: Int
        var isPrefix: Bool
    }

    // Transitions in compressed rows: state s owns edgeLabels/edgeTargets[edgeStart[s]..<edgeStart[s+1]], sorted by label.
    private var edgeStart: [Int32] = []
    private var edgeLabels: [UInt32] = []
    private var edgeTargets: [Int32] = []
    private var failure: [Int32] = []
    /// The outputs of state s are outputList[outputStart[s]..<outputStart[s+1]].
    private(set) var outputStart: [Int32] = []
    private(set) var outputList: [Output] = []
    /// The first state with outputs among s and its failure chain, and the next one after
    /// s along that chain; -1 where there is none.
    private(set) var emitter: [Int32] = []
    private(set) var nextOutput: [Int32] = []
    /// The complete transition function for the ASCII symbols of normal form (see
    /// `AsciiSymbol`), failure links already followed: `dense[s * AsciiSymbol.count + c]`.
    /// A target that emits is stored as `~target`, so the hot loop tests one sign bit.
    /// Chosen for speed: one load per byte instead of a search and a failure walk.
    private(set) var dense: [Int32] = []

    var isEmpty: Bool { outputList.isEmpty }

    /// - Parameter lists: for each keyword list, its phrases.
    init(lists: [[String]]) {
        var children: [[UInt32: Int32]] = [[:]]
        var stateOutputs: [[Output]] = [[]]
        for (list, phrases) in lists.enumerated() {
            for phrase in phrases {
                guard let pattern = KeywordPattern(phrase) else { continue }
                var state = 0
                for scalar in pattern.scalars {
                    if let next = children[state][scalar] {
                        state = Int(next)
                    } else {
                        children.append([:])
                        stateOutputs.append([])
                        children[state][scalar] = Int32(children.count - 1)
                        state = children.count - 1
                    }
                }
                stateOutputs[state].append(Output(list: list, length: pattern.scalars.count, isPrefix: pattern.isPrefix))
            }
        }
        // Renumber breadth-first: parents and failure targets then precede their states.
        var order: [Int32] = [0]
        var rank = [Int32](repeating: 0, count: children.count)
        var head = 0
        while head < order.count {
            let state = Int(order[head])
            head += 1
            for (_, target) in children[state].sorted(by: { $0.key < $1.key }) {
                rank[Int(target)] = Int32(order.count)
                order.append(target)
            }
        }
        for old in order {
            edgeStart.append(Int32(edgeLabels.count))
            for (label, target) in children[Int(old)].sorted(by: { $0.key < $1.key }) {
                edgeLabels.append(label)
                edgeTargets.append(rank[Int(target)])
            }
            outputStart.append(Int32(outputList.count))
            outputList.append(contentsOf: stateOutputs[Int(old)])
        }
        edgeStart.append(Int32(edgeLabels.count))
        outputStart.append(Int32(outputList.count))
        buildFailureLinks()
        buildDenseTable()
    }

    private func hasOutputs(_ state: Int) -> Bool { outputStart[state] < outputStart[state + 1] }

    private mutating func buildFailureLinks() {
        let count = edgeStart.count - 1
        failure = [Int32](repeating: 0, count: count)
        nextOutput = [Int32](repeating: -1, count: count)
        emitter = [Int32](repeating: -1, count: count)
        // Breadth-first numbering: every state's parent and failure target come before it.
        for state in 0..<count {
            for edge in Int(edgeStart[state])..<Int(edgeStart[state + 1]) {
                let label = edgeLabels[edge]
                let target = Int(edgeTargets[edge])
                var link = 0
                if state != 0 {
                    var fallback = Int(failure[state])
                    while fallback != 0, transition(from: fallback, on: label) == nil { fallback = Int(failure[fallback]) }
                    link = transition(from: fallback, on: label) ?? 0
                }
                failure[target] = Int32(link)
                nextOutput[target] = hasOutputs(link) ? Int32(link) : nextOutput[link]
            }
            emitter[state] = hasOutputs(state) ? Int32(state) : nextOutput[state]
        }
    }

    private mutating func buildDenseTable() {
        let count = edgeStart.count - 1
        let width = AsciiSymbol.count
        var table = [Int32](repeating: 0, count: count * width)
        for state in 0..<count {
            for symbol in 0..<width {
                let label = AsciiSymbol.scalar(symbol)
                if let target = transition(from: state, on: label) {
                    table[state * width + symbol] = Int32(target)
                } else if state != 0 {
                    table[state * width + symbol] = table[Int(failure[state]) * width + symbol]
                }
            }
        }
        for index in table.indices where emitter[Int(table[index])] > 0 { table[index] = ~table[index] }
        dense = table
    }

    /// The goto function: the trie edge from `state` on `label`, if any.
    private func transition(from state: Int, on label: UInt32) -> Int? {
        var low = Int(edgeStart[state])
        var high = Int(edgeStart[state + 1])
        while low < high {
            let mid = (low + high) / 2
            let value = edgeLabels[mid]
            if value == label { return Int(edgeTargets[mid]) }
            if value < label { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    /// The next state after reading one normalised scalar.
    private func step(from state: Int, on scalar: UInt32) -> Int {
        if scalar < 0x80 {
            let target = dense[state * AsciiSymbol.count + Int(AsciiSymbol.table[Int(scalar)])]
            return Int(target < 0 ? ~target : target)
        }
        var state = state
        while true {
            if let next = transition(from: state, on: scalar) { return next }
            if state == 0 { return 0 }
            state = Int(failure[state])
        }
    }

    /// Whole-word matches in `text`, in original offsets, leftmost first.
    func matches(in text: NormalizedText) -> [Match] {
        let scalars = text.scalars
        var result: [Match] = []
        var state = 0
        for (index, scalar) in scalars.enumerated() {
            state = step(from: state, on: scalar)
            var emitting = Int(emitter[state])
            while emitting > 0 {
                for output in outputList[Int(outputStart[emitting])..<Int(outputStart[emitting + 1])] {
                    let start = index - output.length + 1
                    guard start == 0 || scalars[start - 1] == NormalizedText.separator else { continue }
                    var end = index + 1
                    if output.isPrefix {
                        while end < scalars.count, scalars[end] != NormalizedText.separator { end += 1 }
                    } else if end < scalars.count, scalars[end] != NormalizedText.separator {
                        continue
                    }
                    result.append(Match(start: text.origin[start], end: text.origin[end - 1] + 1, list: output.list))
                }
                emitting = Int(nextOutput[emitting])
            }
        }
        return result
    }
}
