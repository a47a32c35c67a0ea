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
    /// A run of letters and digits. Its folded form (lowercased, diacritics removed) is
    /// kept as UTF-8 bytes in the message's ``foldedBytes``, with their hash: word sets,
    /// cue lexicons and the gazetteer look a token up without building a string
    /// (``FoldedWordTable``), and a token is plain data, copied without reference counting.
    struct Token {
        var start: Int
        var end: Int
        /// Where the folded form's bytes are in ``ScannedText/foldedBytes``.
        var foldedStart: Int32
        var foldedEnd: Int32
        /// ``FoldedWordTable/hash(_:)`` of the folded bytes.
        var hash: UInt64
        var hasDigit: Bool
        var hasLetter: Bool

        var foldedCount: Int { Int(foldedEnd - foldedStart) }
    }

    /// The scalars the recognizers read (the visible view); offsets of finds are in these.
    let scalars: [Unicode.Scalar]
    /// The message's scalars as written (offsets of redaction records are in these).
    let original: [Unicode.Scalar]
    /// Where each scalar of `scalars` came from, when the view differs from the original.
    let folding: TextFolding.Folded?
    let tokens: [Token]
    /// The folded forms of all tokens, one after another, in canonical decomposition
    /// (``FoldedWordTable/key(_:)``); ``Token/foldedStart`` says where each is.
    let foldedBytes: [UInt8]
    /// Which characters occur, so recognizers whose values need them can be skipped.
    let hasDigit: Bool
    let hasAt: Bool
    let hasColon: Bool
    let hasUppercase: Bool
    /// How many digits, full stops and colons the view holds: recognizers whose values
    /// need more of them than a message has (a card thirteen digits, an IPv4 address three
    /// dots) are skipped.
    let digitCount: Int
    let dotCount: Int
    let colonCount: Int

    init(_ text: String) {
        var text = text
        // Most messages are ASCII: one byte is one scalar, the view is the text as written
        // and a word's folded form is its bytes in lower case, so one pass over the bytes
        // does it all.
        if let ascii = text.withUTF8({ Self.ascii($0) }) {
            self = ascii
        } else {
            self.init(scalars: Array(text.unicodeScalars))
        }
    }

    private init(
        original: [Unicode.Scalar], folding: TextFolding.Folded?, tokens: [Token], foldedBytes: [UInt8], hasAt: Bool, hasColon: Bool,
        hasUppercase: Bool, digitCount: Int, dotCount: Int, colonCount: Int
    ) {
        self.original = original
        self.folding = folding
        self.scalars = folding?.scalars ?? original
        self.tokens = tokens
        self.foldedBytes = foldedBytes
        self.hasDigit = digitCount > 0
        self.hasAt = hasAt
        self.hasColon = hasColon
        self.hasUppercase = hasUppercase
        self.digitCount = digitCount
        self.dotCount = dotCount
        self.colonCount = colonCount
    }

    /// The scanned form of an all-ASCII message, or nil when a byte is not ASCII.
    private static func ascii(_ bytes: UnsafeBufferPointer<UInt8>) -> ScannedText? {
        let count = bytes.count
        var isASCII = true
        let scalars = [Unicode.Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                let byte = bytes[index]
                if byte >= 0x80 {
                    isASCII = false
                    break
                }
                buffer[index] = Unicode.Scalar(byte)
            }
            initialized = isASCII ? count : 0
        }
        guard isASCII else { return nil }
        var tokens: [Token] = []
        tokens.reserveCapacity(count / 4)
        var hasAt = false
        var hasUppercase = false
        var digitCount = 0
        var dotCount = 0
        var colonCount = 0
        let classes = asciiClasses
        // A token's folded form is its bytes in lower case; bytes that are no part of a word
        // are left out, so the folded bytes are at most as many as the message's.
        let folded = [UInt8](unsafeUninitializedCapacity: max(count, 1)) { lowered, initialized in
            var index = 0
            var out = 0
            while index < count {
                let byte = bytes[index]
                let kind = classes[Int(byte)]
                guard kind != 0 else {
                    if byte == 0x40 {
                        hasAt = true
                    } else if byte == 0x3A {
                        colonCount += 1
                    } else if byte == 0x2E {
                        dotCount += 1
                    }
                    index += 1
                    continue
                }
                let start = index
                let foldedStart = out
                var tokenHasDigit = false
                var tokenHasLetter = false
                var hash = FoldedWordTable.seed
                while index < count {
                    let byte = bytes[index]
                    let kind = classes[Int(byte)]
                    if kind == 0 { break }
                    let lower: UInt8
                    if kind == 1 {
                        tokenHasDigit = true
                        digitCount += 1
                        lower = byte
                    } else if kind == 2 {
                        tokenHasLetter = true
                        hasUppercase = true
                        lower = byte | 0x20
                    } else {
                        tokenHasLetter = true
                        lower = byte
                    }
                    lowered[out] = lower
                    hash = FoldedWordTable.step(hash, lower)
                    out += 1
                    index += 1
                }
                tokens.append(
                    Token(
                        start: start, end: index, foldedStart: Int32(foldedStart), foldedEnd: Int32(out), hash: hash, hasDigit: tokenHasDigit,
                        hasLetter: tokenHasLetter))
            }
            initialized = out
        }
        return ScannedText(
            original: scalars, folding: nil, tokens: tokens, foldedBytes: folded, hasAt: hasAt, hasColon: colonCount > 0,
            hasUppercase: hasUppercase, digitCount: digitCount, dotCount: dotCount, colonCount: colonCount)
    }

    /// Per ASCII byte: 0 not part of a word, 1 a digit, 2 a capital, 3 a small letter.
    private static let asciiClasses: [UInt8] = (0..<256).map { byte in
        switch byte {
        case 0x30...0x39: 1
        case 0x41...0x5A: 2
        case 0x61...0x7A: 3
        default: 0
        }
    }

    init(scalars original: [Unicode.Scalar]) {
        let folding = TextFolding.visibleView(of: original)
        let scalars = folding?.scalars ?? original
        let count = scalars.count
        var tokens: [Token] = []
        var hasAt = false
        var hasColon = false
        var hasUppercase = false
        var digitCount = 0
        var dotCount = 0
        var colonCount = 0
        // One buffer for every token's folded bytes: no allocation per word.
        var foldedBytes: [UInt8] = []
        foldedBytes.reserveCapacity(count)
        var index = 0
        while index < count {
            let scalar = scalars[index]
            guard Self.isAlnum(scalar) else {
                if scalar == "@" {
                    hasAt = true
                } else if scalar == ":" {
                    hasColon = true
                    colonCount += 1
                } else if scalar == "." {
                    dotCount += 1
                } else if scalar.value >= 0x80, scalar.properties.isUppercase {
                    hasUppercase = true
                }
                index += 1
                continue
            }
            let start = index
            var tokenHasDigit = false
            var tokenHasLetter = false
            let foldedStart = foldedBytes.count
            var folded: String.UnicodeScalarView?
            while index < count, Self.isAlnum(scalars[index]) {
                let scalar = scalars[index]
                let v = scalar.value
                if v < 0x80 {
                    if Self.isDigit(scalar) {
                        tokenHasDigit = true
                        digitCount += 1
                    } else {
                        tokenHasLetter = true
                    }
                    let isUpper = v >= 0x41 && v <= 0x5A
                    if isUpper { hasUppercase = true }
                    let lower = UInt8(isUpper ? v + 32 : v)
                    if folded == nil { foldedBytes.append(lower) } else { folded!.append(Unicode.Scalar(lower)) }
                } else {
                    tokenHasLetter = true
                    if scalar.properties.isUppercase { hasUppercase = true }
                    if folded == nil {
                        folded = String.UnicodeScalarView(String(decoding: foldedBytes[foldedStart...], as: UTF8.self).unicodeScalars)
                    }
                    folded!.append(contentsOf: Self.fold(scalar))
                }
                index += 1
            }
            if let folded {
                // Not ASCII: the bytes in the form the tables hold (canonical decomposition).
                foldedBytes.removeSubrange(foldedStart...)
                foldedBytes.append(contentsOf: FoldedWordTable.key(String(folded)).utf8)
            }
            tokens.append(
                Token(
                    start: start, end: index, foldedStart: Int32(foldedStart), foldedEnd: Int32(foldedBytes.count),
                    hash: FoldedWordTable.hash(foldedBytes[foldedStart...]), hasDigit: tokenHasDigit, hasLetter: tokenHasLetter))
        }
        self.init(
            original: original, folding: folding, tokens: tokens, foldedBytes: foldedBytes, hasAt: hasAt, hasColon: hasColon,
            hasUppercase: hasUppercase, digitCount: digitCount, dotCount: dotCount, colonCount: colonCount)
    }

    var count: Int { scalars.count }

    /// The folded form of a token as a string (for the rare checks no table answers).
    func folded(_ token: Token) -> String {
        String(decoding: foldedBytes[Int(token.foldedStart)..<Int(token.foldedEnd)], as: UTF8.self)
    }

    /// Whether a token's folded form is `word` (ASCII).
    func isFolded(_ token: Token, _ word: StaticString) -> Bool {
        guard token.foldedCount == word.utf8CodeUnitCount else { return false }
        let bytes = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        var offset = Int(token.foldedStart)
        for byte in bytes {
            guard foldedBytes[offset] == byte else { return false }
            offset += 1
        }
        return true
    }

    /// A token's folded bytes.
    func foldedSlice(_ token: Token) -> ArraySlice<UInt8> {
        foldedBytes[Int(token.foldedStart)..<Int(token.foldedEnd)]
    }

    /// Calls `body` with a token's folded bytes.
    func withFoldedBytes<Result>(_ token: Token, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        foldedBytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(token.foldedStart)..<Int(token.foldedEnd)])) }
    }

    subscript(_ offset: Int) -> Unicode.Scalar? {
        offset >= 0 && offset < scalars.count ? scalars[offset] : nil
    }

    func isDigit(at offset: Int) -> Bool { self[offset].map(Self.isDigit) ?? false }
    func isAlnum(at offset: Int) -> Bool { self[offset].map(Self.isAlnum) ?? false }
    func isLetter(at offset: Int) -> Bool { self[offset].map { Self.isAlnum($0) && !Self.isDigit($0) } ?? false }
    func digitValue(at offset: Int) -> Int { Int(scalars[offset].value) - 0x30 }
    func isScalar(_ offset: Int, in set: StaticString) -> Bool {
        guard let scalar = self[offset] else { return false }
        return Self.contains(set, scalar)
    }

    /// Whether `scalar` is one of the scalars of `set`, read from its UTF-8 bytes without
    /// building a string (asked of nearly every scalar by some recognizer).
    static func contains(_ set: StaticString, _ scalar: Unicode.Scalar) -> Bool {
        guard set.hasPointerRepresentation else { return set.unicodeScalar == scalar }
        let bytes = UnsafeBufferPointer(start: set.utf8Start, count: set.utf8CodeUnitCount)
        let value = scalar.value
        // A byte below 0x80 is never part of a longer UTF-8 sequence.
        if value < 0x80 { return bytes.contains(UInt8(truncatingIfNeeded: value)) }
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while case .scalarValue(let member) = decoder.decode(&iterator) {
            if member == scalar { return true }
        }
        return false
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
