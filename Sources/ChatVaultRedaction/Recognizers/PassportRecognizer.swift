/// Passport numbers: 6–10 letters and digits, mostly digits, right after a passport cue
/// (`passport`, `passport no.`, `Reisepass`, `pasaporte`, `passeport`).
enum PassportRecognizer {
    static let cues = CueLexicon([
        "passport", "passport no", "passport number", "passport num", "passport id", "pp no", "pass no",
        "reisepass", "reisepassnummer", "passnummer", "pasaporte", "numero de pasaporte", "passeport", "passaporto",
    ])

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        guard cues.occurs(in: text) else { return }
        for (index, distance) in CuedValue.candidates(in: text, cues: cues, window: cueWindow) {
            let token = text.tokens[index]
            let length = token.end - token.start
            guard length >= 6, length <= 10 else { continue }
            let digits = token.folded.filter(\.isNumber).count
            guard digits >= 5, token.folded.allSatisfy({ $0.isASCII }) else { continue }
            guard text.isNumberEnd(token.end) || text.isScalar(token.end, in: ".,") else { continue }
            detections.append(
                Detection(
                    start: token.start, end: token.end, type: PIIType.passport.rawValue, rule: PIIType.passport.ruleID,
                    strength: Detection.cue + 1 - min(distance, 1)))
        }
    }
}
