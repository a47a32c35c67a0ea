/// Every level of a Merkle tree held in memory, so that inclusion proofs for many leaves
/// cost O(log n) each instead of rebuilding subtrees per proof (an export proves every
/// message it contains).
///
/// Pairing nodes level by level and promoting an unpaired last node unchanged builds
/// exactly the RFC 6962 tree (whose left subtree is the largest power of two below n).
public struct MerkleLevels: Sendable {
    /// `levels[0]` are the leaf hashes; the last level holds the root.
    public private(set) var levels: [[Hash32]]

    public init(leafHashes: [Hash32]) {
        var levels = [leafHashes]
        while let top = levels.last, top.count > 1 {
            var next: [Hash32] = []
            next.reserveCapacity((top.count + 1) / 2)
            var index = 0
            while index + 1 < top.count {
                next.append(MerkleTree.nodeHash(top[index], top[index + 1]))
                index += 2
            }
            if index < top.count { next.append(top[index]) }
            levels.append(next)
        }
        self.levels = levels
    }

    public var root: Hash32 { levels.last?.first ?? MerkleTree.emptyRoot }

    /// PATH(index, D[n]) for the whole tree.
    public func inclusionPath(index: Int) -> [Hash32] {
        var path: [Hash32] = []
        var position = index
        for level in levels.dropLast() {
            let sibling = position ^ 1
            if sibling < level.count { path.append(level[sibling]) }
            position /= 2
        }
        return path
    }
}
