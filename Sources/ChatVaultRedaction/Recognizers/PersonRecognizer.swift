/// Person names, found from what the words are and where they stand.
///
/// A name counts when the sentence announces it — a title (`Mr. John Smith`, `Dr Patel`,
/// `Frau Müller`), an introduction (`my name is Ana Lopez`, `me llamo …`), a greeting or
/// contact verb (`hi Dana`, `spoke to john smith`), a record word (`pt`, `cust`, `client`,
/// `for`), a possessive personal-data word (`Linda Jarvis's SSN`) — or, with no cue, when
/// the name gazetteer (``NameGazetteer``) knows its words as names and not as everyday
/// words or places: `Maria Rossi called`, `Rossi, Maria | 0161…`, `Иван Петров`, `王伟`.
/// Names of financial firms (`Morgan Stanley`), products, words before a company suffix
/// (`Bernard LLC`) and ordinary capitalised words (`May`, `Will`, `Grant Park`) are left
/// alone unless the context says a person is meant.
///
/// Names of ``KnownPeople`` (the firm's directory and the workspace's members) are left in
/// place: they are in the record anyway.
enum PersonRecognizer {
    static let titles: WordSet = [
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "sr", "sra", "srta", "mme", "mlle", "sir", "madam", "m", "sig", "signor",
        "signora", "dott", "dra", "don", "dona", "senhor", "senhora", "pan", "pani", "heer", "mevrouw", "dhr", "mevr", "господин", "госпожа",
        "г", "гн", "κ", "κος", "κα", "κυριος", "κυρια", "السيد", "السيدة", "מר", "גברת",
    ]
    /// Words after which a name is expected, in whatever case it is typed (`pt maria lopez`).
    static let introductions = CueLexicon([
        "my name is", "name is", "name", "names", "signed", "regards", "customer", "client", "patient", "pt", "cust", "caller", "member",
        "applicant", "borrower", "insured", "policyholder", "account holder", "cardholder", "card holder", "beneficiary", "attn", "c/o",
        "ich heisse", "mein name ist", "kunde", "kundin", "patientin", "me llamo", "mi nombre es", "cliente", "paciente", "je m'appelle",
        "mon nom est", "mi chiamo", "il mio nome e", "меня зовут", "клиент", "клиентка", "пациент", "με λενε", "πελατης", "اسمي",
    ])
    /// Greetings and contact verbs that chat puts right before a person's name (`hi Dana`,
    /// `ping Li Wei`, `spoke with Ana Lopez`).
    static let addressing = CueLexicon([
        "hi", "hello", "hey", "dear", "thanks", "thank you", "thx", "cheers", "ping", "ask", "cc", "spoke with", "spoke to", "speak to",
        "speak with", "talk to", "talked to", "talk with", "talked with", "meeting with", "meet with", "met with", "w/", "check with",
        "loop in", "looping in", "forward to", "reach out to", "hola", "hallo", "gracias", "merci", "ciao", "bonjour", "привет",
        "здравствуйте", "γεια", "مرحبا",
    ])
    /// Words that may stand before a name but before much else too (`for Maria`, `for Monday`):
    /// the name's own words must carry it.
    static let weakCues = CueLexicon([
        "for", "from", "by", "to", "with", "per", "email", "call", "called", "tell", "told", "i am", "i'm", "im", "this is", "visit",
        "für", "von", "mit", "pour", "avec", "para", "con", "per", "для", "от", "για", "με", "مع", "من",
    ])
    /// Words after a name that show it is a person's data being given (`Ana Lopez's SSN`, `Ana Lopez passport …`).
    static let personalData = CueLexicon([
        "ssn", "ss", "social", "social security", "passport", "dob", "d.o.b", "date of birth", "birthday", "mobile", "cell", "phone",
        "email", "e-mail", "account", "acct", "card", "address", "home address", "license", "licence",
    ])
    /// Words after a lone name that show a person acts (`Rossi said`, `Jordan called`).
    static let personVerbs: WordSet = [
        "said", "says", "asked", "asks", "called", "calls", "wrote", "writes", "mentioned", "confirmed", "replied", "wants", "wanted",
        "thinks", "agreed", "signed", "emailed", "texted", "phoned", "joined", "left", "sagt", "dice", "dit", "ha", "hat", "sent", "rang",
    ]

    /// Words joining two names (`ask Dana and Li Wei`).
    static let joiners: WordSet = ["and", "or", "&", "und", "et", "y", "и"]

    static func scan(_ text: ScannedText, known: KnownPeople? = nil, into detections: inout [Detection]) {
        let words = NameWords(text: text, gazetteer: .shared, firms: FirmNames.covered(in: text))
        let first = detections.count
        let tokens = text.tokens
        var index = 0
        while index < tokens.count {
            if words.isFirm(index) {
                index += 1
                continue
            }
            if let end = cued(at: index, words, into: &detections) {
                index = end
                continue
            }
            switch uncued(at: index, words) {
            case .person(let run)?:
                append(run.lowerBound, run.upperBound, in: text, into: &detections)
                index = run.upperBound
            case .other(let end)?:
                index = max(end, index + 1)
            case nil:
                index += 1
            }
        }
        CJKNames.scan(text, words: words, into: &detections)
        if let known, !known.isEmpty, detections.count > first {
            let kept = detections[first...].filter { !known.contains(text, $0.start, $0.end) }
            detections.replaceSubrange(first..., with: kept)
        }
    }

    /// A name announced by the token at `index` (title, introduction, greeting, weak cue,
    /// @mention): records it and returns the token after it.
    private static func cued(at index: Int, _ words: NameWords, into detections: inout [Detection]) -> Int? {
        let text = words.text
        let tokens = text.tokens
        var start: Int?
        var strength = 2  // 2: any name-shaped word; 1: the words must be names
        var lowercase = false
        if titles.contains(tokens[index], in: text), index + 1 < tokens.count {
            let gap = words.gap(index, index + 1)
            if gap == " " || gap == ". " { start = index + 1 }
            lowercase = true
        } else if index + 1 < tokens.count, !introductions.endsAt(index + 1, in: text) {
            let gap = words.gap(index, index + 1)
            // Compared only after a cue: most words are none.
            if introductions.endsAt(index, in: text) || addressing.endsAt(index, in: text) {
                let plain = gap == " " || gap == ": " || gap == ", " || gap == " - "
                if plain || (gap == " @" && addressing.endsAt(index, in: text)) {
                    start = index + 1
                    lowercase = true
                }
            } else if weakCues.endsAt(index, in: text), gap == " " {
                start = index + 1
                strength = 1
                lowercase = true
            }
        }
        if start == nil, text.isScalar(tokens[index].start - 1, in: "@"), !text.isAlnum(at: tokens[index].start - 2) {
            start = index  // an @mention: whatever the word, a person is meant
            strength = 3
        }
        guard let first = start, var end = run(from: first, words, lowercase: lowercase, strength: strength) else { return nil }
        detections.append(detection(first, end, in: text))
        // `ask Dana and Li Wei`: a name joined to a found one is a name too.
        while end + 1 < tokens.count, joiners.contains(tokens[end], in: text) || words.gap(end - 1, end) == " & " {
            let next = text.isFolded(tokens[end], "&") || !tokens[end].hasLetter ? end : end + 1
            guard let after = run(from: next, words, lowercase: lowercase, strength: strength) else { break }
            detections.append(detection(next, after, in: text))
            end = after
        }
        return end
    }

    /// The token after a name of one to four words (particles between them) starting at
    /// `start`, if the words make one.
    private static func run(from start: Int, _ words: NameWords, lowercase: Bool, strength: Int) -> Int? {
        let text = words.text
        var parts: [Int] = []
        var index = start
        var end = start
        while index < text.tokens.count, parts.count < 4 {
            let shape = words.shape(index)
            let isWord: Bool
            switch shape {
            case .capitalised, .allCapitals, .uncased: isWord = !CJKNames.isCJK(text.scalars[text.tokens[index].start])
            case .lowercase:
                // Lower case after a strong cue: a frequent name, or a word no list knows (`pt ewan underhill`).
                let kind = words.kind(index)
                // A capitalised name does not go on in lower case (`Anna Weiss möchte`).
                let capitalised = parts.first.map { words.shape($0) != .lowercase } ?? false
                isWord =
                    lowercase && !capitalised && !words.isParticle(index)
                    && ((words.weight(index) == 2 || !parts.isEmpty && words.weight(index) == 1 && continues(index, words))
                        && (!kind.isDisjoint(with: [.frequentGiven, .frequentSurname]) || strength == 2)
                        || strength == 2 && kind.isEmpty && text.tokens[index].end - text.tokens[index].start >= 3)
            case .other: isWord = false
            }
            if words.isFirm(index) { break }
            if isWord, !(words.isParticle(index) && shape == .lowercase) {
                parts.append(index)
                end = index + 1
            } else if !(words.isParticle(index) && !parts.isEmpty) {
                break
            }
            guard index + 1 < text.tokens.count, words.joined(index, index + 1) else { break }
            index += 1
        }
        guard let firstPart = parts.first else { return nil }
        let weights = parts.map { words.weight($0) }
        if strength < 3, weights[0] <= -2 || NameWords.placeStarts.contains(text.tokens[firstPart], in: text) { return nil }
        if let suffix = parts.firstIndex(where: { FirmNames.companySuffixes.contains(text.tokens[$0], in: text) }), suffix > 0 { return nil }
        if strength == 1 {
            let total = weights.reduce(0, +)
            guard weights[0] == 2 || (parts.count >= 2 && total >= 3 && weights.contains(2)) else { return nil }
            // After `for` or `to`, capitals are an acronym (`wire to IBAN`), lower case a word.
            if words.shape(firstPart) == .allCapitals { return nil }
            if words.shape(firstPart) == .lowercase, parts.count < 2 { return nil }
        }
        if words.shape(firstPart) == .allCapitals, weights[0] < 2 { return nil }
        // Lower-case words no list knows count only in pairs (`pt ewan underhill`, not `client onboarding`).
        if words.shape(firstPart) == .lowercase, parts.count < 2,
            words.kind(firstPart).isEmpty || words.kind(firstPart).isDisjoint(with: [.frequentGiven, .frequentSurname])
        {
            return nil
        }
        // Only as far as the last word that can be part of a name (`Maria Rossi Thursday`).
        var last = parts.count - 1
        while last > 0, weights[last] < 0 { last -= 1 }
        end = parts[last] + 1
        if FirmNames.contains(text.tokens[start..<end], in: text) { return nil }
        if end < text.tokens.count, FirmNames.companySuffixes.contains(text.tokens[end], in: text) { return nil }
        return end
    }

    /// Words that never continue a lower-case name (`ask maria to join`, `john will call`).
    static let functionWords: WordSet = [
        "to", "and", "or", "the", "a", "an", "will", "can", "may", "might", "is", "was", "are", "has", "had", "have", "did", "does", "said",
        "says", "about", "for", "from", "with", "at", "on", "in", "of", "by", "this", "that", "today", "tomorrow", "again", "too", "also",
        "pls", "please", "asap", "re", "cc", "who", "what", "when", "why", "how", "not", "just",
    ]

    /// Whether a lower-case word that is a name and an everyday word continues a name (`john smith`).
    private static func continues(_ index: Int, _ words: NameWords) -> Bool {
        let token = words.text.tokens[index]
        return token.end - token.start >= 4 && !functionWords.contains(token, in: words.text) && words.kind(index).contains(.frequentSurname)
    }

    private static func detection(_ first: Int, _ end: Int, in text: ScannedText) -> Detection {
        Detection(
            start: text.tokens[first].start, end: text.tokens[end - 1].end, pii: .person,
            strength: Detection.cue)
    }

    static func append(_ first: Int, _ end: Int, in text: ScannedText, into detections: inout [Detection]) {
        detections.append(detection(first, end, in: text))
    }
}
