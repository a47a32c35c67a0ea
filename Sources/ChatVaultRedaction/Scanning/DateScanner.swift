/// Calendar dates as people type them: `12/02/1972`, `1972-02-12`, `12.02.72`,
/// `21 Mar 1962`, `March 9th, 1990`, `9. März 1990`, `5 de marzo de 1980`, `15 marca 1980`,
/// compact `19620321`, `21031962` and `20APR1939`. Returns where the date ends.
enum DateScanner {
    static func match(at start: Int, in text: ScannedText) -> Int? {
        guard text.isAlnum(at: start), !text.isAlnum(at: start - 1) else { return nil }
        // Not the tail of a longer dotted number (`version 5.8.31.82`).
        guard !(text.isScalar(start - 1, in: "./-") && text.isDigit(at: start - 2)) else { return nil }
        if text.isDigit(at: start) {
            return numeric(at: start, in: text) ?? compact(at: start, in: text) ?? dayFirst(at: start, in: text)
        }
        return monthFirst(at: start, in: text)
    }

    /// Whether a date match is numeric only (`12/02/1972`, `19620321`), not written with a month name.
    static func isNumeric(_ start: Int, _ end: Int, in text: ScannedText) -> Bool {
        (start..<end).allSatisfy { !text.isLetter(at: $0) }
    }

    /// One token: `19620321` (year first), `21031962` / `03211962` (year last), `20APR1939`.
    private static func compact(at start: Int, in text: ScannedText) -> Int? {
        guard let index = text.token(startingAt: start) else { return nil }
        let token = text.tokens[index]
        let scalars = text.scalars[token.start..<token.end]
        guard !text.isScalar(token.end, in: "-./:") || !text.isDigit(at: token.end + 1) else { return nil }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + text.digitValue(at: $1) } }
        if !token.hasLetter {
            guard scalars.count == 8 else { return nil }
            let s = token.start
            if isYear(number(s..<s + 4)), isMonth(number(s + 4..<s + 6)), isDay(number(s + 6..<s + 8)) { return token.end }
            guard isYear(number(s + 4..<s + 8)) else { return nil }
            let first = number(s..<s + 2)
            let second = number(s + 2..<s + 4)
            return (isDay(first) && isMonth(second)) || (isMonth(first) && isDay(second)) ? token.end : nil
        }
        // Day digits, month letters, year digits.
        var cursor = token.start
        while cursor < token.end, text.isDigit(at: cursor) { cursor += 1 }
        let dayDigits = cursor - token.start
        guard dayDigits >= 1, dayDigits <= 2, isDay(number(token.start..<cursor)) else { return nil }
        let monthStart = cursor
        while cursor < token.end, text.isLetter(at: cursor) { cursor += 1 }
        guard cursor - monthStart >= 3, months[String(text.folded(token).dropFirst(dayDigits).prefix(cursor - monthStart))] != nil else { return nil }
        let yearDigits = token.end - cursor
        guard yearDigits == 4 || yearDigits == 2, (cursor..<token.end).allSatisfy({ text.isDigit(at: $0) }) else { return nil }
        if yearDigits == 4, !isYear(number(cursor..<token.end)) { return nil }
        return token.end
    }

    /// `dd/mm/yyyy`, `mm-dd-yy`, `yyyy-mm-dd`, one separator kind throughout.
    private static func numeric(at start: Int, in text: ScannedText) -> Int? {
        var groups: [(start: Int, end: Int)] = []
        var index = start
        var separator: Unicode.Scalar?
        while groups.count < 3 {
            let groupStart = index
            while text.isDigit(at: index), index - groupStart < 4 { index += 1 }
            guard index > groupStart, !text.isDigit(at: index) else { return nil }
            groups.append((groupStart, index))
            if groups.count == 3 { break }
            guard let next = text[index], ScannedText.contains("/.-", next), separator == nil || separator == next else { return nil }
            separator = next
            index += 1
        }
        guard !text.isAlnum(at: index), !(text.isScalar(index, in: "/.-:") && text.isDigit(at: index + 1)) else { return nil }
        let values = groups.map { group in (group.start..<group.end).reduce(0) { $0 * 10 + text.digitValue(at: $1) } }
        let lengths = groups.map { $0.end - $0.start }
        if lengths[0] == 4, lengths[1] <= 2, lengths[2] <= 2 {
            return isYear(values[0]) && isMonth(values[1]) && isDay(values[2]) ? index : nil
        }
        guard lengths[0] <= 2, lengths[1] <= 2, lengths[2] == 4 || lengths[2] == 2 else { return nil }
        guard lengths[2] == 2 || isYear(values[2]) else { return nil }
        let dayMonth = isDay(values[0]) && isMonth(values[1])
        let monthDay = isMonth(values[0]) && isDay(values[1])
        return dayMonth || monthDay ? index : nil
    }

    /// `21 Mar 1962`, `9th of March, 1990`, `9. März 1990`.
    private static func dayFirst(at start: Int, in text: ScannedText) -> Int? {
        guard let first = text.token(startingAt: start) else { return nil }
        var tokenIndex = first
        guard let day = dayValue(text.foldedSlice(text.tokens[tokenIndex])), isDay(day) else { return nil }
        tokenIndex += 1
        // `9th of March`, `5 de marzo de 1980`, `3 di maggio`.
        if tokenIndex < text.tokens.count, fillers.contains(text.tokens[tokenIndex], in: text) { tokenIndex += 1 }
        guard tokenIndex + 1 < text.tokens.count, month(text.tokens[tokenIndex], in: text) != nil else { return nil }
        var yearIndex = tokenIndex + 1
        if fillers.contains(text.tokens[yearIndex], in: text), yearIndex + 1 < text.tokens.count { yearIndex += 1 }
        let yearToken = text.tokens[yearIndex]
        guard yearToken.foldedCount == 4, let year = Int(text.folded(yearToken)), isYear(year) else { return nil }
        guard text.tokens[yearIndex].start - text.tokens[tokenIndex].end <= 5 else { return nil }
        return yearToken.end
    }

    /// `March 9, 1990`, `Mar 9th 1990`, `Jan. 25 1956`.
    private static func monthFirst(at start: Int, in text: ScannedText) -> Int? {
        guard let first = text.token(startingAt: start), month(text.tokens[first], in: text) != nil, first + 2 < text.tokens.count else { return nil }
        guard let day = dayValue(text.foldedSlice(text.tokens[first + 1])), isDay(day) else { return nil }
        let yearToken = text.tokens[first + 2]
        guard yearToken.foldedCount == 4, let year = Int(text.folded(yearToken)), isYear(year) else { return nil }
        guard yearToken.start - text.tokens[first + 1].end <= 3, text.tokens[first + 1].start - text.tokens[first].end <= 3 else { return nil }
        return yearToken.end
    }

    /// `9`, `21st`, `9th`, `1er`, `9o` as a number. Read from the UTF-8 bytes without
    /// building substrings, as it is tried on every number of a message.
    private static func dayValue(_ folded: ArraySlice<UInt8>) -> Int? {
        var bytes = folded
        guard bytes.count <= 4, let first = bytes.first, first >= 0x30 && first <= 0x39 else { return nil }
        for suffix in ordinalSuffixes where bytes.suffix(suffix.count).elementsEqual(suffix) {
            bytes = bytes.dropLast(suffix.count)
            break
        }
        guard bytes.count <= 2, !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    private static let ordinalSuffixes: [[UInt8]] = ["st", "nd", "rd", "th", "er", "o", "e"].map { Array($0.utf8) }

    /// Words between day, month and year: `of`, `de`, `di`, `del`.
    private static let fillers: WordSet = ["of", "de", "di", "del", "do", "da"]

    static func month(_ token: ScannedText.Token, in text: ScannedText) -> Int? {
        guard monthTable.mayContain(hash: token.hash) else { return nil }
        return text.withFoldedBytes(token) { monthTable.value(hash: token.hash, bytes: $0) }.map(Int.init)
    }

    /// ``months`` looked up by a token's folded bytes.
    private static let monthTable: FoldedWordTable = {
        var table = FoldedWordTable(capacity: months.count)
        for (word, month) in months { table.insert(word, value: Int32(month)) }
        return table
    }()

    private static func isDay(_ value: Int) -> Bool { value >= 1 && value <= 31 }
    private static func isMonth(_ value: Int) -> Bool { value >= 1 && value <= 12 }
    private static func isYear(_ value: Int) -> Bool { value >= 1900 && value <= 2100 }

    /// Month names and abbreviations in English, German, French, Spanish, Italian, Dutch,
    /// Portuguese, Polish (both cases), the Scandinavian languages, folded.
    static let months: [String: Int] = {
        let names: [[String]] = [
            ["january", "jan", "januar", "janvier", "enero", "ene", "gennaio", "gen", "januari", "janeiro", "styczen", "stycznia", "sty"],
            ["february", "feb", "februar", "fevrier", "fev", "febrero", "febbraio", "februari", "fevereiro", "luty", "lutego", "lut"],
            ["march", "mar", "marz", "maerz", "mars", "marzo", "maart", "mrt", "marco", "marzec", "marca", "marts"],
            ["april", "apr", "avril", "abril", "abr", "aprile", "kwiecien", "kwietnia", "kwi"],
            ["may", "mai", "mayo", "maggio", "mag", "mei", "maio", "maj", "maja"],
            ["june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho", "czerwiec", "czerwca", "cze"],
            ["july", "jul", "juli", "juillet", "julio", "luglio", "lug", "julho", "lipiec", "lipca", "lip"],
            ["august", "aug", "aout", "agosto", "ago", "augustus", "augusti", "sierpien", "sierpnia", "sie"],
            ["september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro", "wrzesien", "wrzesnia", "wrz"],
            ["october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out", "pazdziernik", "pazdziernika", "paz"],
            ["november", "nov", "novembre", "noviembre", "novembro", "listopad", "listopada", "lis"],
            ["december", "dec", "dezember", "dez", "decembre", "diciembre", "dic", "dicembre", "dezembro", "grudzien", "grudnia", "gru", "desember"],
        ]
        var table: [String: Int] = [:]
        for (index, words) in names.enumerated() {
            for word in words { table[word] = index + 1 }
        }
        return table
    }()
}
