/// Every word pattern of a policy (exact words and prefix wildcards) in one trie over
/// the folded UTF-8 bytes of a word, so a message's words are looked up in one walk
/// each whatever the number of patterns.
///
/// Words in folded form hold only `a`–`z`, `0`–`9` and non-ASCII bytes, so ASCII
/// transitions are a dense table of 36 columns and the rest a dictionary.
struct TermTrie: Sendable {
    static let root: Int32 = 0
    static let dead: Int32 = -1

    private(set) var dense: [Int32] = [Int32](repeating: 0, count: 36)
    private var sparse: [Int64: Int32] = [:]
    /// The exact pattern ending at each node, or -1.
    private(set) var exact: [Int32] = [-1]
    /// The prefix pattern ending at each node (matches this word and all longer ones), or -1.
    private(set) var prefix: [Int32] = [-1]

    /// The column of an ASCII word byte (either case of a letter, or a digit), or -1.
    @inline(__always)
    static func column(_ byte: UInt8) -> Int {
        let lower = byte | 0x20
        if lower >= 0x61 && lower <= 0x7A { return Int(lower &- 0x61) }
        if byte >= 0x30 && byte <= 0x39 { return Int(byte &- 0x30 &+ 26) }
        return -1
    }

    var nodeCount: Int { exact.count }

    /// Adds a word in folded form as pattern `id`.
    mutating func insert(_ word: [UInt8], isPrefix: Bool, id: Int32) {
        var node = Self.root
        for byte in word {
            let next = step(node, byte)
            if next > 0 {
                node = next
                continue
            }
            let created = Int32(exact.count)
            exact.append(-1)
            prefix.append(-1)
            dense.append(contentsOf: repeatElement(0, count: 36))
            if byte < 0x80, Self.column(byte) >= 0 {
                dense[Int(node) * 36 + Self.column(byte)] = created
            } else {
                sparse[Int64(node) << 8 | Int64(byte)] = created
            }
            node = created
        }
        if isPrefix { prefix[Int(node)] = id } else { exact[Int(node)] = id }
    }

    /// The node after `byte`, or 0 when no pattern continues (0 is the root, never a child).
    @inline(__always)
    func step(_ node: Int32, _ byte: UInt8) -> Int32 {
        if byte < 0x80 {
            let column = Self.column(byte)
            return column < 0 ? 0 : dense[Int(node) &* 36 &+ column]
        }
        return sparse[Int64(node) << 8 | Int64(byte)] ?? 0
    }
}
