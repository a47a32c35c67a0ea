/// Words that announce a value (`dob`, `d.o.b.`, `ss#`, `Geburtsdatum`), matched whole-word
/// and case-insensitively on the tokens of a message. A cue is a sequence of tokens, so
/// `date of birth` and `d.o.b.` both work; punctuation between the words is ignored.
struct CueLexicon: Sendable {
    /// Every word of every cue, numbered.
    private var words = FoldedWordTable()
    /// Each cue as the numbers of its words.
    private var phrases: [[Int32]] = []
    /// The cues ending, and starting, with each word (by word number).
    private var byLastWord: [[Int]] = []
    private var byFirstWord: [[Int]] = []

    init(_ phrases: [String]) {
        for phrase in phrases {
            let scanned = ScannedText(phrase)
            guard !scanned.tokens.isEmpty else { continue }
            let ids = scanned.tokens.map { token in
                let word = scanned.folded(token)
                if let id = words.value(of: word) { return id }
                let id = Int32(byLastWord.count)
                words.insert(word, value: id)
                byLastWord.append([])
                byFirstWord.append([])
                return id
            }
            byLastWord[Int(ids[ids.count - 1])].append(self.phrases.count)
            byFirstWord[Int(ids[0])].append(self.phrases.count)
            self.phrases.append(ids)
        }
    }

    /// The number of the cue word token `index` is, if it is one.
    @inline(__always)
    private func word(_ index: Int, in text: ScannedText) -> Int32? {
        let token = text.tokens[index]
        guard words.mayContain(hash: token.hash) else { return nil }
        return text.withFoldedBytes(token) { words.value(hash: token.hash, bytes: $0) }
    }

    /// Whether a cue ends at token `index`.
    func endsAt(_ index: Int, in text: ScannedText) -> Bool {
        guard index >= 0, index < text.tokens.count, let last = word(index, in: text) else { return false }
        for phrase in byLastWord[Int(last)] {
            let ids = phrases[phrase]
            guard ids.count <= index + 1 else { continue }
            var matches = true
            var k = 1
            while k < ids.count {
                if word(index - k, in: text) != ids[ids.count - 1 - k] {
                    matches = false
                    break
                }
                k += 1
            }
            if matches { return true }
        }
        return false
    }

    /// Whether any cue occurs in `text`. Recognizers that need a cue ask this first.
    func occurs(in text: ScannedText) -> Bool {
        text.tokens.indices.contains { endsAt($0, in: text) }
    }

    /// Whether a cue starts at token `index`.
    func startsAt(_ index: Int, in text: ScannedText) -> Bool {
        guard index >= 0, index < text.tokens.count, let first = word(index, in: text) else { return false }
        return byFirstWord[Int(first)].contains { phrase in
            let ids = phrases[phrase]
            return index + ids.count <= text.tokens.count && (1..<ids.count).allSatisfy { word(index + $0, in: text) == ids[$0] }
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
            guard fillers.contains(text.tokens[index], in: text) else { return false }
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
