/// Words that announce a value (`dob`, `d.o.b.`, `ss#`, `Geburtsdatum`), matched whole-word
/// and case-insensitively on the tokens of a message. A cue is a sequence of tokens, so
/// `date of birth` and `d.o.b.` both work; punctuation between the words is ignored.
struct CueLexicon: Sendable {
    private var byLastWord: [String: [[String]]] = [:]
    private var byFirstWord: [String: [[String]]] = [:]
    private var lastWords = WordSketch.Filter()
    private var firstWords = WordSketch.Filter()

    init(_ phrases: [String]) {
        for phrase in phrases {
            let words = ScannedText(phrase).tokens.map(\.folded)
            guard let last = words.last else { continue }
            byLastWord[last, default: []].append(words)
            byFirstWord[words[0], default: []].append(words)
            lastWords.insert(last)
            firstWords.insert(words[0])
        }
    }

    /// Whether a cue ends at token `index`.
    func endsAt(_ index: Int, in text: ScannedText) -> Bool {
        guard index >= 0, index < text.tokens.count, lastWords.mayContain(text.tokens[index].sketch),
            let candidates = byLastWord[text.tokens[index].folded]
        else { return false }
        for words in candidates where words.count <= index + 1 {
            var matches = true
            for (k, word) in words.reversed().enumerated() where text.tokens[index - k].folded != word {
                matches = false
                break
            }
            if matches { return true }
        }
        return false
    }

    /// Whether any cue occurs in `text`. Recognizers that need a cue ask this first: the
    /// sketch filter answers it for most messages without hashing a word.
    func occurs(in text: ScannedText) -> Bool {
        text.tokens.indices.contains { endsAt($0, in: text) }
    }

    /// Whether a cue starts at token `index`.
    func startsAt(_ index: Int, in text: ScannedText) -> Bool {
        guard index >= 0, index < text.tokens.count, firstWords.mayContain(text.tokens[index].sketch),
            let candidates = byFirstWord[text.tokens[index].folded]
        else { return false }
        return candidates.contains { words in
            index + words.count <= text.tokens.count && words.indices.allSatisfy { text.tokens[index + $0].folded == words[$0] }
        }
    }

    /// How many tokens stand between the nearest cue and `offset`, looking back at most
    /// `window` tokens and not across a clause break (` / `, `;`, `|`, a new line, `!`, `?`,
    /// a full stop before a capital).
    func distance(before offset: Int, in text: ScannedText, window: Int) -> Int? {
        let first = text.tokenIndex(atOrAfter: offset) - 1
        var gap = 0
        var index = first
        while index >= 0, gap <= window {
            let breakEnd = index == first ? offset : text.tokens[index + 1].start
            // A lone dash or slash right after a cue introduces its value (`SSN — 123…`).
            let isCue = endsAt(index, in: text)
            if Self.hasClauseBreak(text, from: text.tokens[index].end, to: breakEnd, loneDashes: !(isCue && index == first)) { return nil }
            if isCue { return gap }
            gap += 1
            index -= 1
        }
        return nil
    }

    /// Whether a cue starts within `window` tokens after `offset` (`555 0100 is my cell`).
    func distance(after offset: Int, in text: ScannedText, window: Int) -> Int? {
        var index = text.tokenIndex(atOrAfter: offset)
        var gap = 0
        var previousEnd = offset
        while index < text.tokens.count, gap <= window {
            if Self.hasClauseBreak(text, from: previousEnd, to: text.tokens[index].start) { return nil }
            // A cue phrase starting here, of one or more tokens.
            if startsAt(index, in: text) { return gap }
            previousEnd = text.tokens[index].end
            gap += 1
            index += 1
        }
        return nil
    }

    /// Whether a cue follows `offset` with only `fillers` between (`X1234567 is my passport`,
    /// `123456789 (ssn)`), at most `window` of them and no clause break.
    func follows(_ offset: Int, in text: ScannedText, fillers: WordSet, window: Int) -> Bool {
        var index = text.tokenIndex(atOrAfter: offset)
        var previousEnd = offset
        var gap = 0
        while index < text.tokens.count, gap <= window {
            // Any punctuation ends the value's sentence here (`isin US07…. her passport is …`).
            if Self.hasClauseBreak(text, from: previousEnd, to: text.tokens[index].start)
                || text.scalars[previousEnd..<text.tokens[index].start].contains(where: { ScannedText.contains(".,;:", $0) })
            {
                return false
            }
            if startsAt(index, in: text) { return true }
            guard fillers.contains(text.tokens[index]) else { return false }
            previousEnd = text.tokens[index].end
            gap += 1
            index += 1
        }
        return false
    }

    /// Words that may stand between a value and the cue after it, in the languages of the cues.
    static let afterFillers: WordSet = [
        "is", "was", "my", "his", "her", "their", "our", "your", "the", "that", "s", "ist", "mein", "meine", "seine", "ihre", "die", "der",
        "es", "mi", "su", "el", "la", "est", "mon", "ma", "son", "sa", "le", "e", "il", "mio", "mia", "suo", "sua", "is", "mijn", "zijn",
        "haar", "de", "het", "jest", "moj", "moja", "jego", "jej", "ar", "min", "mitt", "hans", "hennes", "o", "a", "meu", "minha", "seu",
        "sua", "as", "for", "number", "no", "nr", "num", "nummer", "numero",
    ]

    static func hasClauseBreak(_ text: ScannedText, from start: Int, to end: Int, loneDashes: Bool = true) -> Bool {
        guard start < end else { return false }
        for offset in start..<end {
            switch text.scalars[offset] {
            case "\n", "\r", ";", "|", "!", "?", "\u{2022}": return true
            case "/", "\u{2014}", "-":
                // A slash or dash standing alone between spaces separates two thoughts.
                if loneDashes && text.isScalar(offset - 1, in: " ") && text.isScalar(offset + 1, in: " ") { return true }
            case ".":
                // A full stop ends a sentence when the next one starts with a capital, unless it
                // closes an abbreviation (`d.o.b. March`, `no. E123`).
                if text.isScalar(offset + 1, in: " "), let next = text[offset + 2], ScannedText.isUppercase(next) {
                    let word = text.tokenIndex(atOrAfter: offset) - 1
                    if word >= 0, text.tokens[word].end == offset, text.tokens[word].end - text.tokens[word].start >= 4 { return true }
                }
            default: continue
            }
        }
        return false
    }
}
