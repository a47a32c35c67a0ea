/// Dates of birth: a date right after a birth cue (`DOB`, `d.o.b.`, `born`, `birthday`,
/// `Geburtsdatum`, `fecha de nacimiento`). Dates without a cue — meetings, log
/// timestamps, deadlines — stay.
enum DateOfBirthRecognizer {
    static let cues = CueLexicon([
        "dob", "d.o.b", "date of birth", "birth date", "birthdate", "birthday", "bday", "b-day", "born", "born on", "born in",
        "geburtsdatum", "geb", "geboren", "geboren am", "fecha de nacimiento", "nacido", "nacida", "nacimiento",
        "date de naissance", "ne le", "nee le", "data di nascita", "nato il", "nata il",
    ])

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        guard cues.occurs(in: text) else { return }
        for token in text.tokens where token.hasDigit || !token.hasDigit && token.folded.count >= 3 {
            guard let end = DateScanner.match(at: token.start, in: text) else { continue }
            guard let distance = cues.distance(before: token.start, in: text, window: cueWindow) else { continue }
            detections.append(
                Detection(
                    start: token.start, end: end, type: PIIType.dateOfBirth.rawValue, rule: PIIType.dateOfBirth.ruleID,
                    strength: Detection.cue + 1 - min(distance, 1) + 1))
        }
    }
}
