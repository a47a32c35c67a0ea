/// Given names, surnames, places and the everyday words among them, folded the way a
/// token is (`ScannedText.Token.folded`), so a word of a message is looked up as it stands.
///
/// Built by `scripts/names/build_gazetteer.py` from the US Census 1990 name files, Faker's
/// per-locale name and place lists and the SCOWL English word list (sources and licences in
/// `Names/NOTICE.md` and `docs/NAMES.md`). Read once per process, on first use.
struct NameGazetteer: Sendable {
    /// What a folded word may be. A word can be several things (`jordan`: a given name, a
    /// surname and a place; `price`: a surname and an everyday word).
    struct Kind: OptionSet, Sendable {
        let rawValue: UInt8
        static let given = Kind(rawValue: 1)
        /// Among the most frequent given names: enough on its own in a name-shaped place.
        static let frequentGiven = Kind(rawValue: 2)
        static let surname = Kind(rawValue: 4)
        static let frequentSurname = Kind(rawValue: 8)
        static let place = Kind(rawValue: 16)
        /// An everyday word (`may`, `will`, `grant`): a name only where the context says so.
        static let common = Kind(rawValue: 32)

        var isName: Bool { !isDisjoint(with: [.given, .surname]) }
    }

    /// The gazetteer of the shipped data.
    static let shared = NameGazetteer(data: NameGazetteer.data)

    /// Given names ranked above this count as frequent.
    static let frequentGivenRank = 3000
    /// Surnames ranked above this count as frequent.
    static let frequentSurnameRank = 20000

    /// Folded word to kind, looked up with a token's bytes (no string built or hashed).
    private let kinds: FoldedWordTable

    init(data: String) {
        var data = data
        // Read straight from the text's bytes: building a string per line and hashing it
        // cost more than a hundred thousand messages' worth of lookups. The lines are folded
        // like tokens, so already in canonical decomposition (``FoldedWordTable/key(_:)``).
        kinds = data.withUTF8 { bytes in
            var kinds = FoldedWordTable(capacity: 120_000)
            var section = Kind()
            var rank = 0
            var lineStart = 0
            let newline = UInt8(ascii: "\n")
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count, bytes[lineEnd] != newline { lineEnd += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[lineStart..<lineEnd])
                lineStart = lineEnd + 1
                guard !line.isEmpty else { continue }
                if line[0] == UInt8(ascii: "#") {
                    switch String(decoding: line, as: UTF8.self) {
                    case "#given": section = .given
                    case "#surname": section = .surname
                    case "#place": section = .place
                    default: section = .common
                    }
                    rank = 0
                    continue
                }
                var kind = section
                if section == .given, rank < Self.frequentGivenRank { kind.insert(.frequentGiven) }
                if section == .surname, rank < Self.frequentSurnameRank { kind.insert(.frequentSurname) }
                kinds.insert(line, value: Int32(kind.rawValue)) { $0 | $1 }
                rank += 1
            }
            return kinds
        }
    }

    /// What the folded word may be; empty when the gazetteer does not know it.
    func kind(of folded: String) -> Kind {
        kinds.value(of: folded).map { Kind(rawValue: UInt8($0)) } ?? []
    }

    /// What the folded word with these bytes and hash (``FoldedWordTable/hash(_:)``) may be.
    func kind(hash: UInt64, bytes: UnsafeBufferPointer<UInt8>) -> Kind {
        kinds.value(hash: hash, bytes: bytes).map { Kind(rawValue: UInt8($0)) } ?? []
    }

    var count: Int { kinds.count }

    /// Every folded word of exactly these kinds among `kinds` (for tests and generators).
    func words(matching include: Kind, excluding exclude: Kind) -> [String] {
        kinds.entries.compactMap { entry in
            let kind = Kind(rawValue: UInt8(entry.value))
            return kind.isSuperset(of: include) && kind.isDisjoint(with: exclude) ? entry.word : nil
        }.sorted()
    }
}
