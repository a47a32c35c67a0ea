import Foundation

/// One message prepared for the recognizers: its Unicode scalars (all offsets are scalar
/// offsets, the unit of the redaction records) and its words, folded for cue lookup.
struct ScannedText {
    /// A run of letters and digits. `folded` is lowercased with diacritics removed.
    struct Token {
        var start: Int
        var end: Int
        var folded: String
        var hasDigit: Bool
        var hasLetter: Bool
    }

    let scalars: [Unicode.Scalar]
    let tokens: [Token]

    init(_ text: String) {
        self.init(scalars: Array(text.unicodeScalars))
    }

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
        var tokens: [Token] = []
        var index = 0
        let count = scalars.count
        while index < count {
            guard Self.isAlnum(scalars[index]) else {
                index += 1
                continue
            }
            let start = index
            var folded = String.UnicodeScalarView()
            var hasDigit = false
            var hasLetter = false
            while index < count, Self.isAlnum(scalars[index]) {
                let scalar = scalars[index]
                if scalar.value < 0x80 {
                    if Self.isDigit(scalar) { hasDigit = true } else { hasLetter = true }
                    folded.append(scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(scalar.value + 32)! : scalar)
                } else {
                    hasLetter = true
                    folded.append(contentsOf: Self.fold(scalar))
                }
                index += 1
            }
            tokens.append(Token(start: start, end: index, folded: String(folded), hasDigit: hasDigit, hasLetter: hasLetter))
        }
        self.tokens = tokens
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

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\u{A0}" || scalar == "\u{202F}" || scalar == "\t"
    }

    /// Lowercase without diacritics, for comparing cue words (`Geburtsdatum`, `número`).
    static func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        for piece in String(scalar).decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            switch piece.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: continue
            default: result.append(piece)
            }
        }
        return result
    }
}
