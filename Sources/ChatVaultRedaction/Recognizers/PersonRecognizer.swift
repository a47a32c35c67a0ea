/// Person names, where the sentence says a name follows: after a title (`Mr. John Smith`,
/// `Dr Patel`, `Frau Müller`), an introduction (`my name is Ana Lopez`, `me llamo …`), or
/// before a possessive personal-data word (`Linda Jarvis's SSN`). Capitalised words
/// elsewhere are left alone, and names of financial firms (`Morgan Stanley`,
/// `Raymond James`) or words before a company suffix (`Bernard LLC`) never count.
enum PersonRecognizer {
    static let titles: WordSet = [
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "sr", "sra", "srta", "mme", "mlle", "sir", "madam",
    ]
    static let introductions = CueLexicon([
        "my name is", "name is", "name", "names", "i am", "i'm", "im", "this is", "signed", "regards", "customer", "client", "patient",
        "account holder", "cardholder", "card holder", "beneficiary", "ich heisse", "mein name ist", "me llamo", "mi nombre es", "je m'appelle",
        "je suis", "mon nom est",
    ])
    /// Greetings and contact verbs that chat puts right before a person's name (`hi Dana`,
    /// `ping Li Wei`, `spoke with Ana Lopez`, `w/ Sam`).
    static let addressing = CueLexicon([
        "hi", "hello", "hey", "dear", "thanks", "thank you", "thx", "cheers", "ping", "ask", "cc", "spoke with", "spoke to", "speak to",
        "speak with", "talk to", "talked to", "talk with", "talked with", "meeting with", "meet with", "met with", "w/", "with", "tell",
        "told", "check with", "loop in", "looping in", "per", "email", "call", "forward to", "reach out to", "hola", "hallo", "gracias", "merci",
    ])
    /// Words after a name that show it is a person's data being given (`Ana Lopez's SSN`, `Ana Lopez passport …`).
    static let personalData = CueLexicon([
        "ssn", "ss", "social", "social security", "passport", "dob", "d.o.b", "date of birth", "birthday", "mobile", "cell", "phone",
        "email", "e-mail", "account", "acct", "card", "address", "home address", "license", "licence",
    ])

    static func scan(_ text: ScannedText, into detections: inout [Detection]) {
        let tokens = text.tokens
        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            var nameStart: Int?
            if titles.contains(tokens[index]), isCapitalized(tokens[index], in: text), index + 1 < tokens.count {
                let gap = text.string(tokens[index].end, tokens[index + 1].start)
                if gap == " " || gap == ". " { nameStart = index + 1 }
            } else if introductions.endsAt(index, in: text) || addressing.endsAt(index, in: text), index + 1 < tokens.count,
                !introductions.endsAt(index + 1, in: text)
            {
                let gap = text.string(tokens[index].end, tokens[index + 1].start)
                if gap == " " || gap == ": " || gap == ", " || (gap == " @" && addressing.endsAt(index, in: text)) { nameStart = index + 1 }
            } else if text.isScalar(tokens[index].start - 1, in: "@"), !text.isAlnum(at: tokens[index].start - 2) {
                nameStart = index  // an @mention
            }
            if let start = nameStart, var end = nameEnd(from: start, in: text, minimum: 1) {
                append(start, end, in: text, into: &detections)
                // `ask Dana and Li Wei`: a name joined to a found one is a name too.
                while end + 1 < tokens.count,
                    ["and", "or", "&"].contains(tokens[end].folded) || text.string(tokens[end - 1].end, tokens[end].start) == " & ",
                    let next = nameEnd(from: tokens[end].folded == "and" || tokens[end].folded == "or" ? end + 1 : end, in: text, minimum: 1)
                {
                    append(tokens[end].folded == "and" || tokens[end].folded == "or" ? end + 1 : end, next, in: text, into: &detections)
                    end = next
                }
                index = end - 1
                continue
            }
            // Possessive or adjacent personal data: two or three capitalised words, then `'s SSN` / ` passport`.
            if isNameWord(tokens[index], in: text), let end = nameEnd(from: index, in: text, minimum: 2) {
                var next = end
                if next < tokens.count, tokens[next].folded == "s", text.isScalar(tokens[next].start - 1, in: "'’") { next += 1 }
                if personalData.startsAt(next, in: text), !CueLexicon.hasClauseBreak(text, from: tokens[end - 1].end, to: tokens[next].start) {
                    append(index, end, in: text, into: &detections)
                    index = end - 1
                }
            }
        }
    }

    private static func append(_ first: Int, _ end: Int, in text: ScannedText, into detections: inout [Detection]) {
        let start = text.tokens[first].start
        let last = text.tokens[end - 1].end
        detections.append(Detection(start: start, end: last, type: PIIType.person.rawValue, rule: PIIType.person.ruleID, strength: Detection.cue))
    }

    /// The token index after a run of one to three name words starting at `start`.
    private static func nameEnd(from start: Int, in text: ScannedText, minimum: Int) -> Int? {
        var end = start
        while end < text.tokens.count, end - start < 3, isNameWord(text.tokens[end], in: text) {
            if end > start {
                let gap = text.string(text.tokens[end - 1].end, text.tokens[end].start)
                guard gap == " " || gap == "-" else { break }
            }
            end += 1
        }
        guard end - start >= minimum else { return nil }
        let words = text.tokens[start..<end].map(\.folded)
        if FirmNames.contains(words) { return nil }
        if end < text.tokens.count, FirmNames.companySuffixes.contains(text.tokens[end]) { return nil }
        return end
    }

    private static func isNameWord(_ token: ScannedText.Token, in text: ScannedText) -> Bool {
        guard !token.hasDigit, token.end - token.start >= 2, isCapitalized(token, in: text) else { return false }
        // All capitals is a ticker or an acronym (`TSLA`, `KYC`), not a name.
        let second = text.scalars[token.start + 1]
        guard ScannedText.isLowercase(second) else { return false }
        return !FirmNames.notNames.contains(token)
    }

    private static func isCapitalized(_ token: ScannedText.Token, in text: ScannedText) -> Bool {
        ScannedText.isUppercase(text.scalars[token.start])
    }
}
