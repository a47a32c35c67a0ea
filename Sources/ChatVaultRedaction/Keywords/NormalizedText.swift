import ChatVaultCore
import Foundation

/// Text in the keyword normal form, with the original scalar offset of every scalar.
///
/// Compatibility forms are unified (NFKC: full-width letters, ligatures), case and
/// diacritics folded, invisible characters dropped (zero-width spaces and joiners, soft
/// hyphens, direction marks), a few Cyrillic and Greek look-alikes mapped to Latin, and
/// every run of spaces and punctuation becomes one space. So `Ｐ​ｒｏｊｅｃｔ—Fаlcon` reads
/// `project falcon`, and a match still points at what a person sees in the original.
package struct NormalizedText {
    static let separator: UInt32 = 0x20

    private(set) var scalars: [UInt32] = []
    /// For each normalised scalar, the offset of the original scalar it came from.
    private(set) var origin: [Int] = []

    init(_ original: [Unicode.Scalar]) {
        scalars.reserveCapacity(original.count)
        origin.reserveCapacity(original.count)
        for (offset, scalar) in original.enumerated() {
            let v = scalar.value
            if v < 0x80 {
                if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) {
                    append(v, from: offset)
                } else if v >= 0x41 && v <= 0x5A {
                    append(v + 32, from: offset)
                } else {
                    appendSeparator(from: offset)
                }
                continue
            }
            if SearchText.isInvisibleOrMark(scalar) { continue }
            for piece in Self.fold(scalar) {
                if SearchText.isWordScalar(piece) {
                    append(Self.lookAlikes[piece.value] ?? piece.value, from: offset)
                } else if !SearchText.isInvisibleOrMark(piece) {
                    appendSeparator(from: offset)
                }
            }
        }
    }

    /// Normalises a keyword phrase, trimming spaces at either end.
    static func phrase(_ text: String) -> [UInt32] {
        var scalars = NormalizedText(Array(text.unicodeScalars)).scalars
        while scalars.first == separator { scalars.removeFirst() }
        while scalars.last == separator { scalars.removeLast() }
        return scalars
    }

    private mutating func append(_ value: UInt32, from offset: Int) {
        scalars.append(value)
        origin.append(offset)
    }

    private mutating func appendSeparator(from offset: Int) {
        if scalars.last != Self.separator { append(Self.separator, from: offset) }
    }

    private static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        Array(String(scalar).decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars)
    }

    /// Cyrillic and Greek letters drawn like Latin ones, after lowercasing.
    package static let lookAlikes: [UInt32: UInt32] = {
        let pairs: [(Character, Character)] = [
            ("а", "a"), ("в", "b"), ("е", "e"), ("ё", "e"), ("к", "k"), ("м", "m"), ("н", "h"), ("о", "o"), ("р", "p"), ("с", "c"),
            ("т", "t"), ("у", "y"), ("х", "x"), ("і", "i"), ("ј", "j"), ("ѕ", "s"), ("ԁ", "d"), ("һ", "h"), ("ӏ", "l"),
            ("α", "a"), ("β", "b"), ("ε", "e"), ("ι", "i"), ("κ", "k"), ("ν", "v"), ("ο", "o"), ("ρ", "p"), ("τ", "t"), ("υ", "u"),
            ("χ", "x"),
        ]
        var table: [UInt32: UInt32] = [:]
        for (from, to) in pairs { table[from.unicodeScalars.first!.value] = to.unicodeScalars.first!.value }
        return table
    }()
}
