import Foundation

/// A hash table from folded words (their UTF-8 bytes) to small values, looked up with the
/// bytes and hash a ``ScannedText/Token`` already holds, so no `String` is built or hashed.
///
/// Made for speed: the word sets, cue lexicons and the name gazetteer are asked about
/// nearly every word of every message. Open addressing with linear probing over a
/// power-of-two array of slots, each keeping the word's full hash: a miss is one or two
/// integer comparisons, a hit one comparison of the bytes.
///
/// Words are compared as `String`s compare them (canonical equivalence): a word is stored
/// and looked up in its canonical decomposition (``key(_:)``), the form token folding
/// produces anyway.
struct FoldedWordTable: Sendable {
    /// The FNV-1a hash of a word's bytes, as ``ScannedText`` computes it for each token.
    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* prime
    }

    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash = seed
        for byte in bytes { hash = step(hash, byte) }
        return hash
    }

    private struct Slot {
        var hash: UInt64
        /// Where the word's bytes start in `bytes`; -1 for an empty slot.
        var start: Int32
        var count: Int32
        var value: Int32
    }

    private var slots: [Slot]
    private var bytes: [UInt8] = []
    /// One bit per 12-bit slice of the words' hashes: most words of a message are in no
    /// small table, and this answers them with one bit test.
    private var filter = [UInt64](repeating: 0, count: 64)
    private var mask: Int
    private(set) var count = 0

    /// A table sized for about `capacity` words (it grows when needed).
    init(capacity: Int = 8) {
        var size = 8
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(hash: 0, start: -1, count: 0, value: 0), count: size)
        mask = size - 1
    }

    /// Whether a word with this hash may be in the table (false: it is not).
    @inline(__always)
    func mayContain(hash: UInt64) -> Bool {
        let bit = Int(truncatingIfNeeded: hash >> 52)
        return filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    /// The value stored for the word, or nil.
    @inline(__always)
    func value(hash: UInt64, bytes word: UnsafeBufferPointer<UInt8>) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = slots[index]
                if slot.start < 0 { return nil }
                if slot.hash == hash, Int(slot.count) == word.count, equals(slot, word) { return slot.value }
                index = (index + 1) & mask
            }
        }
    }

    func value(of word: String) -> Int32? {
        var key = Self.key(word)
        return key.withUTF8 { value(hash: Self.hash($0), bytes: $0) }
    }

    /// The form a word is stored and looked up in: its canonical decomposition, so that two
    /// spellings `==` calls equal (`é` as one scalar or two) are one key.
    static func key(_ word: String) -> String {
        word.utf8.allSatisfy { $0 < 0x80 } ? word : word.decomposedStringWithCanonicalMapping
    }

    func contains(_ word: String) -> Bool { value(of: word) != nil }

    private func equals(_ slot: Slot, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { stored in
            var offset = Int(slot.start)
            for byte in word {
                guard stored[offset] == byte else { return false }
                offset += 1
            }
            return true
        }
    }

    /// Stores `value` for the word, or, when the word is already there, what `merge` makes
    /// of the stored value and `value`.
    mutating func insert(_ word: UnsafeBufferPointer<UInt8>, value: Int32, merge: (Int32, Int32) -> Int32 = { $1 }) {
        let hash = Self.hash(word)
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index].start >= 0 {
            if slots[index].hash == hash, Int(slots[index].count) == word.count, equals(slots[index], word) {
                slots[index].value = merge(slots[index].value, value)
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = Slot(hash: hash, start: Int32(bytes.count), count: Int32(word.count), value: value)
        let bit = Int(truncatingIfNeeded: hash >> 52)
        filter[bit >> 6] |= 1 << UInt64(bit & 63)
        bytes.append(contentsOf: word)
        count += 1
        if count * 2 > slots.count { grow() }
    }

    mutating func insert(_ word: String, value: Int32, merge: (Int32, Int32) -> Int32 = { $1 }) {
        var word = Self.key(word)
        word.withUTF8 { insert($0, value: value, merge: merge) }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, start: -1, count: 0, value: 0), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.start >= 0 {
            var index = Int(truncatingIfNeeded: slot.hash) & mask
            while slots[index].start >= 0 { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    /// Every word with its value, in no particular order.
    var entries: [(word: String, value: Int32)] {
        slots.compactMap { slot in
            guard slot.start >= 0 else { return nil }
            let start = Int(slot.start)
            return (String(decoding: bytes[start..<start + Int(slot.count)], as: UTF8.self), slot.value)
        }
    }
}
