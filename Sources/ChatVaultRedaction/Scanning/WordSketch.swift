/// A 12-bit summary of a folded word: its length and its first and last bytes.
///
/// Made for speed: the cue lexicons and word sets are asked about nearly every word of every
/// message, and nearly every answer is no. A bit test on the sketch answers most of those
/// without hashing a string.
enum WordSketch {
    static func of(_ utf8: some Collection<UInt8>) -> Int {
        guard let first = utf8.first else { return 0 }
        var last = first
        var count = 0
        for byte in utf8 {
            last = byte
            count += 1
        }
        return (count & 0xF) << 8 | Int(first &* 31 &+ last)
    }

    /// The sketches of a set of words; `mayContain` is false only for words not in the set.
    struct Filter: Sendable {
        private var bits = [UInt64](repeating: 0, count: 64)

        mutating func insert(_ word: String) {
            let sketch = WordSketch.of(word.utf8)
            bits[sketch >> 6] |= 1 << UInt64(sketch & 63)
        }

        func mayContain(_ sketch: Int) -> Bool {
            bits[sketch >> 6] & (1 << UInt64(sketch & 63)) != 0
        }
    }
}
