import ChatVaultCore
import ChatVaultRedaction
import Foundation

/// The matching form of words: ``TextFolding``'s word form (NFKC, case and diacritics
/// folded, invisible characters dropped, Cyrillic and Greek look-alikes mapped to Latin),
/// the same routine the redactor's keyword automaton and search use.
///
/// Patterns and messages are both folded, so matching on the folded form finds every
/// match of the plain normal form and also `guаranteed` written with a Cyrillic `а`.
/// Invisible characters and combining marks inside a word do not split it (a soft
/// hyphen or zero-width space is simply skipped); spaces and punctuation do.
enum WordFolding {
    /// The folded scalars one original scalar becomes: word scalars, 0 for a separator,
    /// nothing when it is invisible. The shared ``TextFolding/wordPieces(_:)``.
    @inline(__always)
    static func pieces(_ scalar: Unicode.Scalar) -> [UInt32] {
        TextFolding.wordPieces(scalar)
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
