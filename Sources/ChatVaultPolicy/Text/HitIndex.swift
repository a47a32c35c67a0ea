/// The hits of one scanned message, by pattern: which words each pattern matched.
///
/// Built from a ``MessageScan`` with generation stamps, so resetting it between
/// messages costs nothing however many patterns the policy has.
struct HitIndex {
    private var stamp: [UInt32]
    private var head: [Int32]
    private var next: [Int32] = []
    private var words: [Int32] = []
    private var generation: UInt32 = 0
    /// The distinct patterns present in the message.
    private(set) var present: [Int32] = []

    init(patternCount: Int) {
        stamp = [UInt32](repeating: 0, count: patternCount)
        head = [Int32](repeating: -1, count: patternCount)
    }

    /// Loads the hits of `scan`, leaving out words inside `excluded` word ranges.
    mutating func load(_ scan: MessageScan, excluding excluded: [ClosedRange<Int32>] = []) {
        generation &+= 1
        if generation == 0 {
            for i in stamp.indices { stamp[i] = 0 }
            generation = 1
        }
        next.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        present.removeAll(keepingCapacity: true)
        for i in 0..<scan.hitPattern.count {
            let pattern = Int(scan.hitPattern[i])
            let word = scan.hitWord[i]
            if !excluded.isEmpty, excluded.contains(where: { $0.contains(word) }) { continue }
            if stamp[pattern] != generation {
                stamp[pattern] = generation
                head[pattern] = -1
                present.append(Int32(pattern))
            }
            next.append(head[pattern])
            words.append(word)
            head[pattern] = Int32(words.count - 1)
        }
    }

    func forEachWord(of pattern: Int32, _ body: (Int32) -> Void) {
        guard stamp[Int(pattern)] == generation else { return }
        var i = head[Int(pattern)]
        while i >= 0 {
            body(words[Int(i)])
            i = next[Int(i)]
        }
    }

    func contains(_ pattern: Int32, at word: Int32) -> Bool {
        guard stamp[Int(pattern)] == generation else { return false }
        var i = head[Int(pattern)]
        while i >= 0 {
            if words[Int(i)] == word { return true }
            i = next[Int(i)]
        }
        return false
    }
}
