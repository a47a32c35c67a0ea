extension PersonRecognizer {
    /// What ``uncued(at:_:)`` made of the words at a token.
    enum Reading {
        /// A person's name over these tokens.
        case person(Range<Int>)
        /// A run of capitalised words that is not a person (a place, a firm, a list of
        /// partners' names): none of its words starts a name either.
        case other(end: Int)
    }

    /// A name no cue announces, starting at token `index`: one to four name-shaped words
    /// whose gazetteer weights say "person" (`Maria Rossi`, `Jean-Luc van der Berg`,
    /// `Иван Петров`), a lone given name (`Debra said`), a lone surname the next words show
    /// to be a person (`Rossi's`, `Rossi at Lazard`, `Rossi said`), or a table cell
    /// `Rossi, Maria`.
    static func uncued(at index: Int, _ words: NameWords) -> Reading? {
        let text = words.text
        let shape = words.shape(index)
        guard shape == .capitalised || shape == .allCapitals || shape == .uncased || isApostropheName(index, words) else { return nil }
        if shape == .uncased { return uncasedName(at: index, words).map { .person($0) } }
        // A cue word (`Kunde`, `Client`) starts a sentence, not a name.
        if introductions.endsAt(index, in: text) || addressing.endsAt(index, in: text) || titles.contains(text.tokens[index], in: text) { return nil }
        if let end = firmList(at: index, words) { return .other(end: end) }
        var parts: [Int] = []
        var cursor = index
        while cursor < text.tokens.count, parts.count < 4, !words.isFirm(cursor) {
            let current = words.shape(cursor)
            if isApostropheName(cursor, words) {
                parts.append(cursor + 1)
                cursor += 1
            } else if words.isParticle(cursor), current == .lowercase || current == .capitalised, !parts.isEmpty || current == .capitalised {
                // A particle only inside a name or starting one (`Van Dyke`).
            } else if current == .capitalised || current == .allCapitals || current == .uncased {
                parts.append(cursor)
            } else {
                break
            }
            guard cursor + 1 < text.tokens.count, words.joined(cursor, cursor + 1) else { break }
            cursor += 1
        }
        let runEnd = cursor + 1
        // `North Susan`, `San Francisco`: a place, whatever follows.
        if NameWords.placeStarts.contains(text.tokens[index], in: text) { return .other(end: runEnd) }
        // `The Campbell, Tyler and Parker deal`.
        if let named = parts.first(where: { words.weight($0) >= 0 }), named != index, let end = firmList(at: named, words) { return .other(end: end) }
        if let suffix = parts.firstIndex(where: { FirmNames.companySuffixes.contains(text.tokens[$0], in: text) }), suffix > 0 {
            return .other(end: max(runEnd, parts[suffix] + 1))
        }
        guard let range = person(in: parts, words) else { return .other(end: runEnd) }
        return .person(range)
    }

    /// Word sets asked of nearly every capitalised word: built once, filtered by sketch.
    static let firmJoiners: WordSet = ["and", "&"]
    static let placeWords: WordSet = ["in", "near", "across", "around", "via", "visiting", "im", "nach", "en", "a"]
    static let affiliations: WordSet = ["at", "from", "of"]
    static let listJoiners: WordSet = ["and", "und", "et", "y"]
    static let listJoinersAmpersand: WordSet = ["and", "&", "und", "et", "y"]
    static let apostropheInitials: WordSet = ["o", "d", "l"]

    /// Words inside Arabic names: son of, daughter of, father of, tribe of.
    static let arabicLinks: Set<String> = ["بن", "بنت", "ابن", "بنو", "بني", "ابو", "أبو", "ال"]
    /// Everyday Arabic words with the article, which follow a name in a sentence (`محمد علي اليوم`, "today").
    static let arabicWords: Set<String> = [
        "اليوم", "الان", "الآن", "الكشف", "التحويل", "الحساب", "البنك", "المبلغ", "الرقم", "الاجتماع", "العميل", "الموظف", "المدير",
        "الشركة", "الملف", "البطاقة", "الغد", "الصباح", "المساء", "الاسبوع", "الأسبوع", "الشهر", "السنة", "المكتب", "الهاتف", "العقد",
        "الطلب", "الدفع", "الفاتورة", "الموعد", "السيد", "السيدة", "الذي", "التي", "الى", "الي", "على", "عن",
    ]

    /// A name in a script without capitals (Arabic, Hebrew, Devanagari): a known given name
    /// followed by one to three words that are names too, or Arabic family names with the
    /// article (`محمد علي`, `يوسف الشمري`, `דוד כהן`).
    private static func uncasedName(at index: Int, _ words: NameWords) -> Range<Int>? {
        let text = words.text
        let kind = words.kind(index)
        // `عبد اللطيف`: "servant of" and a name of God is one given name.
        let compound = text.folded(text.tokens[index]) == "عبد" && index + 1 < text.tokens.count && words.shape(index + 1) == .uncased
        guard compound || kind.contains(.given) && kind.isDisjoint(with: [.common, .place]) else { return nil }
        var end = compound ? index + 2 : index + 1
        var named = false
        while end < text.tokens.count, end - index < 5, words.joined(end - 1, end), words.shape(end) == .uncased {
            let token = text.tokens[end]
            if arabicLinks.contains(text.folded(token)) {
                end += 1
                continue
            }
            let folded = text.folded(token)
            let family = !named && folded.hasPrefix("ال") && token.end - token.start >= 4 && !arabicWords.contains(folded)
            guard words.kind(end).isName || family || !named && compound else { break }
            named = true
            end += 1
        }
        while end > index, arabicLinks.contains(text.folded(text.tokens[end - 1])) { end -= 1 }
        return named ? index..<end : nil
    }

    /// The tokens of the person named by the name-shaped words `parts`, if they name one.
    private static func person(in parts: [Int], _ words: NameWords) -> Range<Int>? {
        let text = words.text
        var parts = parts
        let hyphenated = zip(parts, parts.dropFirst()).contains { words.gap($0, $1).contains("-") }
        // Drop everyday words and places at either end (`Call Maria`, `Maria Rossi Thursday`).
        while let first = parts.first, words.weight(first) < 0 { parts.removeFirst() }
        while let last = parts.last, words.weight(last) < 0 { parts.removeLast() }
        // `Can Amanda cover?`: a capitalised everyday word opening the sentence is not part of the name.
        if parts.count >= 2, words.startsSentence(parts[0]), words.kind(parts[0]).contains(.common),
            !words.kind(parts[0]).contains(.frequentGiven)
        {
            parts.removeFirst()
        }
        guard let first = parts.first, let last = parts.last else { return nil }
        let start = first > 0 && isApostropheName(first - 1, words) ? first - 1 : first
        let end = last + 1
        if FirmNames.contains(text.tokens[start..<end], in: text) { return nil }
        if end < text.tokens.count, FirmNames.companySuffixes.contains(text.tokens[end], in: text) { return nil }
        if end < text.tokens.count, NameWords.placeEnds.contains(text.tokens[end], in: text), words.gap(last, end) == " " { return nil }
        if parts.count >= 2, NameWords.placeEnds.contains(text.tokens[last], in: text) { return nil }
        if inList(first, words) { return nil }
        if parts.count == 1, let cell = tableCell(after: first, words) { return start..<cell }
        if parts.count == 1, start != first, words.weight(first) >= 1 { return start..<end }
        // `Merritt-Manning wants a quote`: joined surnames with no given name are a firm.
        if hyphenated, parts.count == 2, parts.allSatisfy({ words.kind($0).contains(.frequentSurname) }) { return nil }
        // `Peterson and Sons`, `Scott & Partners`.
        if end + 1 < text.tokens.count, firmJoiners.contains(text.tokens[end], in: text) || words.gap(last, end).contains("&"),
            FirmNames.companySuffixes.contains(text.isFolded(text.tokens[end], "and") ? text.tokens[end + 1] : text.tokens[end], in: text)
        {
            return nil
        }
        if parts.count == 1, first > 0,
            placeWords.contains(text.tokens[first - 1], in: text)
        {
            return nil
        }
        return accepts(parts, words) ? start..<end : nil
    }

    /// Whether the words `parts` (token indexes, particles left out) name a person.
    private static func accepts(_ parts: [Int], _ words: NameWords) -> Bool {
        let weights = parts.map { words.weight($0) }
        let shapes = parts.map { words.shape($0) }
        // Capitals are an acronym or a ticker unless the word is a name and nothing else.
        for (shape, weight) in zip(shapes, weights) where shape == .allCapitals && weight < 2 { return false }
        if shapes.contains(.allCapitals), !shapes.contains(.capitalised), parts.count < 2 { return false }
        if weights.contains(where: { $0 < 0 }) { return false }
        if NameWords.placeStarts.contains(words.text.tokens[parts[0]], in: words.text) { return false }
        if parts.count >= 2 {
            let kinds = parts.map { words.kind($0) }
            // An uncased script (no capitals to go by) needs every word known as a name.
            if shapes.contains(.uncased) { return kinds.allSatisfy(\.isName) && weights.contains(2) }
            // One word known as a name and nothing else, with another name-shaped word…
            if weights.contains(2), weights.reduce(0, +) >= 3 { return true }
            // …or a frequent given name and a frequent surname, both also words (`Rose
            // Walker`, `Dawn Porter`), unless the first is a sentence's first word (`Will Price rise?`).
            guard let lastKind = kinds.last, kinds[0].contains(.frequentGiven), lastKind.contains(.frequentSurname) else { return false }
            guard kinds[0].contains(.common), words.startsSentence(parts[0]) else { return true }
            let next = (parts.last ?? 0) + 1
            return supportsPerson(after: next - 1, words)
                || (next < words.text.tokens.count && pairVerbs.contains(words.text.tokens[next], in: words.text))
        }
        let part = parts[0]
        guard shapes[0] == .capitalised else {
            // An uncased script (Arabic, Hebrew) has no capital to mark a lone name.
            return false
        }
        let kind = words.kind(part)
        // A sentence's first word is capitalised anyway: alone it must be a frequent given name.
        if weights[0] == 2, kind.contains(.given), kind.contains(.frequentGiven) || !words.startsSentence(part) { return true }
        // A lone surname, or a name that is also a word, needs the next words to say "person".
        guard kind.isName, weights[0] >= 1 else { return false }
        return supportsPerson(after: part, words)
    }

    /// Words after a two-word name that show a person is meant (`Dawn Porter is out today`).
    static let pairVerbs: WordSet = ["is", "was", "has", "had", "gave", "from", "will", "can", "and", "at", "here", "there", "ist", "est", "es"]

    /// `Rossi's`, `Rossi said`, `Rossi at Lazard`, `Rossi from Acme`.
    private static func supportsPerson(after index: Int, _ words: NameWords) -> Bool {
        let text = words.text
        let next = index + 1
        guard next < text.tokens.count else { return false }
        let gap = words.gap(index, next)
        if text.isFolded(text.tokens[next], "s"), gap == "'" || gap == "’" { return true }
        guard gap == " " else { return false }
        if personVerbs.contains(text.tokens[next], in: text) { return true }
        if affiliations.contains(text.tokens[next], in: text), next + 1 < text.tokens.count, words.gap(next, next + 1) == " " {
            let after = words.shape(next + 1)
            return after == .capitalised || after == .allCapitals
        }
        return false
    }

    /// `Holmes, Anderson and Calderon`, `Wilson, Hendricks & Phillips`: three or more
    /// capitalised words in a list, most of them surnames, name a firm. Returns the token
    /// after the list.
    private static func firmList(at index: Int, _ words: NameWords) -> Int? {
        let text = words.text
        // At most six items, kept on the stack: asked of every capitalised word.
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 6) { items -> Int? in
            items[0] = index
            var count = 1
            var cursor = index
            while cursor + 1 < text.tokens.count, count < 6 {
                let gap = words.gap(cursor, cursor + 1)
                if gap == ", " || gap == " & " || gap == ", & " {
                    cursor += 1
                } else if gap == " " || gap == ", ", listJoiners.contains(text.tokens[cursor + 1], in: text), cursor + 2 < text.tokens.count,
                    words.gap(cursor + 1, cursor + 2) == " "
                {
                    cursor += 2
                } else {
                    break
                }
                guard words.shape(cursor) == .capitalised else { break }
                items[count] = cursor
                count += 1
            }
            guard count >= 3 else { return nil }
            let surnames = (0..<count).filter { words.kind(items[$0]).contains(.frequentSurname) }.count
            return surnames * 2 > count ? items[count - 1] + 1 : nil
        }
    }

    /// A surname in a list of them (`Holmes, Anderson and Calderon wants a quote`): a firm.
    private static func inList(_ index: Int, _ words: NameWords) -> Bool {
        let text = words.text
        guard words.kind(index).contains(.surname), !words.kind(index).contains(.frequentGiven) else { return false }
        if index >= 2, listJoinersAmpersand.contains(text.tokens[index - 1], in: text) || words.gap(index - 1, index).contains("&") {
            let before = words.shape(index - 2)
            return before == .capitalised && words.kind(index - 2).contains(.surname)
        }
        return false
    }

    /// `Rossi, Maria` in a table row or a list: the surname, a comma, a given name. Returns
    /// the token after the given name.
    private static func tableCell(after index: Int, _ words: NameWords) -> Int? {
        let next = index + 1
        guard next < words.text.tokens.count, words.gap(index, next) == ", ", words.kind(index).contains(.surname),
            words.shape(next) == .capitalised, words.weight(next) == 2, words.kind(next).contains(.given)
        else { return nil }
        // `Allen, Reyes and Chase`, `Morton, Medina, Webb`: a list of surnames, not a row.
        if next + 1 < words.text.tokens.count {
            let after = words.gap(next, next + 1)
            if after == ", " || listJoinersAmpersand.contains(words.text.tokens[next + 1], in: words.text) { return nil }
        }
        return next + 1
    }

    /// `O'Brien`, `D'Angelo`: a lone capital `O`, `D` or `L`, an apostrophe, a capitalised word.
    static func isApostropheName(_ index: Int, _ words: NameWords) -> Bool {
        let text = words.text
        let token = text.tokens[index]
        guard token.end - token.start == 1, apostropheInitials.contains(token, in: text), ScannedText.isUppercase(text.scalars[token.start]),
            index + 1 < text.tokens.count, text.tokens[index + 1].start == token.end + 1,
            text.isScalar(token.end, in: "'’"), words.shape(index + 1) == .capitalised
        else { return false }
        return true
    }
}
