import Foundation

/// The normal form in which text is indexed and queried.
///
/// Index and query go through the same function, so a query matches however the
/// text was written: compatibility forms are unified (NFKD then recomposed, which is
/// NFKC: full-width letters, ligatures, superscripts), case is folded and accents on
/// Latin, Greek and Cyrillic letters are dropped (`Ünïcode` → `unicode`),
/// and invisible characters are removed (zero-width spaces and joiners, soft hyphens,
/// direction overrides), so `p​a​s​s​w​o​r​d` with zero-width spaces is `password`.
/// Look-alike letters from other scripts (a Cyrillic `а`) are *not* folded here:
/// that is the policy engine's skeleton form.
public enum SearchText {
    /// The normalised form of `text`.
    public static func normalize(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return asciiLowercased(text)
        }
        // Decompose (NFKD), drop invisible characters, and drop combining marks only where
        // they are accents on Latin, Greek or Cyrillic letters: in other scripts (Japanese
        // dakuten, Indic vowel signs) a mark changes the letter, so it stays. Then recompose.
        var kept = String.UnicodeScalarView()
        var baseIsAccentable = false
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if scalar.value < 0x80 {
                kept.append(scalar)
                baseIsAccentable = true
                continue
            }
            if TextFolding.isInvisible(scalar) { continue }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark:
                if baseIsAccentable { continue }
                kept.append(scalar)
            default:
                kept.append(scalar)
                baseIsAccentable = isAccentableBase(scalar)
            }
        }
        return String(kept).precomposedStringWithCanonicalMapping.lowercased()
    }

    /// Latin, Greek and Cyrillic letters, whose combining marks are accents to fold.
    static func isAccentableBase(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00C0...0x052F, 0x1E00...0x1FFF, 0x2C60...0x2C7F, 0xA640...0xA69F, 0xA720...0xA7FF: return true
        default: return false
        }
    }

    /// Whether a scalar is invisible or a combining mark: ``TextFolding/isInvisibleOrMark(_:)``.
    @inlinable
    public static func isInvisibleOrMark(_ scalar: Unicode.Scalar) -> Bool {
        TextFolding.isInvisibleOrMark(scalar)
    }

    /// Whether a scalar of normalised text belongs to a word: ``TextFolding/isWordScalar(_:)``.
    @inlinable
    public static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        TextFolding.isWordScalar(scalar)
    }

    /// The words of already normalised text, in order.
    public static func words(ofNormalized text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    /// The words of `text` in normal form: `"Multi-Agent"` → `["multi", "agent"]`.
    public static func words(_ text: String) -> [String] {
        words(ofNormalized: normalize(text))
    }

    /// A word of the original text: where it stands and its normal form. Invisible
    /// characters inside a word do not split it, so highlights land on what a person sees.
    public struct Word: Sendable, Equatable {
        public var range: Range<String.Index>
        public var normalized: String
    }

    /// The words of `text` with their ranges in `text` itself, for highlighting.
    public static func locatedWords(in text: String) -> [Word] {
        var result: [Word] = []
        var start: String.Index?
        var end = text.startIndex
        var normalized = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            let piece: String
            if let ascii = character.asciiValue {
                // Most chat text is ASCII: skip building and normalising a String per character.
                piece = ascii >= 0x41 && ascii <= 0x5A ? String(Unicode.Scalar(ascii + 32)) : String(character)
            } else {
                piece = normalize(String(character))
            }
            if piece.isEmpty {
                // Invisible: neither a word character nor a separator.
            } else if piece.unicodeScalars.allSatisfy(isWordScalar) {
                if start == nil { start = index }
                normalized += piece
                end = next
            } else {
                if let s = start { result.append(Word(range: s..<end, normalized: normalized)) }
                start = nil
                normalized = ""
            }
            index = next
        }
        if let s = start { result.append(Word(range: s..<end, normalized: normalized)) }
        return result
    }

    private static func asciiLowercased(_ text: String) -> String {
        var needsChange = false
        for byte in text.utf8 where byte >= 0x41 && byte <= 0x5A {
            needsChange = true
            break
        }
        guard needsChange else { return text }
        return String(unsafeUninitializedCapacity: text.utf8.count) { buffer in
            var i = 0
            for byte in text.utf8 {
                buffer[i] = (byte >= 0x41 && byte <= 0x5A) ? byte + 32 : byte
                i += 1
            }
            return i
        }
    }
}
