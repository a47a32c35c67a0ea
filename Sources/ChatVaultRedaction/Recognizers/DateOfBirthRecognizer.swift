/// Dates of birth: a date next to a birth cue (`DOB`, `d.o.b.`, `born`, `bday`,
/// `Geburtsdatum`, `geb.`, `né le`, `nacido el`, `nato il`, `geboortedatum`, `urodzony`,
/// `född`; before the date or just after it, `21.03.1962 is her date of birth`), or a
/// date standing as a field of a personal record, a table-like row that also holds
/// a name and a phone number or address (`Maria Rossi | 1962-03-21 | +39 …`). Dates without
/// either — meetings, log timestamps, trade dates, deadlines — stay.
enum DateOfBirthRecognizer {
    static let cues = CueLexicon([
        "dob", "d.o.b", "d/o/b", "date of birth", "birth date", "birthdate", "birthday", "bday", "b-day", "b'day", "born", "born on", "born in",
        "geburtsdatum", "geb", "geb am", "geboren", "geboren am", "geburtstag", "gebdat",
        "fecha de nacimiento", "nacido", "nacida", "nacido el", "nacida el", "nacimiento", "f nac", "fec nac", "fnac", "fecha de nac", "fecha nac",
        "f de nac",
        "date de naissance", "ne le", "nee le", "ne", "nee", "ddn", "naissance", "geburt", "geboorte", "urodzenia", "fodelse",
        "data di nascita", "nato il", "nata il", "nato a", "nata a", "nascita",
        "geboortedatum", "geboren op", "geb datum",
        "data de nascimento", "nascido em", "nascida em", "nascido", "nascida", "nascimento", "dt nasc",
        "data urodzenia", "urodzony", "urodzona", "urodzil sie", "urodzila sie",
        "fodd", "fodelsedatum", "fodselsdato", "fødselsdato", "født", "fodt",
    ])

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        let cued = cues.occurs(in: text)
        // Without a cue, only a record row can hold a birth date: a field separator is needed.
        guard cued || text.scalars.count(where: isRecordSeparator) >= 2 else { return }
        // Dates that open with a month name (`March 9, 1990`) only with a cue; a record row's
        // field may be numeric, compact (`17APR1958`) or written (`19 enero 1962`).
        for token in text.tokens where token.hasDigit || cued && text.folded(token).count >= 3 {
            guard let end = DateScanner.match(at: token.start, in: text) else { continue }
            let strength: Int
            if cued, let distance = cues.distance(before: token.start, in: text, window: cueWindow), firstDate(token.start, distance, in: text) {
                strength = Detection.cue + 1 - min(distance, 1) + 1
            } else if cued, cues.follows(end, in: text, fillers: CueLexicon.afterFillers, window: 3) {
                strength = Detection.cue + 1
            } else if isRecordField(token.start, end, in: text) {
                strength = Detection.cue
            } else {
                continue
            }
            detections.append(
                Detection(start: token.start, end: end, pii: .dateOfBirth, strength: strength))
        }
    }

    /// Whether no other number stands between the cue and the date at `start`
    /// (`fecha de nacimiento 07111949, trade date 7 May 2025`).
    private static func firstDate(_ start: Int, _ distance: Int, in text: ScannedText) -> Bool {
        let index = text.tokenIndex(atOrAfter: start)
        return !text.tokens[max(0, index - distance)..<index].contains { $0.hasDigit }
    }

    /// `|`, `;`, tab or comma: answered without hashing, as it is asked of every scalar.
    static func isRecordSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "|", ";", "\t", ",": return true
        default: return false
        }
    }

    /// Whether `start..<end` is a whole field of a row of at least three fields, one of
    /// which is a name (letters only, two to four words) and, with `needsContact`, another
    /// a phone number or an email address (seven or more digits, or an `@`).
    static func isRecordField(_ start: Int, _ end: Int, in text: ScannedText, needsContact: Bool = true) -> Bool {
        var lineStart = start
        while lineStart > 0, text.scalars[lineStart - 1] != "\n" { lineStart -= 1 }
        var lineEnd = end
        while lineEnd < text.count, text.scalars[lineEnd] != "\n" { lineEnd += 1 }
        var before = start - 1
        while before >= lineStart, text.scalars[before] == " " { before -= 1 }
        var after = end
        while after < lineEnd, text.scalars[after] == " " { after += 1 }
        let separator: Unicode.Scalar
        if before >= lineStart {
            guard isRecordSeparator(text.scalars[before]) else { return false }
            separator = text.scalars[before]
            guard after == lineEnd || text.scalars[after] == separator else { return false }
        } else {
            guard after < lineEnd, isRecordSeparator(text.scalars[after]) else { return false }
            separator = text.scalars[after]
        }
        // Split the row on the separator and look at the other fields.
        var fields: [Range<Int>] = []
        var fieldStart = lineStart
        for offset in lineStart...lineEnd where offset == lineEnd || text.scalars[offset] == separator {
            fields.append(fieldStart..<offset)
            fieldStart = offset + 1
        }
        guard fields.count >= 3 else { return false }
        var hasName = false
        var hasContact = false
        for field in fields where !(field.contains(start)) {
            let scalars = text.scalars[field]
            let digits = scalars.count(where: ScannedText.isDigit)
            if digits >= 7 || scalars.contains("@") { hasContact = true }
            if digits == 0 {
                let words = text.tokens[text.tokenIndex(atOrAfter: field.lowerBound)...].prefix { $0.end <= field.upperBound }
                if words.count >= 2, words.count <= 4,
                    words.allSatisfy({ $0.hasLetter && ScannedText.isUppercase(text.scalars[$0.start]) || text.folded($0).count <= 3 })
                {
                    hasName = true
                }
            }
        }
        return hasName && (hasContact || !needsContact)
    }
}
