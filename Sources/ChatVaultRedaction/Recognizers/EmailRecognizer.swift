/// Email addresses: a local part, `@`, and a domain with at least one dot and a
/// top-level label of two or more letters. Also written to dodge harvesters:
/// `ana [at] example [dot] com`, `ana(at)example.com`, `ana at example dot com`.
enum EmailRecognizer {
    static func scan(_ text: ScannedText, into detections: inout [Detection]) {
        if text.hasAt { scanPlain(text, into: &detections) }
        if text.tokens.contains(where: { atWord.contains($0, in: text) }) { scanSpelled(text, into: &detections) }
    }

    private static let atWord: WordSet = ["at"]
    private static let longDomains: Set<String> = ["info", "mobi", "name", "online", "email", "mail", "cloud"]

    /// `local [at] domain [dot] tld`: `at` in brackets, or between spaces when a dot is
    /// spelled out too.
    private static func scanSpelled(_ text: ScannedText, into detections: inout [Detection]) {
        for (index, token) in text.tokens.enumerated() where atWord.contains(token, in: text) && index > 0 && index + 1 < text.tokens.count {
            guard let (atStart, atEnd, bracketed) = spelledSeparator(around: token, in: text) else { continue }
            // The local part: letters, digits and `._%+-` right before.
            var start = atStart
            while start > 0, isLocal(text.scalars[start - 1]) { start -= 1 }
            while start < atStart, text.scalars[start] == "." { start += 1 }
            guard start < atStart, !text.isScalar(start - 1, in: "@") else { continue }
            // The domain: labels joined by `.` or a spelled dot.
            var cursor = atEnd
            var end = atEnd
            var labels = 0
            var dotSpelled = false
            var lastLabel = (start: 0, end: 0)
            while true {
                let labelStart = cursor
                while cursor < text.count, ScannedText.isAlnum(text.scalars[cursor]) || text.scalars[cursor] == "-" { cursor += 1 }
                guard cursor > labelStart else { break }
                labels += 1
                lastLabel = (labelStart, cursor)
                end = cursor
                if text.isScalar(cursor, in: "."), text.isAlnum(at: cursor + 1) {
                    cursor += 1
                } else if let dot = spelledDot(at: cursor, in: text) {
                    dotSpelled = true
                    cursor = dot
                } else {
                    break
                }
            }
            guard labels >= 2, bracketed || dotSpelled, lastLabel.end - lastLabel.start >= 2,
                (lastLabel.start..<lastLabel.end).allSatisfy({ text.isLetter(at: $0) })
            else { continue }
            // Between plain spaces, only a short top-level domain: `home dot then` is prose.
            if !bracketed && lastLabel.end - lastLabel.start > 3 && !longDomains.contains(text.string(lastLabel.start, lastLabel.end).lowercased()) {
                continue
            }
            detections.append(
                Detection(start: start, end: end, pii: .emailAddress, strength: Detection.format))
        }
    }

    /// Where a spelled `at` (with its brackets and spaces) starts and ends.
    private static func spelledSeparator(around token: ScannedText.Token, in text: ScannedText) -> (Int, Int, Bool)? {
        let open = token.start - 1
        let close = token.end
        if let left = text[open], let right = text[close], ScannedText.contains("[({<", left), ScannedText.contains(")]}>", right) {
            var start = open
            var end = close + 1
            if text.isScalar(start - 1, in: " ") { start -= 1 }
            if text.isScalar(end, in: " ") { end += 1 }
            return (start, end, true)
        }
        if text.isScalar(open, in: " "), text.isScalar(close, in: " ") { return (open, close + 1, false) }
        return nil
    }

    /// The offset after a spelled dot (`[dot]`, `(dot)`, ` dot `) starting at `offset`.
    private static func spelledDot(at offset: Int, in text: ScannedText) -> Int? {
        var cursor = offset
        if text.isScalar(cursor, in: " ") { cursor += 1 }
        let bracket = text.isScalar(cursor, in: "[({<")
        if bracket { cursor += 1 }
        guard let index = text.token(startingAt: cursor), text.isFolded(text.tokens[index], "dot") else { return nil }
        cursor = text.tokens[index].end
        if bracket {
            guard text.isScalar(cursor, in: ")]}>") else { return nil }
            cursor += 1
        } else if !text.isScalar(cursor, in: " ") || !text.isScalar(offset, in: " ") {
            return nil
        }
        if text.isScalar(cursor, in: " ") { cursor += 1 }
        return text.isAlnum(at: cursor) ? cursor : nil
    }

    private static func scanPlain(_ text: ScannedText, into detections: inout [Detection]) {
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
                    start: start, end: end, pii: .emailAddress, strength: Detection.checksum))
        }
    }

    private static func isLocal(_ scalar: Unicode.Scalar) -> Bool {
        ScannedText.isAlnum(scalar) || ScannedText.contains("._%+-'", scalar)
    }

    private static func isDomain(_ scalar: Unicode.Scalar) -> Bool {
        ScannedText.isAlnum(scalar) || scalar == "." || scalar == "-"
    }
}
