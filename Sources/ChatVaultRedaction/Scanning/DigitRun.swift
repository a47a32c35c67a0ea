/// Digits written in groups with single separators between them (`4111 1111-1111`),
/// the raw shape that card, phone, SSN and account recognizers classify.
struct DigitRun {
    struct Group {
        var start: Int
        var end: Int
        var length: Int { end - start }
    }

    var groups: [Group]
    /// The separator scalars between groups, one fewer than groups.
    var separators: [Unicode.Scalar]

    var start: Int { groups[0].start }
    var end: Int { groups[groups.count - 1].end }
    var digitCount: Int { groups.reduce(0) { $0 + $1.length } }

    /// Every maximal run in `text`; a run does not continue past a doubled separator.
    static func all(in text: ScannedText, separators allowed: Set<Unicode.Scalar>) -> [DigitRun] {
        var runs: [DigitRun] = []
        var index = 0
        let count = text.count
        while index < count {
            guard text.isDigit(at: index), !text.isDigit(at: index - 1) else {
                index += 1
                continue
            }
            var groups: [Group] = []
            var separators: [Unicode.Scalar] = []
            var cursor = index
            while true {
                let groupStart = cursor
                while cursor < count, text.isDigit(at: cursor) { cursor += 1 }
                groups.append(Group(start: groupStart, end: cursor))
                if cursor + 1 < count, allowed.contains(text.scalars[cursor]), text.isDigit(at: cursor + 1) {
                    separators.append(text.scalars[cursor])
                    cursor += 1
                } else {
                    break
                }
            }
            runs.append(DigitRun(groups: groups, separators: separators))
            index = cursor
        }
        return runs
    }

    func startsAtBoundary(in text: ScannedText) -> Bool { text.isNumberStart(start) }

    func endsAtBoundary(in text: ScannedText) -> Bool { text.isNumberEnd(end) }

    func digits(in text: ScannedText) -> [Int] {
        groups.flatMap { text.scalars[$0.start..<$0.end].map { Int($0.value) - 0x30 } }
    }
}
