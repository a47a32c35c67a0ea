/// Bank account numbers: 6–17 digits (dashes allowed) after an account cue (`account
/// number`, `acct #`, `a/c`, `checking`, `Kontonummer`, `numéro de compte`). Without a cue
/// such a number is indistinguishable from an order or case number, so it stays.
enum BankAccountRecognizer {
    static let cues = CueLexicon([
        "account", "account number", "account no", "account num", "acct", "acct no", "acc no", "a/c", "checking",
        "savings", "checking account", "savings account", "bank account", "routing", "routing number", "aba", "sort code",
        "kontonummer", "konto", "kontonr", "numero de cuenta", "cuenta", "numero de compte", "compte", "conto", "conto corrente",
        "rekeningnummer", "rekening", "numer konta", "rachunek", "kontonummer", "numero da conta", "conta", "bankkonto",
    ])

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        guard cues.occurs(in: text) else { return }
        for (index, distance) in CuedValue.candidates(in: text, cues: cues, window: cueWindow) {
            let token = text.tokens[index]
            guard !token.hasLetter, text.isNumberStart(token.start) else { continue }
            // A dashed account (`12-3456-789`) or sort code (`12-34-56`) is one value.
            var end = token.end
            while text.isScalar(end, in: "-"), text.isDigit(at: end + 1) {
                end += 1
                while text.isDigit(at: end) { end += 1 }
            }
            guard text.isNumberEnd(end) || text.isScalar(end, in: ".,") && !text.isDigit(at: end + 1) else { continue }
            let digits = text.scalars[token.start..<end].filter(ScannedText.isDigit).count
            guard digits >= 6, digits <= 17 else { continue }
            if text.isScalar(token.start - 1, in: "$€£") { continue }
            detections.append(
                // Right after its cue (`numéro de compte 9132515253`) an account number beats a
                // phone or SSN reading that rests on a vaguer cue.
                Detection(
                    start: token.start, end: end, pii: .bankAccount,
                    strength: distance == 0 ? Detection.cue + 1 : Detection.cue)
            )
        }
    }
}
