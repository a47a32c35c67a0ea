/// The firm's own people — the directory's names and handles, a workspace's members — whose
/// names stay in the record: they are named in it anyway (as senders and recipients), so
/// masking an `@mention` of a colleague only damages the record.
///
/// Names are compared folded (case and diacritics ignored), word by word: a name found in a
/// message is known when all its words belong to one known person (`Dana`, `Dana Smith`,
/// `Smith, Dana`) or it is one of their handles (`dana.smith`). Particles (`van`, `de`)
/// are ignored.
///
/// ```swift
/// var redactor = Redactor(policy: .default, secret: key)
/// redactor.knownPeople = KnownPeople(names: ["Dana Smith"], handles: ["dsmith"])
/// redactor.redact("ask @Dana Smith and Maria Rossi").text  // "ask @Dana Smith and [REDACTED:PERSON]"
/// ```
public struct KnownPeople: Sendable, Hashable {
    /// Person numbers by folded word of their names and handles.
    private var people: [String: Set<Int>] = [:]
    /// Whole folded handles and names (`dana.smith`), which match as one piece.
    private var whole: Set<String> = []
    private var count = 0

    public init() {}

    /// - Parameters:
    ///   - names: one entry per person (`Dana Smith`); a person's several names can be given
    ///     with ``adding(name:handles:)``.
    ///   - handles: handles of anyone, each also read as a person of its own.
    public init(names: some Sequence<String>, handles: some Sequence<String> = [String]()) {
        for name in names { add(name: name, handles: []) }
        for handle in handles { add(name: nil, handles: [handle]) }
    }

    public var isEmpty: Bool { count == 0 }

    /// One person, with every name and handle they go by (a display name, a real name, a user name).
    public mutating func add(name: String?, handles: [String]) {
        let person = count
        count += 1
        for text in [name].compactMap(\.self) + handles {
            let words = Self.words(text)
            guard !words.isEmpty else { continue }
            whole.insert(words.joined(separator: " "))
            for word in words { people[word, default: []].insert(person) }
        }
    }

    public func adding(name: String?, handles: [String]) -> KnownPeople {
        var copy = self
        copy.add(name: name, handles: handles)
        return copy
    }

    /// Everyone of both.
    public func merging(_ other: KnownPeople) -> KnownPeople {
        var merged = self
        for (word, persons) in other.people { merged.people[word, default: []].formUnion(persons.map { $0 + count }) }
        merged.whole.formUnion(other.whole)
        merged.count += other.count
        return merged
    }

    /// Whether the name at `start..<end` of the scanned text is one of the known people.
    func contains(_ text: ScannedText, _ start: Int, _ end: Int) -> Bool {
        let words = text.tokens[text.tokenIndex(atOrAfter: start)...].prefix { $0.start < end }.map { text.folded($0) }
            .filter { !NameWords.particles.contains($0) }
        guard let first = words.first else { return false }
        if whole.contains(words.joined(separator: " ")) { return true }
        var candidates = people[first] ?? []
        for word in words.dropFirst() where !candidates.isEmpty {
            candidates.formIntersection(people[word] ?? [])
        }
        return !candidates.isEmpty
    }

    /// A name's words, folded like a message's tokens.
    static func words(_ text: String) -> [String] {
        let scanned = ScannedText(text)
        return scanned.tokens.filter(\.hasLetter).map { scanned.folded($0) }.filter { !NameWords.particles.contains($0) }
    }
}
