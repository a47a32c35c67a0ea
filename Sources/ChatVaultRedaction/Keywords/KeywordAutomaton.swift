/// All keyword phrases of a policy compiled into one Aho–Corasick automaton over
/// normalised scalars: a message is read once, whatever the number of phrases.
struct KeywordAutomaton: Sendable {
    struct Match: Equatable {
        /// Offsets in the original text, end exclusive.
        var start: Int
        var end: Int
        /// Index of the keyword list the phrase belongs to.
        var list: Int
    }

    private struct Output: Sendable {
        var list: Int
        var length: Int
        var isPrefix: Bool
    }

    // Transitions in compressed rows: state s owns edgeLabels/edgeTargets[edgeStart[s]..<edgeStart[s+1]], sorted by label.
    private var edgeStart: [Int32] = []
    private var edgeLabels: [UInt32] = []
    private var edgeTargets: [Int32] = []
    private var failure: [Int32] = []
    /// Outputs of a state, and the next state along the failure chain that has outputs.
    private var outputs: [[Output]] = []
    private var nextOutput: [Int32] = []
    /// Direct transitions from the root for ASCII, the hot path.
    private var rootASCII = [Int32](repeating: 0, count: 128)

    var isEmpty: Bool { outputs.count <= 1 }

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
        for row in children {
            edgeStart.append(Int32(edgeLabels.count))
            for (label, target) in row.sorted(by: { $0.key < $1.key }) {
                edgeLabels.append(label)
                edgeTargets.append(target)
            }
        }
        edgeStart.append(Int32(edgeLabels.count))
        outputs = stateOutputs
        for (label, target) in children[0] where label < 128 { rootASCII[Int(label)] = target }
        buildFailureLinks(children)
    }

    private mutating func buildFailureLinks(_ children: [[UInt32: Int32]]) {
        failure = [Int32](repeating: 0, count: children.count)
        nextOutput = [Int32](repeating: -1, count: children.count)
        var queue: [Int32] = Array(children[0].values)
        var head = 0
        while head < queue.count {
            let state = Int(queue[head])
            head += 1
            for (label, target) in children[state] {
                var fallback = Int(failure[state])
                while fallback != 0, transition(from: fallback, on: label) == nil { fallback = Int(failure[fallback]) }
                let link = state == 0 ? 0 : (transition(from: fallback, on: label) ?? 0)
                failure[Int(target)] = Int32(link == Int(target) ? 0 : link)
                let linked = Int(failure[Int(target)])
                nextOutput[Int(target)] = outputs[linked].isEmpty ? nextOutput[linked] : Int32(linked)
                queue.append(target)
            }
        }
    }

    private func transition(from state: Int, on label: UInt32) -> Int? {
        if state == 0, label < 128 {
            let target = rootASCII[Int(label)]
            return target != 0 ? Int(target) : nil
        }
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

    /// Whole-word matches in `text`, in original offsets, leftmost first.
    func matches(in text: NormalizedText) -> [Match] {
        let scalars = text.scalars
        var result: [Match] = []
        var state = 0
        for (index, scalar) in scalars.enumerated() {
            while true {
                if let next = transition(from: state, on: scalar) {
                    state = next
                    break
                }
                if state == 0 { break }
                state = Int(failure[state])
            }
            var emitting = outputs[state].isEmpty ? Int(nextOutput[state]) : state
            while emitting > 0 {
                for output in outputs[emitting] {
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
