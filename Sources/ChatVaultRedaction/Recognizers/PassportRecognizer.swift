/// Passport and identity-document numbers announced by a cue, in several languages and
/// abbreviations (`passport no.`, `PP`, `PPT#`, `Reisepass`, `pasaporte`, `passeport`,
/// `passaporto`, `paszport`, `paspoort`, `Personalausweis`, `carte d'identité`, `DNI`,
/// `BSN`, `NINO`, `SIN`, `Aadhaar`…), before the value or just after it (`X1234567 is my
/// passport no`). A value is 6–12 letters and digits, mostly digits, or a longer
/// document-style code of capitals and digits (`C01X00T47`), possibly in short groups
/// (`AB 12 34 56 C`, `1234 5678 9012`). Identity numbers with a checksum or a fixed shape
/// are also found without a cue, by ``NationalIDRecognizer``. Without a gold type of
/// their own, identity numbers are reported as `PASSPORT`.
enum PassportRecognizer {
    static let cues = CueLexicon([
        "passport", "passport no", "passport number", "passport num", "passport id", "passport nr", "pp", "pp no", "pp nr", "ppt", "ppt no",
        "pass no", "pass nr", "passnr", "reisepass", "reisepassnummer", "passnummer", "pasaporte", "numero de pasaporte", "passeport",
        "numero de passeport", "passaporto", "numero passaporto", "paszport", "paszportu", "nr paszportu", "paspoort", "paspoortnummer",
        "passaporte", "travel document", "travel doc", "document number", "document no", "doc no", "doc nr", "id card", "identity card", "id number",
        "id no", "id nr", "national id", "identity number",
        "carte d'identite", "carte identite", "cni", "personalausweis", "ausweis", "ausweisnummer", "ausweisnr", "perso",
        "documento de identidad", "documento", "dni", "nie", "nif", "codice fiscale", "carta d'identita", "carta di identita",
        "bsn", "burgerservicenummer", "sofinummer", "nino", "ni number", "ni no", "national insurance", "national insurance number",
        "national insurance no", "social insurance number", "aadhaar", "aadhar", "pesel", "personnummer", "steuer-id", "steuer id",
        "tax code", "cpf", "cf", "sin", "sin number", "sin no",
    ])

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        guard cues.occurs(in: text) else { return }
        var taken = -1
        for index in text.tokens.indices where text.tokens[index].hasDigit && index > taken {
            let token = text.tokens[index]
            let strength: Int
            if let distance = cues.distance(before: token.start, in: text, window: cueWindow), firstValue(index, distance, in: text) {
                strength = Detection.cue + 1 - min(distance, 1)
            } else if cues.follows(token.end, in: text, fillers: CueLexicon.afterFillers, window: 3) {
                strength = Detection.cue
            } else {
                continue
            }
            guard let last = valueEnd(from: index, in: text) else { continue }
            taken = last
            // Leading letters of a grouped number (`QQ 12 34 56 C`) belong to it.
            var start = token.start
            if index > 0, last > index, text.tokens[index - 1].end == token.start - 1, text.isScalar(token.start - 1, in: " "),
                text.tokens[index - 1].end - text.tokens[index - 1].start <= 2, !cues.endsAt(index - 1, in: text),
                (text.tokens[index - 1].start..<text.tokens[index - 1].end).allSatisfy({ ScannedText.isUppercase(text.scalars[$0]) })
            {
                start = text.tokens[index - 1].start
            }
            detections.append(
                Detection(
                    start: start, end: text.tokens[last].end, pii: .passport,
                    strength: strength))
        }
    }

    /// Whether no other number stands between the cue and token `index`.
    private static func firstValue(_ index: Int, _ distance: Int, in text: ScannedText) -> Bool {
        !text.tokens[max(0, index - distance)..<index].contains { $0.hasDigit }
    }

    /// The last token of a document number starting at token `first`, if it is one.
    static func valueEnd(from first: Int, in text: ScannedText) -> Int? {
        let token = text.tokens[first]
        guard text.isNumberStart(token.start) || text.isScalar(token.start - 1, in: "#") else { return nil }
        guard text.withFoldedBytes(token, { $0.allSatisfy { $0 < 0x80 } }) else { return nil }
        // Short groups (`AB 12 34 56 C`, `1234 5678 9012`): join while a single separator leads to another short group.
        var last = first
        var length = token.end - token.start
        while last + 1 < text.tokens.count, token.end - token.start <= 6 {
            let next = text.tokens[last + 1]
            guard next.start - text.tokens[last].end == 1, text.isScalar(text.tokens[last].end, in: " -."), next.end - next.start <= 6,
                next.hasDigit || next.end - next.start == 1, length + next.end - next.start <= 14,
                text.withFoldedBytes(next, { $0.allSatisfy { $0 < 0x80 } })
            else { break }
            last += 1
            length += next.end - next.start
        }
        let digits = (text.tokens[first].start..<text.tokens[last].end).count { text.isDigit(at: $0) }
        let letters = (text.tokens[first].start..<text.tokens[last].end).count { text.isLetter(at: $0) }
        guard length >= 6, length <= 16 else { return nil }
        // Mostly digits, or a document code in capitals with a few digits (`C01X00T47`).
        let code =
            length >= 8 && digits >= 1
            && (text.tokens[first].start..<text.tokens[last].end).allSatisfy { !text.isLetter(at: $0) || ScannedText.isUppercase(text.scalars[$0]) }
        guard digits >= 5 || code, letters <= 4 || code else { return nil }
        let end = text.tokens[last].end
        guard text.isNumberEnd(end) || text.isScalar(end, in: ".,") else { return nil }
        return last
    }
}
