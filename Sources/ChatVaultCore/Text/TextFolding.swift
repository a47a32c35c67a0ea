import Foundation

/// The one folding routine behind every text matcher: the redactor's recognizers, the
/// keyword automaton, the policy lexicons and full-text search.
///
/// It answers three questions the same way for all of them:
///
/// - what is *invisible* (zero-width space, joiner and non-joiner, word joiner U+2060,
///   BOM U+FEFF, soft hyphen U+00AD, bidi marks, embeddings, overrides and isolates,
///   and every other default-ignorable or format character): dropped, never a separator;
/// - what a scalar *reads as*: ``visible(_:)`` gives the one-to-one view the recognizers
///   scan (full-width `４` is `4`, any decimal digit is its ASCII digit, NBSP and thin
///   spaces are a space, Unicode dashes are `-`); ``wordPieces(_:)`` gives the word form
///   the keyword automaton and the policy match (NFKC, case and diacritics folded,
///   Cyrillic and Greek look-alikes mapped to Latin, everything else a separator);
/// - where each folded scalar came from: ``Folded`` keeps the original offset of every
///   scalar, so a value found in folded text is masked as it was written, invisible
///   characters included.
public enum TextFolding {
    /// Whether a scalar is invisible: default-ignorable or a format character.
    @inlinable
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0xAD { return false }
        if v == 0xAD || (v >= 0x200B && v <= 0x200F) || (v >= 0x202A && v <= 0x202E) || (v >= 0x2060 && v <= 0x206F) || v == 0xFEFF {
            return true
        }
        let properties = scalar.properties
        return properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format
    }

    /// Whether a scalar is invisible or a combining mark (nonspacing or enclosing).
    @inlinable
    public static func isInvisibleOrMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return false }
        if isInvisible(scalar) { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return true
        default: return false
        }
    }

    /// Whether a scalar belongs to a word, as SQLite's `unicode61` tokenizer sees it
    /// (letters, numbers and private-use characters).
    @inlinable
    public static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 {
            let v = scalar.value
            return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .privateUse:
            return true
        default:
            return false
        }
    }

    // MARK: - The recognizers' view: one scalar in, at most one out

    /// What a scalar reads as for the recognizers, or nil when it is invisible.
    ///
    /// One-to-one so that offsets stay simple: full-width ASCII (`＋４９`, `＠`) becomes
    /// ASCII, a decimal digit of any script its ASCII digit, every space separator a space,
    /// line and paragraph separators a new line, Unicode hyphens, en dashes and minus `-`,
    /// typographic quotes plain quotes. Letters keep their case and accents.
    @inlinable
    public static func visible(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        if v < 0x80 { return scalar }
        return nonASCIIVisible(scalar)
    }

    @usableFromInline
    static func nonASCIIVisible(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        switch v {
        case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return " "
        case 0x2028, 0x2029, 0x85: return "\n"
        // Hyphens, figure and en dashes, minus; an em dash (U+2014) stays, as it parts clauses.
        case 0x2010...0x2013, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return "-"
        case 0x2018, 0x2019, 0x201A, 0x201B: return "'"
        case 0x201C, 0x201D, 0x201E, 0x201F: return "\""
        case 0xFF01...0xFF5E: return Unicode.Scalar(v - 0xFEE0)
        default: break
        }
        if isInvisible(scalar) { return nil }
        let properties = scalar.properties
        if properties.generalCategory == .decimalNumber, let value = properties.numericValue, value >= 0, value <= 9 {
            return Unicode.Scalar(0x30 + UInt32(value))
        }
        return scalar
    }

    /// Text folded to a new scalar sequence, with the original offset of each folded scalar.
    public struct Folded: Sendable, Equatable {
        /// The folded scalars.
        public var scalars: [Unicode.Scalar]
        /// For each folded scalar, the offset of the original scalar it came from.
        public var origin: [Int]
        /// How many scalars the original had.
        public var originalCount: Int

        public init(scalars: [Unicode.Scalar] = [], origin: [Int] = [], originalCount: Int = 0) {
            self.scalars = scalars
            self.origin = origin
            self.originalCount = originalCount
        }

        /// The original range `start..<end` of folded text covers: from the first folded
        /// scalar's origin to just after the last one's, so invisible characters written
        /// inside the value are inside the range too.
        public func originalRange(_ start: Int, _ end: Int) -> Range<Int> {
            guard start < end, start < origin.count else {
                let at = start < origin.count ? origin[start] : originalCount
                return at..<at
            }
            return origin[start]..<(origin[min(end, origin.count) - 1] + 1)
        }
    }

    /// The recognizers' view of `scalars`, or nil when it equals the original (the common
    /// case: plain text with no invisible or compatibility characters).
    public static func visibleView(of scalars: [Unicode.Scalar]) -> Folded? {
        guard let first = scalars.firstIndex(where: { $0.value >= 0x80 && visible($0) != $0 }) else { return nil }
        var folded = Folded(originalCount: scalars.count)
        folded.scalars.reserveCapacity(scalars.count)
        folded.origin.reserveCapacity(scalars.count)
        folded.scalars.append(contentsOf: scalars[..<first])
        folded.origin.append(contentsOf: 0..<first)
        for offset in first..<scalars.count {
            guard let scalar = visible(scalars[offset]) else { continue }
            folded.scalars.append(scalar)
            folded.origin.append(offset)
        }
        return folded
    }

    // MARK: - The word form: keyword lists, policy lexicons

    /// The word-form scalars one original scalar becomes: word scalars (lowercased, NFKC,
    /// diacritics and invisible characters dropped, look-alikes mapped to Latin), `0` for a
    /// separator (space, punctuation, symbol), nothing when it is invisible or a mark.
    @inlinable
    public static func wordPieces(_ scalar: Unicode.Scalar) -> [UInt32] {
        let v = scalar.value
        if v < 0x80 {
            if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) { return [v] }
            if v >= 0x41 && v <= 0x5A { return [v + 32] }
            return [0]
        }
        return nonASCIIWordPieces(scalar)
    }

    @usableFromInline
    static func nonASCIIWordPieces(_ scalar: Unicode.Scalar) -> [UInt32] {
        let v = scalar.value
        // Latin, Greek, Cyrillic, Hebrew and Arabic letters are answered from a table built
        // once with the same routine: the normal-form conversion is slow, and it is asked of
        // every scalar of a message that is not ASCII.
        if v >= 0x80 && v < tableEnd { return wordPiecesTable[Int(v) - 0x80] }
        return computedWordPieces(scalar)
    }

    /// The scalars below this have their folded forms in a table.
    static let tableEnd: UInt32 = 0x800

    static let wordPiecesTable: [[UInt32]] = (0x80..<tableEnd).map { computedWordPieces(Unicode.Scalar($0)!) }

    static let foldedLettersTable: [[Unicode.Scalar]] = (0..<tableEnd).map { computedFoldedLetters(Unicode.Scalar($0)!) }

    /// ``wordPieces(_:)`` of a scalar that is not ASCII, worked out (the tables hold its
    /// answers for the common scalars).
    static func computedWordPieces(_ scalar: Unicode.Scalar) -> [UInt32] {
        if isInvisibleOrMark(scalar) { return [] }
        var result: [UInt32] = []
        for piece in String(scalar).decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            if isWordScalar(piece) {
                result.append(lookAlikes[piece.value] ?? piece.value)
            } else if !isInvisibleOrMark(piece) {
                result.append(0)
            }
        }
        return result
    }

    /// The word form of `scalars`, every run of separators one `separator`, with the
    /// original offset of each folded scalar.
    public static func wordForm(of scalars: [Unicode.Scalar], separator: Unicode.Scalar = " ") -> Folded {
        var folded = Folded(originalCount: scalars.count)
        folded.scalars.reserveCapacity(scalars.count)
        folded.origin.reserveCapacity(scalars.count)
        for (offset, scalar) in scalars.enumerated() {
            let v = scalar.value
            if v < 0x80 {
                // `wordPieces` of an ASCII scalar, without an array for each.
                if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) {
                    folded.scalars.append(scalar)
                    folded.origin.append(offset)
                } else if v >= 0x41 && v <= 0x5A {
                    folded.scalars.append(Unicode.Scalar(UInt8(v + 32)))
                    folded.origin.append(offset)
                } else if folded.scalars.last != separator {
                    folded.scalars.append(separator)
                    folded.origin.append(offset)
                }
                continue
            }
            for piece in nonASCIIWordPieces(scalar) {
                if piece == 0 {
                    if folded.scalars.last != separator {
                        folded.scalars.append(separator)
                        folded.origin.append(offset)
                    }
                } else if let out = Unicode.Scalar(piece) {
                    folded.scalars.append(out)
                    folded.origin.append(offset)
                }
            }
        }
        return folded
    }

    /// Lowercase without diacritics or invisible characters, one scalar's worth, for
    /// comparing words (`Geburtsdatum`, `número`). Unlike ``wordPieces(_:)`` it keeps
    /// the script (no look-alike mapping), as cue words are matched in their own language.
    public static func foldedLetters(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        scalar.value < tableEnd ? foldedLettersTable[Int(scalar.value)] : computedFoldedLetters(scalar)
    }

    /// ``foldedLetters(_:)`` worked out (the table holds its answers for the common scalars).
    static func computedFoldedLetters(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        for piece in String(scalar).decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            if piece.value >= 0x80, isInvisibleOrMark(piece) { continue }
            result.append(piece)
        }
        return result
    }

    /// Cyrillic and Greek letters drawn like Latin ones, after lowercasing.
    public static let lookAlikes: [UInt32: UInt32] = {
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
