/// Telephone numbers: international (`+44 20 7946 0958`), North American (`(415) 555-0100`,
/// `1-415-555-0100`), national formats with a trunk 0 (UK `020 7946 0958`, DE `030 1234567`,
/// FR `01 23 45 67 89`), with an optional extension. Digits without grouping count only
/// after (or before) a phone cue.
enum PhoneRecognizer {
    static let cues = CueLexicon([
        "phone", "phone number", "ph", "tel", "telephone", "cell", "cellphone", "mobile", "mob", "call", "call me", "text",
        "text me", "sms", "whatsapp", "signal", "fax", "reach me", "reach", "contact", "dial", "landline", "hotline",
        "direct line", "office", "home", "handy", "telefon", "telefonnummer", "rufnummer", "movil", "celular", "telefono", "portable", "numero",
    ])

    private struct Shape {
        var start: Int
        var end: Int
        var groups: [Int]
        var international: Bool
        /// Whether a dot separates groups (a set of separators was allocated per number).
        var dotted: Bool
    }

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        var index = 0
        while index < text.count {
            guard let shape = shape(at: index, in: text) else {
                index += 1
                continue
            }
            index = shape.end
            guard text.isNumberEnd(shape.end) else { continue }
            let strength: Int
            if isFormatted(shape, in: text) {
                strength = Detection.format
            } else if isBare(shape, in: text),
                cues.distance(before: shape.start, in: text, window: cueWindow) != nil || cues.distance(after: shape.end, in: text, window: 2) != nil
            {
                strength = Detection.cue + 1
            } else {
                continue
            }
            let end = extensionEnd(after: shape.end, in: text)
            index = end
            detections.append(
                Detection(start: shape.start, end: end, type: PIIType.phoneNumber.rawValue, rule: PIIType.phoneNumber.ruleID, strength: strength))
        }
    }

    private static func shape(at start: Int, in text: ScannedText) -> Shape? {
        let scalars = text.scalars
        var index = start
        let international = scalars[index] == "+"
        if international {
            guard text.isDigit(at: index + 1), !text.isAlnum(at: index - 1) else { return nil }
            index += 1
        } else if scalars[index] == "(" {
            guard text.isDigit(at: index + 1), !text.isAlnum(at: index - 1) else { return nil }
        } else {
            guard text.isDigit(at: index), text.isNumberStart(index) else { return nil }
        }
        var groups: [Int] = []
        var dotted = false
        var end = index
        while groups.reduce(0, +) <= 15 {
            var parenthesised = false
            if text.isScalar(index, in: "("), text.isDigit(at: index + 1) {
                parenthesised = true
                index += 1
            }
            let groupStart = index
            while text.isDigit(at: index) { index += 1 }
            guard index > groupStart else { return nil }
            groups.append(index - groupStart)
            if parenthesised {
                guard text.isScalar(index, in: ")") else { return nil }
                index += 1
            }
            end = index
            if let separator = text[index], " -.".unicodeScalars.contains(separator),
                text.isDigit(at: index + 1) || (text.isScalar(index + 1, in: "(") && text.isDigit(at: index + 2))
            {
                dotted = dotted || separator == "."
                index += 1
            } else if parenthesised, text.isDigit(at: index) {
                continue
            } else {
                break
            }
        }
        guard !groups.isEmpty else { return nil }
        return Shape(start: start, end: end, groups: groups, international: international, dotted: dotted)
    }

    /// A number whose grouping already says "telephone".
    private static func isFormatted(_ shape: Shape, in text: ScannedText) -> Bool {
        let digits = text.scalars[shape.start..<shape.end].filter(ScannedText.isDigit).map { Int($0.value) - 0x30 }
        let count = digits.count
        if shape.international {
            guard count >= 8, count <= 15, digits[0] != 0 else { return false }
            if digits[0] == 1 { return count == 11 && isNANP(Array(digits.dropFirst())) }
            return shape.groups.count >= 2 || count >= 10
        }
        let groups = shape.groups
        if groups == [3, 3, 4] { return isNANP(digits) }
        if groups == [1, 3, 3, 4] { return digits[0] == 1 && isNANP(Array(digits.dropFirst())) }
        guard digits[0] == 0, digits.count >= 2, digits[1] != 0, count >= 10, count <= 12, groups.count >= 2 else { return false }
        // Twelve digits are a German mobile in two blocks (`0170 12345678`), not three even blocks.
        if count == 12 && groups.count > 2 { return false }
        guard groups.allSatisfy({ $0 >= 2 }), groups[0] <= 5 else { return false }
        // Dots in a trunk-0 number only in the French pairs style (01.23.45.67.89), not dates.
        if shape.dotted { return groups.allSatisfy { $0 == 2 } }
        return true
    }

    /// A plausible number written without grouping, trusted only with a cue.
    private static func isBare(_ shape: Shape, in text: ScannedText) -> Bool {
        let digits = text.scalars[shape.start..<shape.end].filter(ScannedText.isDigit).map { Int($0.value) - 0x30 }
        if shape.international { return digits.count >= 8 && digits.count <= 15 }
        switch digits.count {
        case 7: return shape.groups == [3, 4] || shape.groups == [7]
        case 10: return isNANP(digits) || (digits[0] == 0 && digits[1] != 0)
        case 11: return (digits[0] == 1 && isNANP(Array(digits.dropFirst()))) || (digits[0] == 0 && digits[1] != 0)
        case 12: return digits[0] == 0 && digits[1] != 0
        default: return false
        }
    }

    /// North American numbering: area code and exchange start with 2–9.
    private static func isNANP(_ digits: [Int]) -> Bool {
        digits.count == 10 && digits[0] >= 2 && digits[3] >= 2
    }

    /// `x123`, `ext. 123`, `extension 1234` after the number.
    private static func extensionEnd(after end: Int, in text: ScannedText) -> Int {
        var index = end
        while text.isScalar(index, in: " ,") { index += 1 }
        let tokenIndex = text.tokenIndex(atOrAfter: index)
        guard tokenIndex < text.tokens.count, text.tokens[tokenIndex].start == index else { return end }
        let token = text.tokens[tokenIndex]
        var digitsStart: Int
        if token.folded.hasPrefix("x"), token.folded.count > 1, token.folded.dropFirst().allSatisfy(\.isNumber) {
            return token.end
        } else if ["x", "ext", "extn", "extension", "durchwahl", "poste"].contains(token.folded) {
            digitsStart = token.end
        } else {
            return end
        }
        while text.isScalar(digitsStart, in: ". :#") { digitsStart += 1 }
        var digitsEnd = digitsStart
        while text.isDigit(at: digitsEnd), digitsEnd - digitsStart < 6 { digitsEnd += 1 }
        return digitsEnd > digitsStart && !text.isAlnum(at: digitsEnd) ? digitsEnd : end
    }
}
