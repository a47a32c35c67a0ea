/// Email addresses: a local part, `@`, and a domain with at least one dot and a
/// top-level label of two or more letters.
enum EmailRecognizer {
    static func scan(_ text: ScannedText, into detections: inout [Detection]) {
        let scalars = text.scalars
        for at in scalars.indices where scalars[at] == "@" {
            var start = at
            while start > 0, isLocal(scalars[start - 1]) { start -= 1 }
            while start < at, scalars[start] == "." { start += 1 }
            guard start < at else { continue }
            var end = at + 1
            var lastDot = -1
            while end < scalars.count, isDomain(scalars[end]) {
                if scalars[end] == "." { lastDot = end }
                end += 1
            }
            // Trailing punctuation belongs to the sentence, not the address.
            while end > at + 1, scalars[end - 1] == "." || scalars[end - 1] == "-" {
                end -= 1
                if lastDot >= end { lastDot = scalars[at + 1..<end].lastIndex(of: ".") ?? -1 }
            }
            guard lastDot > at + 1, end - lastDot - 1 >= 2 else { continue }
            guard scalars[lastDot + 1..<end].allSatisfy({ ScannedText.isAlnum($0) && !ScannedText.isDigit($0) }) else { continue }
            detections.append(
                Detection(
                    start: start, end: end, type: PIIType.emailAddress.rawValue, rule: PIIType.emailAddress.ruleID, strength: Detection.checksum))
        }
    }

    private static func isLocal(_ scalar: Unicode.Scalar) -> Bool {
        ScannedText.isAlnum(scalar) || "._%+-'".unicodeScalars.contains(scalar)
    }

    private static func isDomain(_ scalar: Unicode.Scalar) -> Bool {
        ScannedText.isAlnum(scalar) || scalar == "." || scalar == "-"
    }
}
