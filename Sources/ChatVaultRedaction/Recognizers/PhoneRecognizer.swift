/// Telephone numbers: international (`+44 20 7946 0958`, `+44 (0)20 7946 0958`), North
/// American (`(415) 555-0100`, `1-415-555-0100`), national formats with a trunk 0 (UK
/// `07700 900123`, DE `030 1234567` and `0162/1234567`, FR `06 12 34 56 78`, NL
/// `06-12345678`), Spanish `612 34 56 78`, with an optional extension. Other groupings and
/// digits without grouping count only after (or before) a phone cue.
enum PhoneRecognizer {
    static let cues = CueLexicon([
        "phone", "phone number", "ph", "tel", "telephone", "cell", "cellphone", "mobile", "mob", "call", "call me", "text",
        "text me", "sms", "whatsapp", "signal", "fax", "reach me", "reach", "contact", "dial", "landline", "hotline",
        "direct line", "office", "home", "handy", "telefon", "telefonnummer", "rufnummer", "movil", "celular", "telefono", "portable", "numero",
        "ring", "ring me", "ring me on", "mobiel", "mobil", "mobile no", "mobile number", "cell no", "cell number", "cellulare", "cellulare",
        "telemovel", "telefone", "tlf", "tfno", "tfn", "tel no", "tel nr", "handynummer", "mobilnummer", "numero di telefono",
        "numero de telephone", "komorka", "telefonu", "wa", "viber", "telegram", "my number", "my number is", "phone no", "t", "m", "cel", "tlf",
    ])

    private struct Shape {
        var start: Int
        var end: Int
        var groups: [Int]
        var international: Bool
        /// Whether a dot separates groups (a set of separators was allocated per number).
        var dotted: Bool
        /// Whether a slash separates groups (`0162/1234567`).
        var slashed: Bool = false
        /// Where each group (with its closing parenthesis) ends.
        var ends: [Int] = []
        /// Leading digits that are no part of the number: the `00` international prefix.
        var leadingZeros: Int = 0
    }

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        var index = 0
        let scalars = text.scalars
        while index < scalars.count {
            // A number starts with `+`, `(` or a digit: skip everything else without a call.
            let first = scalars[index]
            guard first == "+" || first == "(" || ScannedText.isDigit(first) else {
                index += 1
                continue
            }
            // A number's shape only spans digits, `+`, parentheses and its separators: when
            // such a stretch holds fewer than seven digits (a time, a price), no shape
            // starting inside it can be a phone number, and no array is built for it.
            var stretchEnd = index
            var stretchDigits = 0
            while stretchEnd < scalars.count, let kind = stretchScalar(scalars[stretchEnd]) {
                if kind { stretchDigits += 1 }
                stretchEnd += 1
            }
            guard stretchDigits >= 7 else {
                index = stretchEnd
                continue
            }
            guard let shape = shape(at: index, in: text) else {
                index += 1
                continue
            }
            index = shape.end
            // Every phone number has seven digits at least: a time or a price is no candidate.
            guard shape.groups.reduce(0, +) >= 7 else { continue }
            // The whole shape first; then the shape cut before its last groups, as when a
            // phone number runs into a date or another number (`+49 176 49052857 - 2025`).
            var accepted: (shape: Shape, strength: Int)?
            var candidate = shape
            while accepted == nil {
                if text.isNumberEnd(candidate.end), let strength = strength(of: candidate, in: text, cueWindow: cueWindow) {
                    accepted = (candidate, strength)
                } else if candidate.groups.count > 2 {
                    candidate.groups.removeLast()
                    candidate.ends.removeLast()
                    candidate.end = candidate.ends.last!
                } else {
                    break
                }
            }
            guard let accepted else { continue }
            let end = extensionEnd(after: accepted.shape.end, in: text)
            index = end
            detections.append(
                Detection(
                    start: accepted.shape.start, end: end, pii: .phoneNumber,
                    strength: accepted.strength))
        }
    }

    /// Whether a scalar can stand in a number's shape: true for a digit, false for `+`,
    /// parentheses, space, `-`, `.` and `/`, nil for anything else.
    private static func stretchScalar(_ scalar: Unicode.Scalar) -> Bool? {
        switch scalar {
        case "0"..."9": true
        case "+", "(", ")", " ", "-", ".", "/": false
        default: nil
        }
    }

    /// How sure a shape is a phone number: formatted as one, or a plausible number next to
    /// a phone cue (before it with no other number between, or just after it).
    private static func strength(of shape: Shape, in text: ScannedText, cueWindow: Int) -> Int? {
        // With a `00` prefix a formatted number is less sure: account numbers start with zeros too.
        // The digits after the leading zeros, in one array (asked of every number-shaped run).
        var digits: [Int] = []
        digits.reserveCapacity(shape.end - shape.start)
        var skipped = 0
        for scalar in text.scalars[shape.start..<shape.end] where ScannedText.isDigit(scalar) {
            if skipped < shape.leadingZeros {
                skipped += 1
            } else {
                digits.append(Int(scalar.value) - 0x30)
            }
        }
        if isFormatted(shape, digits: digits), shape.leadingZeros == 0 || shape.groups.count >= 2 {
            return shape.leadingZeros > 0 ? Detection.cue : Detection.format
        }
        guard isBare(shape, digits: digits) else { return nil }
        if let distance = cues.distance(before: shape.start, in: text, window: cueWindow) {
            let index = text.tokenIndex(atOrAfter: shape.start)
            if !text.tokens[max(0, index - distance)..<index].contains(where: { $0.hasDigit }) {
                return distance == 0 ? Detection.cue + 1 : Detection.cue
            }
        }
        if cues.follows(shape.end, in: text, fillers: CueLexicon.afterFillers, window: 3) { return Detection.cue }
        // A field of a personal record (`Ana Duarte | 1962-03-21 | 333 4013945`).
        if DateOfBirthRecognizer.isRecordField(shape.start, shape.end, in: text, needsContact: false) { return Detection.cue }
        return nil
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
        // `0049 30 1234567`, `(0044) 20 …`: the international prefix written as 00.
        let zeros = text.isScalar(index, in: "(") ? index + 1 : index
        let doubleZero =
            !international && text.isScalar(zeros, in: "0") && text.isScalar(zeros + 1, in: "0") && text.isDigit(at: zeros + 2)
            && !text.isScalar(zeros + 2, in: "0")
        var groups: [Int] = []
        var ends: [Int] = []
        groups.reserveCapacity(8)
        ends.reserveCapacity(8)
        var dotted = false
        var slashed = false
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
            ends.append(end)
            if let gap = separator(at: index, in: text) {
                dotted = dotted || gap.kind == "."
                slashed = slashed || gap.kind == "/"
                index += gap.length
            } else if parenthesised, text.isDigit(at: index) {
                continue
            } else {
                break
            }
        }
        guard !groups.isEmpty else { return nil }
        return Shape(
            start: start, end: end, groups: groups, international: international || doubleZero, dotted: dotted, slashed: slashed, ends: ends,
            leadingZeros: doubleZero ? 2 : 0)
    }

    /// A separator between two groups: one of space, `-`, `.`, `/`, a dash or dot with
    /// spaces around it or doubled spaces (`030 - 1234567`, `612  34 56 78`), before a digit
    /// or `(`.
    private static func separator(at offset: Int, in text: ScannedText) -> DigitRun.Gap? {
        var length = 0
        var kind: Unicode.Scalar = " "
        var others = 0
        while length < 3, let scalar = text[offset + length], scalar == " " || scalar == "-" || scalar == "." || scalar == "/" {
            if scalar != " " {
                others += 1
                kind = scalar
            }
            length += 1
        }
        // ` / ` between two numbers lists them (`030 1234567 / 0171 1234567`).
        // A dot with a space is a sentence end (`856.35. (808)…`), not a separator.
        guard length > 0, others <= 1, kind != "/" && kind != "." || length == 1 else { return nil }
        let next = offset + length
        guard text.isDigit(at: next) || (text.isScalar(next, in: "(") && text.isDigit(at: next + 1)) else { return nil }
        return DigitRun.Gap(kind: kind, length: length)
    }

    /// A number whose grouping already says "telephone".
    private static func isFormatted(_ shape: Shape, digits: [Int]) -> Bool {
        let count = digits.count
        if shape.international {
            guard count >= 8, count <= 15, digits[0] != 0 else { return false }
            if digits[0] == 1 { return count == 11 && isNANP(Array(digits.dropFirst())) }
            return shape.groups.count >= 2 || count >= 10
        }
        let groups = shape.groups
        // A slash only in a trunk-0 number of two blocks (`0162/1234567`), never in dates.
        if shape.slashed && !(digits[0] == 0 && groups.count == 2) { return false }
        // North American, or an Italian mobile (`347 123 4567`).
        if groups == [3, 3, 4] { return isNANP(digits) || digits[0] == 3 }
        if groups == [1, 3, 3, 4] { return digits[0] == 1 && isNANP(Array(digits.dropFirst())) }
        // Spanish mobile and landline numbers in their usual pairs (`612 34 56 78`).
        if groups == [3, 2, 2, 2], [6, 7, 8, 9].contains(digits[0]), !shape.dotted { return true }
        guard digits[0] == 0, digits.count >= 2, digits[1] != 0, count >= 10, count <= 12, groups.count >= 2 else { return false }
        // Twelve digits are a German mobile in two blocks (`0170 12345678`), not three even blocks.
        if count == 12 && groups.count > 2 { return false }
        guard groups.allSatisfy({ $0 >= 2 }), groups[0] <= 5 else { return false }
        // Dots in a trunk-0 number only in the French pairs style (01.23.45.67.89), not dates.
        if shape.dotted { return groups.allSatisfy { $0 == 2 } }
        return true
    }

    /// A plausible number in any other grouping, trusted only with a cue.
    private static func isBare(_ shape: Shape, digits: [Int]) -> Bool {
        if shape.international { return digits.count >= 8 && digits.count <= 15 }
        let groups = shape.groups
        // A date (`12.03.2024`) or a version (`5.1.92.163`) is no phone number, whatever the cue.
        if shape.dotted && groups.count != 3 { return false }
        if (shape.dotted || shape.slashed) && groups.count == 3 && groups.last! != 4 { return false }
        // A trunk 0: national numbers of every country, however grouped.
        if digits[0] == 0 { return digits.count >= 9 && digits.count <= 13 && digits[1] != 0 }
        switch digits.count {
        case 7: return groups == [3, 4] || groups == [7]
        case 9: return [6, 7, 9].contains(digits[0]) && (groups == [9] || groups == [3, 3, 3] || groups == [3, 2, 2, 2])  // Spain
        case 10: return isNANP(digits) || (digits[0] == 3 && groups.allSatisfy { $0 >= 3 })  // North America, Italian mobiles
        case 11: return digits[0] == 1 && isNANP(Array(digits.dropFirst()))
        default: return false
        }
    }

    /// North American numbering: area code and exchange start with 2–9.
    private static func isNANP(_ digits: [Int]) -> Bool {
        digits.count == 10 && digits[0] >= 2 && digits[3] >= 2
    }

    static let extensionWords: WordSet = ["x", "ext", "extn", "extension", "durchwahl", "poste"]

    /// `x123`, `ext. 123`, `extension 1234` after the number.
    private static func extensionEnd(after end: Int, in text: ScannedText) -> Int {
        var index = end
        while text.isScalar(index, in: " ,") { index += 1 }
        let tokenIndex = text.tokenIndex(atOrAfter: index)
        guard tokenIndex < text.tokens.count, text.tokens[tokenIndex].start == index else { return end }
        let token = text.tokens[tokenIndex]
        var digitsStart: Int
        let folded = text.folded(token)
        if folded.hasPrefix("x"), folded.count > 1, folded.dropFirst().allSatisfy(\.isNumber) {
            return token.end
        } else if extensionWords.contains(token, in: text) {
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
