/// Digits written in groups with short separators between them (`4111 1111-1111`,
/// `123 - 45 - 6789`, `0162/1234567`), the raw shape that card, phone, SSN and account
/// recognizers classify.
struct DigitRun {
    struct Group {
        var start: Int
        var end: Int
        var length: Int { end - start }
    }

    /// What stands between two groups: its one non-space scalar (or a space) and its length.
    struct Gap: Equatable {
        var kind: Unicode.Scalar
        var length: Int
    }

    var groups: [Group]
    /// The gap between each pair of groups, one fewer than groups.
    var gaps: [Gap]

    var start: Int { groups[0].start }
    var end: Int { groups[groups.count - 1].end }
    var digitCount: Int { groups.reduce(0) { $0 + $1.length } }
    /// The gap kinds, one fewer than groups (`-`, ` `, `.`…).
    var separators: [Unicode.Scalar] { gaps.map(\.kind) }

    /// Separator scalars, looked up in a bit mask (ASCII) instead of hashing each scalar.
    struct Separators: Sendable, ExpressibleByArrayLiteral {
        private var low: UInt64 = 0
        private var high: UInt64 = 0
        private var others: Set<Unicode.Scalar> = []

        init(arrayLiteral elements: Unicode.Scalar...) {
            for scalar in elements {
                let value = scalar.value
                if value < 64 {
                    low |= 1 << UInt64(value)
                } else if value < 128 {
                    high |= 1 << UInt64(value - 64)
                } else {
                    others.insert(scalar)
                }
            }
        }

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            let value = scalar.value
            if value < 64 { return low & (1 << UInt64(value)) != 0 }
            if value < 128 { return high & (1 << UInt64(value - 64)) != 0 }
            return !others.isEmpty && others.contains(scalar)
        }
    }

    /// Every maximal run in `text` that `keep` accepts by its digit and group counts.
    /// Between two groups stands one scalar from `allowed`, or with `spaced`, one of them
    /// with up to four spaces either side, or up to four spaces (`" - "`, `"  "`, `". "`,
    /// `"  -  "`).
    static func all(
        in text: ScannedText, separators allowed: Separators, spaced: Bool = false, keep: (_ digits: Int, _ groups: Int) -> Bool = { _, _ in true }
    ) -> [DigitRun] {
        var runs: [DigitRun] = []
        var index = 0
        let count = text.count
        // Reused for every run; copied only into the runs kept.
        var groups: [Group] = []
        var gaps: [Gap] = []
        groups.reserveCapacity(8)
        gaps.reserveCapacity(8)
        while index < count {
            guard text.isDigit(at: index), !text.isDigit(at: index - 1) else {
                index += 1
                continue
            }
            groups.removeAll(keepingCapacity: true)
            gaps.removeAll(keepingCapacity: true)
            var digits = 0
            var cursor = index
            while true {
                let groupStart = cursor
                while cursor < count, text.isDigit(at: cursor) { cursor += 1 }
                groups.append(Group(start: groupStart, end: cursor))
                digits += cursor - groupStart
                guard let gap = gap(at: cursor, in: text, allowed: allowed, spaced: spaced) else { break }
                gaps.append(gap)
                cursor += gap.length
            }
            if keep(digits, groups.count) { runs.append(DigitRun(groups: Array(groups), gaps: Array(gaps))) }
            index = cursor
        }
        return runs
    }

    /// The gap starting at `offset` when a digit follows it.
    private static func gap(at offset: Int, in text: ScannedText, allowed: Separators, spaced: Bool) -> Gap? {
        // Most digits are followed by a letter or the end: answer those without hashing.
        guard let first = text[offset], !ScannedText.isAlnum(first), allowed.contains(first) else { return nil }
        guard spaced else { return text.isDigit(at: offset + 1) ? Gap(kind: first, length: 1) : nil }
        var length = 0
        var kind: Unicode.Scalar = " "
        func spaces() {
            var run = 0
            while run < 4, text.isScalar(offset + length, in: " ") {
                length += 1
                run += 1
            }
        }
        spaces()
        if let scalar = text[offset + length], scalar != " ", allowed.contains(scalar) {
            kind = scalar
            length += 1
            spaces()
        }
        guard length > 0, text.isDigit(at: offset + length) else { return nil }
        return Gap(kind: kind, length: length)
    }

    func startsAtBoundary(in text: ScannedText) -> Bool { text.isNumberStart(start) }

    func endsAtBoundary(in text: ScannedText) -> Bool { text.isNumberEnd(end) }

    func digits(in text: ScannedText) -> [Int] {
        groups.flatMap { text.scalars[$0.start..<$0.end].map { Int($0.value) - 0x30 } }
    }
}
