/// Payment card numbers: 13–19 digits written whole or in groups split by single spaces
/// or dashes, with a known brand prefix and length, passing the Luhn check.
enum CardRecognizer {
    /// Built once: a set literal at the call site was allocated per message.
    static let runSeparators: Set<Unicode.Scalar> = [" ", "-"]

    static func scan(_ text: ScannedText, into detections: inout [Detection]) {
        for run in DigitRun.all(in: text, separators: runSeparators) {
            guard run.startsAtBoundary(in: text) else { continue }
            // Whole run first; then a run cut short, as in `4111 1111 1111 1111 12/27`.
            var groupCount = run.groups.count
            while groupCount >= 1 {
                let groups = Array(run.groups[0..<groupCount])
                if groupCount < run.groups.count && groupCount < 2 { break }
                if isCard(groups, in: text) {
                    let end = groups.last!.end
                    if groupCount < run.groups.count || run.endsAtBoundary(in: text) {
                        detections.append(
                            Detection(
                                start: run.start, end: end, type: PIIType.creditCard.rawValue, rule: PIIType.creditCard.ruleID,
                                strength: Detection.checksum))
                    }
                    break
                }
                groupCount -= 1
            }
        }
    }

    static func isCard(_ groups: [DigitRun.Group], in text: ScannedText) -> Bool {
        let digits = groups.flatMap { text.scalars[$0.start..<$0.end].map { Int($0.value) - 0x30 } }
        guard digits.count >= 13, digits.count <= 19 else { return false }
        if groups.count > 1 {
            // Cards are printed in blocks of four (Amex and Diners 4-6-5 / 4-6-4).
            guard groups[0].length == 4, groups.allSatisfy({ $0.length >= 3 && $0.length <= 6 }) else { return false }
        }
        guard brandAccepts(digits) else { return false }
        return luhn(digits)
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            if index % 2 == 1 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return sum % 10 == 0
    }

    /// Issuer prefixes and lengths of the major brands.
    static func brandAccepts(_ digits: [Int]) -> Bool {
        func prefix(_ n: Int) -> Int { digits.prefix(n).reduce(0) { $0 * 10 + $1 } }
        let length = digits.count
        switch digits[0] {
        case 4: return length == 13 || length == 16 || length == 19  // Visa
        case 5:
            let p2 = prefix(2)
            if (51...55).contains(p2) { return length == 16 }  // Mastercard
            return length >= 16 && (p2 == 50 || (56...58).contains(p2))  // Maestro
        case 2:
            return (2221...2720).contains(prefix(4)) && length == 16  // Mastercard 2-series
        case 3:
            let p2 = prefix(2)
            if p2 == 34 || p2 == 37 { return length == 15 }  // American Express
            if p2 == 35 { return length >= 16 }  // JCB
            if (300...305).contains(prefix(3)) || p2 == 36 || p2 == 38 || p2 == 39 { return length >= 14 }  // Diners
            return false
        case 6:
            // Discover, UnionPay, Maestro, RuPay: the 6 block.
            return length >= 16
        default:
            return false
        }
    }
}
