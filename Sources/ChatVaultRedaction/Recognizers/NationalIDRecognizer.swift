/// National identity numbers whose shape or checksum identifies them without a cue:
/// Spanish DNI (`12345678Z`, check letter mod 23) and NIE (`X1234567L`), Italian codice
/// fiscale (`RSSMRA85T10A562S`), UK National Insurance numbers (`QQ 12 34 56 C`, prefix
/// rules), Dutch BSN (nine digits, 11-proof) after a BSN cue. Reported as `PASSPORT`, the
/// gold type for identity documents.
enum NationalIDRecognizer {
    static let bsnCues = CueLexicon(["bsn", "burgerservicenummer", "sofinummer", "sofi"])

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        let tokens = text.tokens
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            let token = tokens[index]
            // A NINO may start with its letters alone (`QQ 12 34 56 C`).
            guard token.hasDigit || token.end - token.start == 2, text.isNumberStart(token.start) else { continue }
            let length = token.end - token.start
            var end: Int?
            if length == 9, token.hasLetter, isDNI(token, in: text) || isNIE(token, in: text) {
                end = token.end
            } else if length == 16, token.hasLetter, isCodiceFiscale(token, in: text) {
                end = token.end
            } else if token.hasLetter, length >= 2, length <= 9, isCapital(text.scalars[token.start]), isCapital(text.scalars[token.start + 1]),
                let last = nino(from: index, in: text)
            {
                end = tokens[last].end
                index = last
            } else if length == 9, !token.hasLetter, isBSN(token, in: text),
                bsnCues.distance(before: token.start, in: text, window: cueWindow) != nil
            {
                end = token.end
            }
            guard let end, text.isNumberEnd(end) || text.isScalar(end, in: ".,") else { continue }
            detections.append(
                Detection(start: token.start, end: end, pii: .passport, strength: Detection.format))
        }
    }

    private static let dniLetters = Array("TRWAGMYFPDXBNJZSQVHLCKE".unicodeScalars)

    /// Eight digits and the check letter of their value mod 23.
    static func isDNI(_ token: ScannedText.Token, in text: ScannedText) -> Bool {
        let s = token.start
        guard (s..<s + 8).allSatisfy({ text.isDigit(at: $0) }) else { return false }
        let value = (s..<s + 8).reduce(0) { $0 * 10 + text.digitValue(at: $1) }
        return upper(text.scalars[s + 8]) == dniLetters[value % 23]
    }

    /// X, Y or Z (for 0, 1, 2), seven digits and the DNI check letter.
    static func isNIE(_ token: ScannedText.Token, in text: ScannedText) -> Bool {
        let s = token.start
        guard let lead = "XYZ".unicodeScalars.firstIndex(of: upper(text.scalars[s])),
            (s + 1..<s + 8).allSatisfy({ text.isDigit(at: $0) })
        else { return false }
        let prefix = "XYZ".unicodeScalars.distance(from: "XYZ".unicodeScalars.startIndex, to: lead)
        let value = (s + 1..<s + 8).reduce(prefix) { $0 * 10 + text.digitValue(at: $1) }
        return upper(text.scalars[s + 8]) == dniLetters[value % 23]
    }

    /// Six letters, two digits, a month letter, two digits, a letter, three digits, a letter.
    static func isCodiceFiscale(_ token: ScannedText.Token, in text: ScannedText) -> Bool {
        let shape = Array("LLLLLLDDMDDLDDDL".unicodeScalars)
        for (k, kind) in shape.enumerated() {
            let scalar = upper(text.scalars[token.start + k])
            switch kind {
            case "D": guard ScannedText.isDigit(scalar) else { return false }
            case "M": guard ScannedText.contains("ABCDEHLMPRST", scalar) else { return false }
            default: guard scalar.value >= 0x41 && scalar.value <= 0x5A else { return false }
            }
        }
        return true
    }

    /// A UK National Insurance number starting at token `first`: two prefix letters, six
    /// digits (whole or in pairs) and a suffix letter A–D. Returns its last token.
    static func nino(from first: Int, in text: ScannedText) -> Int? {
        var characters: [Unicode.Scalar] = []
        var last = first
        var index = first
        while index < text.tokens.count, characters.count < 9 {
            let token = text.tokens[index]
            if index > first {
                guard token.start - text.tokens[index - 1].end == 1, text.isScalar(token.start - 1, in: " -") else { break }
            }
            characters += text.scalars[token.start..<token.end].map(upper)
            last = index
            index += 1
        }
        guard characters.count == 9 else { return nil }
        let letters = Array("ABCEGHJKLMNOPRSTWXYZ".unicodeScalars)
        guard letters.contains(characters[0]), letters.contains(characters[1]), characters[1] != "O",
            characters[2..<8].allSatisfy(ScannedText.isDigit), ScannedText.contains("ABCD", characters[8])
        else { return nil }
        let prefix = String(String.UnicodeScalarView(characters[0..<2]))
        guard !["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(prefix) else { return nil }
        // Written in capitals: `ab123456c` in a sentence is more likely something else.
        guard ScannedText.isUppercase(text.scalars[text.tokens[first].start]) else { return nil }
        return last
    }

    /// Nine digits passing the Dutch 11-proof (weights 9…2, and -1 for the last digit).
    static func isBSN(_ token: ScannedText.Token, in text: ScannedText) -> Bool {
        let digits = (token.start..<token.end).map { text.digitValue(at: $0) }
        let sum = zip(digits, [9, 8, 7, 6, 5, 4, 3, 2, -1]).reduce(0) { $0 + $1.0 * $1.1 }
        return sum % 11 == 0 && digits[0] != 0
    }

    private static func isCapital(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x41 && scalar.value <= 0x5A }

    private static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.value >= 0x61 && scalar.value <= 0x7A ? Unicode.Scalar(scalar.value - 32)! : scalar
    }
}
