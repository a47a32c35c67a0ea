/// How the person recognizer sees one word of a message: its shape (capitalised, all
/// capitals, lower case, a script without case) and what the gazetteer says it may be.
struct NameWords {
    /// Words that join the parts of a name (`van der Berg`, `de la Cruz`, `bin Salman`,
    /// `al-Rashid`); never a name on their own.
    static let particles: WordSet = [
        "van", "von", "der", "den", "de", "del", "della", "degli", "di", "da", "du", "des", "la", "le", "dos", "das", "do", "bin", "binti",
        "bint", "ibn", "al", "el", "ben", "ter", "ten", "zu", "af", "av", "mac", "y", "e", "st", "ap", "abu", "ul", "op",
    ]

    /// Words that start a place's name (`San Francisco`, `New Orleans`, `Fort Worth`).
    static let placeStarts: WordSet = [
        "san", "santa", "santo", "sao", "saint", "st", "ste", "new", "los", "las", "fort", "port", "porto", "puerto", "mount", "mt", "lake",
        "north", "south", "east", "west", "upper", "lower", "great", "little", "bad", "sankt", "costa", "rio", "cape", "isle", "glen", "palm",
        "hong", "kuala", "buenos", "tel", "abu", "sri", "el",
    ]

    enum Shape {
        /// `Maria`, `McDonald`, `Ольга`.
        case capitalised
        /// `ROSSI`.
        case allCapitals
        /// `maria`.
        case lowercase
        /// A letter of a script without case (Arabic, Hebrew, Devanagari…).
        case uncased
        /// Digits, one letter, or anything else a name is not.
        case other
    }

    /// Words that end a place's or a building's name (`Grant Park`, `Hudson Yards`).
    static let placeEnds: WordSet = [
        "park", "street", "st", "avenue", "ave", "road", "rd", "lane", "square", "sq", "bridge", "tower", "towers", "hall", "house",
        "center", "centre", "plaza", "place", "yards", "river", "lake", "bay", "beach", "island", "valley", "hills", "heights", "station",
        "airport", "university", "college", "school", "hospital", "clinic", "church", "county", "city", "town", "village", "falls",
        "springs", "gardens", "court", "drive", "way", "boulevard", "blvd", "terrace", "building", "stadium", "arena", "mall", "hotel",
    ]

    let text: ScannedText
    let gazetteer: NameGazetteer
    /// Tokens inside a firm's name (``FirmNames/covered(in:)``).
    let firms: [Bool]?
    /// The gazetteer's answer and the weight of each token, worked out once per message: the
    /// recognizer asks about most words several times.
    private let answers: Answers

    init(text: ScannedText, gazetteer: NameGazetteer, firms: [Bool]?) {
        self.text = text
        self.gazetteer = gazetteer
        self.firms = firms
        answers = Answers(count: text.tokens.count)
    }

    /// Per-token memory of ``kind(_:)`` and ``weight(_:)`` (a raw buffer: read and written
    /// without the exclusivity checks of a class's array).
    private final class Answers {
        static let unknown: UInt8 = 0xFF
        /// Kinds in the first half, weights in the second: one allocation.
        private let storage: UnsafeMutableBufferPointer<UInt8>
        private let count: Int

        init(count: Int) {
            self.count = count
            storage = .allocate(capacity: max(2 * count, 1))
            storage.initialize(repeating: Self.unknown)
        }

        deinit {
            storage.deallocate()
        }

        func kind(_ index: Int) -> UInt8 { storage[index] }
        func setKind(_ index: Int, _ value: UInt8) { storage[index] = value }
        func weight(_ index: Int) -> UInt8 { storage[count + index] }
        func setWeight(_ index: Int, _ value: UInt8) { storage[count + index] = value }
    }

    func isFirm(_ index: Int) -> Bool {
        firms?[index] ?? false
    }

    /// Whether token `index` starts a sentence, where every word is capitalised.
    func startsSentence(_ index: Int) -> Bool {
        var offset = text.tokens[index].start - 1
        while offset >= 0, ScannedText.isSpace(text.scalars[offset]) { offset -= 1 }
        guard offset >= 0 else { return true }
        return ScannedText.contains(".!?:;|\n\r•*>-–—\"“(", text.scalars[offset])
    }

    func shape(_ index: Int) -> Shape {
        let token = text.tokens[index]
        guard !token.hasDigit else { return .other }
        let first = text.scalars[token.start]
        if first.value < 0x80 {
            guard token.end - token.start >= 2 else { return .other }
            let second = text.scalars[token.start + 1]
            if ScannedText.isUppercase(first) {
                if ScannedText.isLowercase(second) { return .capitalised }
                // `McDonald`, `DeLuca` read as capitalised; `TSLA` as capitals.
                return token.end - token.start >= 2 && ScannedText.isUppercase(second) ? .allCapitals : .other
            }
            return ScannedText.isLowercase(first) ? .lowercase : .other
        }
        let properties = first.properties
        if properties.isUppercase {
            guard token.end - token.start >= 2 else { return .other }
            return ScannedText.isLowercase(text.scalars[token.start + 1]) ? .capitalised : .allCapitals
        }
        if properties.isLowercase { return .lowercase }
        return properties.isAlphabetic && !CJKNames.isCJK(first) ? .uncased : .other
    }

    func kind(_ index: Int) -> NameGazetteer.Kind {
        let known = answers.kind(index)
        if known != Answers.unknown { return NameGazetteer.Kind(rawValue: known) }
        let token = text.tokens[index]
        let kind = text.withFoldedBytes(token) { gazetteer.kind(hash: token.hash, bytes: $0) }
        answers.setKind(index, kind.rawValue)
        return kind
    }

    /// How much a word says "name": 2 a name and nothing else, 1 a name that is also a place
    /// or an everyday word or an unknown word shaped like a name, below 0 an everyday word
    /// or a place that is no one's name, or a word that never names a person.
    func weight(_ index: Int) -> Int {
        let known = answers.weight(index)
        if known != Answers.unknown { return Int(Int8(bitPattern: known)) }
        let weight = computedWeight(index)
        answers.setWeight(index, UInt8(bitPattern: Int8(weight)))
        return weight
    }

    private func computedWeight(_ index: Int) -> Int {
        let token = text.tokens[index]
        if FirmNames.products.contains(token, in: text), isGivenNameBeforeASurname(index) { return 1 }
        if FirmNames.notNames.contains(token, in: text) || FirmNames.products.contains(token, in: text)
            || FirmNames.companySuffixes.contains(token, in: text)
        {
            return -3
        }
        let kind = self.kind(index)
        if kind.isName {
            return kind.isDisjoint(with: [.common, .place]) ? 2 : 1
        }
        if !kind.isDisjoint(with: [.common, .place]) { return -2 }
        // An unknown word: a rare name, or a brand, or a word of a language we hold no list for.
        return token.end - token.start >= 3 ? 1 : 0
    }

    /// A brand that is also a given name, written as one and followed by a surname that is no
    /// brand, place or everyday word (`Chanel Buckwalter`, `Alexa Okafor`): a person, while
    /// `Chanel bags` or `Dell laptops` stay brands.
    func isGivenNameBeforeASurname(_ index: Int) -> Bool {
        let next = index + 1
        guard next < text.tokens.count, kind(index).contains(.given), shape(index) == .capitalised, shape(next) == .capitalised,
            gap(index, next) == " "
        else { return false }
        let following = kind(next)
        return following.contains(.surname) && following.isDisjoint(with: [.common, .place])
            && !FirmNames.products.contains(text.tokens[next], in: text)
            && !FirmNames.notNames.contains(text.tokens[next], in: text)
    }

    func isParticle(_ index: Int) -> Bool {
        NameWords.particles.contains(text.tokens[index], in: text)
    }

    /// The characters between two neighbouring tokens, compared without building a string
    /// (the recognizer asks about nearly every pair of words).
    struct Gap {
        let scalars: ArraySlice<Unicode.Scalar>

        static func == (gap: Gap, text: StaticString) -> Bool {
            guard text.hasPointerRepresentation else { return gap.scalars.count == 1 && gap.scalars.first == text.unicodeScalar }
            let bytes = UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
            if text.isASCII {
                // One byte is one scalar.
                guard gap.scalars.count == bytes.count else { return false }
                var index = gap.scalars.startIndex
                for byte in bytes {
                    guard gap.scalars[index].value == UInt32(byte) else { return false }
                    index += 1
                }
                return true
            }
            // Each scalar is one UTF-8 byte at least.
            guard gap.scalars.count <= bytes.count else { return false }
            var index = gap.scalars.startIndex
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar):
                    guard index < gap.scalars.endIndex, gap.scalars[index] == scalar else { return false }
                    index += 1
                case .emptyInput:
                    return index == gap.scalars.endIndex
                case .error:
                    return false
                }
            }
        }

        func contains(_ scalar: Unicode.Scalar) -> Bool {
            scalars.contains(scalar)
        }
    }

    /// The text between two neighbouring tokens.
    func gap(_ left: Int, _ right: Int) -> Gap {
        Gap(scalars: text.scalars[text.tokens[left].end..<text.tokens[right].start])
    }

    /// Whether tokens `left` and `right` are joined as parts of one name (`Ana María`,
    /// `Smith-Jones`, `O'Brien`, `al-Rashid`).
    func joined(_ left: Int, _ right: Int) -> Bool {
        let start = text.tokens[left].end
        let end = text.tokens[right].start
        guard end > start, end - start <= 2 else { return false }
        if end - start == 1 { return ScannedText.contains(" -'’\u{A0}", text.scalars[start]) }
        return text.scalars[start] == " " && text.scalars[start + 1] == " "
    }
}
