/// One message's words and the patterns each word matched, found in one pass.
///
/// Reused from message to message (its arrays keep their capacity), so scanning a
/// message allocates nothing on the ASCII path. Offsets are Unicode scalars of the
/// scanned text, end exclusive.
struct MessageScan {
    /// Where each word starts and ends in the text.
    private(set) var wordStart: [Int32] = []
    private(set) var wordEnd: [Int32] = []
    /// Hits in word order: the pattern and the word it matched.
    private(set) var hitPattern: [Int32] = []
    private(set) var hitWord: [Int32] = []
    private var foldCache: [UInt32: [UInt32]] = [:]

    var wordCount: Int { wordStart.count }

    mutating func scan(_ text: String, trie: TermTrie) {
        wordStart.removeAll(keepingCapacity: true)
        wordEnd.removeAll(keepingCapacity: true)
        hitPattern.removeAll(keepingCapacity: true)
        hitWord.removeAll(keepingCapacity: true)
        var copy = text
        let ascii = copy.withUTF8 { scanASCII($0, trie: trie) }
        if !ascii {
            wordStart.removeAll(keepingCapacity: true)
            wordEnd.removeAll(keepingCapacity: true)
            hitPattern.removeAll(keepingCapacity: true)
            hitWord.removeAll(keepingCapacity: true)
            scanScalars(text, trie: trie)
        }
    }

    /// The fast path for ASCII text (byte offset = scalar offset); false at the first other byte.
    private mutating func scanASCII(_ bytes: UnsafeBufferPointer<UInt8>, trie: TermTrie) -> Bool {
        var node = TermTrie.root
        var inWord = false
        var start = 0
        let prefix = trie.prefix
        let exact = trie.exact
        return trie.dense.withUnsafeBufferPointer { dense in
            for index in 0..<bytes.count {
                let byte = bytes[index]
                if byte >= 0x80 { return false }
                let column = TermTrie.column(byte)
                if column >= 0 {
                    if !inWord {
                        inWord = true
                        start = index
                        node = TermTrie.root
                    } else if node == TermTrie.dead {
                        continue
                    }
                    let next = dense[Int(node) &* 36 &+ column]
                    if next == 0 {
                        node = TermTrie.dead
                    } else {
                        node = next
                        let p = prefix[Int(next)]
                        if p >= 0 { addHit(p, word: wordStart.count) }
                    }
                } else if inWord {
                    endWord(start: start, end: index, node: node, exact: exact)
                    inWord = false
                }
            }
            if inWord { endWord(start: start, end: bytes.count, node: node, exact: exact) }
            return true
        }
    }

    @inline(__always)
    private mutating func endWord(start: Int, end: Int, node: Int32, exact: [Int32]) {
        if node > 0 {
            let e = exact[Int(node)]
            if e >= 0 { addHit(e, word: wordStart.count) }
        }
        wordStart.append(Int32(truncatingIfNeeded: start))
        wordEnd.append(Int32(truncatingIfNeeded: end))
    }

    @inline(__always)
    private mutating func addHit(_ pattern: Int32, word: Int) {
        hitPattern.append(pattern)
        hitWord.append(Int32(truncatingIfNeeded: word))
    }

    private mutating func scanScalars(_ text: String, trie: TermTrie) {
        var node = TermTrie.root
        var inWord = false
        var start = 0
        var lastWordScalar = 0
        var bytes: [UInt8] = []
        var offset = 0
        for scalar in text.unicodeScalars {
            let pieces: [UInt32]
            if let cached = foldCache[scalar.value] {
                pieces = cached
            } else {
                pieces = WordFolding.pieces(scalar)
                if foldCache.count < 4096 { foldCache[scalar.value] = pieces }
            }
            for piece in pieces {
                if piece == 0 {
                    if inWord {
                        endWord(start: start, end: lastWordScalar + 1, node: node, exact: trie.exact)
                        inWord = false
                    }
                    continue
                }
                if !inWord {
                    inWord = true
                    start = offset
                    node = TermTrie.root
                }
                lastWordScalar = offset
                guard node != TermTrie.dead else { continue }
                bytes.removeAll(keepingCapacity: true)
                WordFolding.appendUTF8(piece, to: &bytes)
                for byte in bytes where node != TermTrie.dead {
                    let next = trie.step(node, byte)
                    node = next == 0 ? TermTrie.dead : next
                }
                if node != TermTrie.dead, trie.prefix[Int(node)] >= 0 { addHit(trie.prefix[Int(node)], word: wordStart.count) }
            }
            offset += 1
        }
        if inWord { endWord(start: start, end: lastWordScalar + 1, node: node, exact: trie.exact) }
    }
}
