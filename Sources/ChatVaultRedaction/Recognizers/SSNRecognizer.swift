/// US Social Security numbers. `123-45-6789` stands alone, with dashes, spaces, dots or
/// slashes (`123 45 6789`, `123.45.6789`, `123 - 45 - 6789`); nine bare or spaced-out
/// digits count only next to a cue (`ssn`, `ss#`, `social security`, `123456789 is my
/// ssn`). All must pass the SSA rules: area not 000, 666 or 900–999; group not 00;
/// serial not 0000.
enum SSNRecognizer {
    /// Built once: a set literal at the call site was allocated per message.
    static let runSeparators: DigitRun.Separators = ["-", " ", ".", "/"]

    static let cues = CueLexicon([
        "ssn", "ss#", "ss", "ss no", "ssn#", "social security", "social security number", "social security no",
        "social", "soc sec", "soc. sec.", "tin", "taxpayer id", "tax id", "itin", "ssn no", "ssn number", "social sec",
        "numero de seguro social", "número de seguro social", "seguro social", "sozialversicherungsnummer",
    ])

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        for run in DigitRun.all(in: text, separators: runSeparators, spaced: true, keep: { digits, _ in digits == 9 }) {
            guard run.endsAtBoundary(in: text) else { continue }
            // `ssn=123-45-6789`, `SSN:123456789`: glued to its cue, the number still stands alone.
            let glued = text.isScalar(run.start - 1, in: "=:#") && cues.distance(before: run.start, in: text, window: 0) == 0
            guard run.startsAtBoundary(in: text) || glued else { continue }
            let lengths = run.groups.map(\.length)
            // A cue before, with no other number between (`social security number 177559217, also CUSIP 401127238`).
            let before = {
                guard let distance = cues.distance(before: run.start, in: text, window: cueWindow) else { return false }
                let index = text.tokenIndex(atOrAfter: run.start)
                return !text.tokens[max(0, index - distance)..<index].contains { $0.hasDigit }
            }
            let after = { cues.follows(run.end, in: text, fillers: CueLexicon.afterFillers, window: 3) }
            let strength: Int
            if lengths == [3, 2, 4] {
                // Slashes and dots also write dates and prices: without a cue only dashes and spaces.
                let plain = run.gaps.allSatisfy { $0.kind == "-" || $0.kind == " " }
                let isCued = before() || after()
                guard plain || isCued else { continue }
                strength = isCued ? Detection.format + 1 : Detection.format
            } else if lengths == [9] || lengths.allSatisfy({ $0 == 1 }) {
                // Nine digits passing the SSA rules after an SSN cue beat a vaguer account cue;
                // a cue after them (`123456789 is my ssn`) is weaker.
                if before() {
                    strength = Detection.format
                } else if after() {
                    strength = Detection.cue
                } else {
                    continue
                }
            } else {
                continue
            }
            guard isValid(run.digits(in: text)) else { continue }
            detections.append(Detection(start: run.start, end: run.end, pii: .usSSN, strength: strength))
        }
    }

    static func isValid(_ digits: [Int]) -> Bool {
        guard digits.count == 9 else { return false }
        let area = digits[0] * 100 + digits[1] * 10 + digits[2]
        let group = digits[3] * 10 + digits[4]
        let serial = digits[5...].reduce(0) { $0 * 10 + $1 }
        return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
    }
}
