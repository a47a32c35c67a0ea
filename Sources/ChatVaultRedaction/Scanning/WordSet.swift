/// A set of folded words asked about the tokens of a message (`mr`, `llc`, `monday`),
/// looked up by the token's folded bytes and hash (``FoldedWordTable``).
struct WordSet: Sendable, ExpressibleByArrayLiteral {
    private let table: FoldedWordTable

    init(_ words: some Sequence<String>) {
        var table = FoldedWordTable()
        for word in words { table.insert(word, value: 0) }
        self.table = table
    }

    init(arrayLiteral elements: String...) {
        self.init(elements)
    }

    /// Whether the folded form of token is in the set.
    func contains(_ token: ScannedText.Token, in text: ScannedText) -> Bool {
        table.mayContain(hash: token.hash) && text.withFoldedBytes(token) { table.value(hash: token.hash, bytes: $0) != nil }
    }

    func contains(_ word: String) -> Bool {
        table.contains(word)
    }
}
