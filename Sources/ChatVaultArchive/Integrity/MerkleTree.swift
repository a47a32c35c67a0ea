import Crypto
import Foundation

/// A 32-byte SHA-256 value: a leaf hash, an inner node or a tree root.
public typealias Hash32 = [UInt8]

/// The Merkle tree of RFC 6962 §2.1 / RFC 9162 §2.1 over the archive's records.
///
/// Leaf hash `SHA-256(0x00 ‖ record)`, node hash `SHA-256(0x01 ‖ left ‖ right)`; a tree
/// of `n` leaves splits at the largest power of two below `n`. Every function here is
/// pure so that anyone can check a proof with this file alone.
public enum MerkleTree {
    /// The hash of the empty tree: SHA-256 of nothing.
    public static let emptyRoot: Hash32 = Array(SHA256.hash(data: [UInt8]()))

    public static func leafHash(_ record: [UInt8]) -> Hash32 {
        record.withUnsafeBytes { leafHash($0) }
    }

    /// The leaf hash of a record held in a contiguous buffer, without copying it.
    public static func leafHash(_ record: UnsafeRawBufferPointer) -> Hash32 {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: record)
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }

    public static func nodeHash(_ left: Hash32, _ right: Hash32) -> Hash32 {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x01)) { hasher.update(bufferPointer: $0) }
        left.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return hasher.finalize().withUnsafeBytes { Array($0) }
    }

    /// MTH(D[n]) for the given leaf hashes.
    public static func root(ofLeafHashes leaves: ArraySlice<Hash32>) -> Hash32 {
        switch leaves.count {
        case 0: return emptyRoot
        case 1: return leaves[leaves.startIndex]
        default:
            let k = largestPowerOfTwo(below: leaves.count)
            let left = root(ofLeafHashes: leaves.prefix(k))
            let right = root(ofLeafHashes: leaves.dropFirst(k))
            return nodeHash(left, right)
        }
    }

    public static func root(ofLeafHashes leaves: [Hash32]) -> Hash32 {
        root(ofLeafHashes: leaves[...])
    }

    /// PATH(m, D[n]): the audit path proving leaf `index` is in the tree of `leaves`.
    public static func inclusionPath(index: Int, leafHashes leaves: ArraySlice<Hash32>) -> [Hash32] {
        precondition(index >= 0 && index < leaves.count, "leaf index outside the tree")
        if leaves.count == 1 { return [] }
        let k = largestPowerOfTwo(below: leaves.count)
        if index < k {
            return inclusionPath(index: index, leafHashes: leaves.prefix(k)) + [root(ofLeafHashes: leaves.dropFirst(k))]
        }
        return inclusionPath(index: index - k, leafHashes: leaves.dropFirst(k)) + [root(ofLeafHashes: leaves.prefix(k))]
    }

    /// Checks an inclusion proof (RFC 9162 §2.1.3.2): whether `leafHash` at `index`
    /// with audit path `path` yields `root` for a tree of `treeSize` leaves.
    public static func verifyInclusion(leafHash: Hash32, index: Int, treeSize: Int, path: [Hash32], root: Hash32) -> Bool {
        guard index >= 0, index < treeSize else { return false }
        var fn = index
        var sn = treeSize - 1
        var r = leafHash
        for p in path {
            if sn == 0 { return false }
            if fn & 1 == 1 || fn == sn {
                r = nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                r = nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 && r == root
    }

    static func largestPowerOfTwo(below n: Int) -> Int {
        precondition(n > 1)
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }
}

/// The right edge of a growing Merkle tree: the roots of its perfect subtrees, largest
/// first. Appending a leaf and taking the root are O(log n), so the archive can sign a
/// checkpoint after every batch and `verify` can check every checkpoint in one pass.
public struct MerkleFrontier: Sendable, Equatable {
    /// Roots of the perfect subtrees whose sizes are the binary digits of ``size``, largest first.
    public private(set) var subtrees: [Hash32] = []
    public private(set) var size: Int = 0

    public init() {}

    /// Restores a frontier saved with ``serialized``.
    public init?(size: Int, serialized: [UInt8]) {
        guard size >= 0, serialized.count == size.nonzeroBitCount * 32 else { return nil }
        self.size = size
        self.subtrees = stride(from: 0, to: serialized.count, by: 32).map { Array(serialized[$0..<$0 + 32]) }
    }

    public var serialized: [UInt8] { subtrees.flatMap { $0 } }

    public mutating func append(_ leafHash: Hash32) {
        var node = leafHash
        var carry = size
        // Merge with equal-sized subtrees, as in binary addition.
        while carry & 1 == 1 {
            node = MerkleTree.nodeHash(subtrees.removeLast(), node)
            carry >>= 1
        }
        subtrees.append(node)
        size += 1
    }

    /// MTH of all leaves appended so far.
    public var root: Hash32 {
        guard var result = subtrees.last else { return MerkleTree.emptyRoot }
        for subtree in subtrees.dropLast().reversed() {
            result = MerkleTree.nodeHash(subtree, result)
        }
        return result
    }
}
