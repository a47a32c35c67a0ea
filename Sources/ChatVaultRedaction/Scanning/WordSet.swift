/// A set of folded words asked about the tokens of a message (`mr`, `llc`, `monday`),
/// with a sketch filter in front of the hash set.
struct WordSet: Sendable, ExpressibleByArrayLiteral {
    private let words: Set<String>
    private let filter: WordSketch.Filter

    init(_ words: some Sequence<String>) {
        self.words = Set(words)
        var filter = WordSketch.Filter()
        for word in self.words { filter.insert(word) }
        self.filter = filter
    }

    init(arrayLiteral elements: String...) {
        self.init(elements)
    }

    func contains(_ token: ScannedText.Token) -> Bool {
        filter.mayContain(token.sketch) && words.contains(token.folded)
    }

    func contains(_ word: String) -> Bool {
        words.contains(word)
    }
}
