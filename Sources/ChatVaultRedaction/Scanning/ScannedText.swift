import ChatVaultCore
import Foundation

/// One message prepared for the recognizers: the scalars they read and its words, folded
/// for cue lookup.
///
/// The recognizers read ``TextFolding``'s visible view (invisible characters dropped,
/// full-width and other-script digits as ASCII, NBSP and thin spaces as spaces, Unicode
/// dashes as `-`), so `4111\u{200B}1111…` is one number. Their offsets are in that view;
/// ``originalRange(_:_:)`` maps a find back to the scalars as written, invisible
/// characters inside the value included.
struct ScannedText {
    /// A run of letters and digits. `folded` is lowercased with diacritics removed.
    struct Token {
        var start: Int
        var end: Int
        var folded: String
        var hasDigit: Bool
        var hasLetter: Bool
        /// `WordSketch.of(folded.utf8)`, for quick rejection by word sets and cue lexicons.
        var sketch: Int
    }

    /// The scalars the recognizers read (the visible view); offsets of finds are in these.
    let scalars: [Unicode.Scalar]
    /// The message's scalars as written (offsets of redaction records are in these).
    let original: [Unicode.Scalar]
    /// Where each scalar of `scalars` came from, when the view differs from the original.
    let folding: TextFolding.Folded?
    let tokens: [Token]
    /// Which characters occur, so recognizers whose values need them can be skipped.
    let hasDigit: Bool
    let hasAt: Bool
    let hasColon: Bool
    let hasUppercase: Bool

    init(_ text: String) {
        var text = text
        // Most messages are ASCII: one byte is one scalar, so skip the UTF-8 decoder.
        let ascii = text.withUTF8 { bytes -> [Unicode.Scalar]? in
            bytes.contains { $0 >= 0x80 } ? nil : bytes.map { Unicode.Scalar($0) }
        }
        self.init(scalars: ascii ?? Array(text.unicodeScalars))
    }

    init(scalars original: [Unicode.Scalar]) {
        self.original = original
        let folding = TextFolding.visibleView(of: original)
        self.folding = folding
        let scalars = folding?.scalars ?? original
        self.scalars = scalars
        var tokens: [Token] = []
        var hasDigit = false
        var hasAt = false
        var hasColon = false
        var hasUppercase = false
        // One buffer for every ASCII token's folded bytes: no allocation per word.
        var ascii: [UInt8] = []
        ascii.reserveCapacity(32)
        var index = 0
        let count = scalars.count
        while index < count {
            let scalar = scalars[index]
            guard Self.isAlnum(scalar) else {
                if scalar == "@" {
                    hasAt = true
                } else if scalar == ":" {
                    hasColon = true
                } else if scalar.value >= 0x80, scalar.properties.isUppercase {
                    hasUppercase = true
                }
                index += 1
                continue
            }
            let start = index
            var tokenHasDigit = false
            var tokenHasLetter = false
            ascii.removeAll(keepingCapacity: true)
            var folded: String.UnicodeScalarView?
            while index < count, Self.isAlnum(scalars[index]) {
                let scalar = scalars[index]
                let v = scalar.value
                if v < 0x80 {
                    if Self.isDigit(scalar) { tokenHasDigit = true } else { tokenHasLetter = true }
                    let isUpper = v >= 0x41 && v <= 0x5A
                    if isUpper { hasUppercase = true }
                    let lower = UInt8(isUpper ? v + 32 : v)
                    if folded == nil { ascii.append(lower) } else { folded!.append(Unicode.Scalar(lower)) }
                } else {
                    tokenHasLetter = true
                    if scalar.properties.isUppercase { hasUppercase = true }
                    if folded == nil { folded = String.UnicodeScalarView(String(decoding: ascii, as: UTF8.self).unicodeScalars) }
                    folded!.append(contentsOf: Self.fold(scalar))
                }
                index += 1
            }
            hasDigit = hasDigit || tokenHasDigit
            let text = folded.map(String.init) ?? String(decoding: ascii, as: UTF8.self)
            let sketch = folded == nil ? WordSketch.of(ascii) : WordSketch.of(text.utf8)
            tokens.append(Token(start: start, end: index, folded: text, hasDigit: tokenHasDigit, hasLetter: tokenHasLetter, sketch: sketch))
        }
        self.tokens = tokens
        self.hasDigit = hasDigit
        self.hasAt = hasAt
        self.hasColon = hasColon
        self.hasUppercase = hasUppercase
    }

    var count: Int { scalars.count }

    subscript(_ offset: Int) -> Unicode.Scalar? {
        offset >= 0 && offset < scalars.count ? scalars[offset] : nil
    }

    func isDigit(at offset: Int) -> Bool { self[offset].map(Self.isDigit) ?? false }
    func isAlnum(at offset: Int) -> Bool { self[offset].map(Self.isAlnum) ?? false }
    func isLetter(at offset: Int) -> Bool { self[offset].map { Self.isAlnum($0) && !Self.isDigit($0) } ?? false }
    func digitValue(at offset: Int) -> Int { Int(scalars[offset].value) - 0x30 }
    func isScalar(_ offset: Int, in set: String) -> Bool {
        guard let scalar = self[offset] else { return false }
        return set.unicodeScalars.contains(scalar)
    }

    /// The text of `start..<end`.
    func string(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }

    /// The original range of `start..<end` in the view.
    func originalRange(_ start: Int, _ end: Int) -> Range<Int> {
        folding?.originalRange(start, end) ?? start..<end
    }

    /// The original text of `start..<end`, in original offsets.
    func originalString(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: original[start..<end])
        return String(view)
    }

    /// Index of the first token that ends after `offset` (the token containing or following it).
    func tokenIndex(atOrAfter offset: Int) -> Int {
        var low = 0
        var high = tokens.count
        while low < high {
            let mid = (low + high) / 2
            if tokens[mid].end <= offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Index of the token starting exactly at `offset`, if any.
    func token(startingAt offset: Int) -> Int? {
        let index = tokenIndex(atOrAfter: offset)
        return index < tokens.count && tokens[index].start == offset ? index : nil
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }

    static func isAlnum(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A) }
        return scalar.properties.isAlphabetic && !scalar.properties.isDefaultIgnorableCodePoint
    }

    /// `properties.isUppercase`, answered without a table lookup for ASCII.
    static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? scalar.value >= 0x41 && scalar.value <= 0x5A : scalar.properties.isUppercase
    }

    /// `properties.isLowercase`, answered without a table lookup for ASCII.
    static func isLowercase(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x80 ? scalar.value >= 0x61 && scalar.value <= 0x7A : scalar.properties.isLowercase
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\u{A0}" || scalar == "\u{202F}" || scalar == "\t"
    }

    /// Lowercase without diacritics, for comparing cue words (`Geburtsdatum`, `número`).
    static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        TextFolding.foldedLetters(scalar)
    }
}
