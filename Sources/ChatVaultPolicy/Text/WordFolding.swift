import ChatVaultCore
import ChatVaultRedaction
import Foundation

/// The matching form of words: the search normal form (NFKC, case and diacritics folded,
/// invisible characters dropped) with Cyrillic and Greek look-alikes mapped to Latin.
///
/// Patterns and messages are both folded, so matching on the folded form finds every
/// match of the plain normal form and also `guаranteed` written with a Cyrillic `а`.
/// Invisible characters and combining marks inside a word do not split it (a soft
/// hyphen or zero-width space is simply skipped); spaces and punctuation do.
enum WordFolding {
    /// The folded scalars one original scalar becomes: word scalars, 0 for a separator,
    /// nothing when it is invisible.
    static func pieces(_ scalar: Unicode.Scalar) -> [UInt32] {
        let v = scalar.value
        if v < 0x80 {
            if TermTrie.column(UInt8(v)) >= 0 { return [v | (v >= 0x41 && v <= 0x5A ? 0x20 : 0)] }
            return [0]
        }
        if SearchText.isInvisibleOrMark(scalar) { return [] }
        var result: [UInt32] = []
        for piece in String(scalar).decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            if SearchText.isWordScalar(piece) {
                result.append(NormalizedText.lookAlikes[piece.value] ?? piece.value)
            } else if !SearchText.isInvisibleOrMark(piece) {
                result.append(0)
            }
        }
        return result
    }

    /// The folded words of `text`, each as UTF-8 bytes.
    static func words(_ text: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var current: [UInt8] = []
        for scalar in text.unicodeScalars {
            for piece in pieces(scalar) {
                if piece == 0 {
                    if !current.isEmpty { words.append(current) }
                    current = []
                } else {
                    appendUTF8(piece, to: &current)
                }
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    @inline(__always)
    static func appendUTF8(_ value: UInt32, to bytes: inout [UInt8]) {
        guard let scalar = Unicode.Scalar(value) else { return }
        UTF8.encode(scalar) { bytes.append($0) }
    }
}
