import Foundation
import PropertyBased
import Testing

@testable import ChatVaultRedaction

/// The byte-level lookups (``FoldedWordTable`` behind word sets, cue lexicons and the
/// name gazetteer) answer as the `String` sets and dictionaries they replaced: a token's
/// folded string compared with `==` (canonical equivalence), looked up by its bytes.
struct FoldedLookupTests {
    /// Words in several scripts, with accents written precomposed and decomposed, and
    /// Hangul, kana and compatibility forms.
    static let words = [
        "mr", "and", "llc", "café", "cafe\u{301}", "müller", "mu\u{308}ller", "господин", "йога", "κυριος", "السيد", "מר", "김민준",
        "\u{1100}\u{1175}\u{11B7}", "さとう", "ガ", "\u{30AB}\u{3099}", "ﬁle", "straße", "ǅ", "x",
    ]

    /// Text that mixes `words` (in any case), gazetteer words and any scalars.
    static func text(_ random: inout SplitMix, gazetteer: [String]) -> String {
        var parts: [String] = []
        for _ in 0..<Int(random.next() % 8) {
            switch random.next() % 4 {
            case 0: parts.append(words[Int(random.next() % UInt64(words.count))])
            case 1:
                let word = gazetteer[Int(random.next() % UInt64(gazetteer.count))]
                parts.append(random.next() % 2 == 0 ? word : word.capitalized)
            case 2: parts.append(words[Int(random.next() % UInt64(words.count))].uppercased())
            default:
                var view = String.UnicodeScalarView()
                view.append(contentsOf: RedactionFastPathTests.randomText(&random))
                parts.append(String(view))
            }
        }
        return parts.joined(separator: random.next() % 2 == 0 ? " " : ", ")
    }

    /// The gazetteer as it was read before: a dictionary keyed by each line's string.
    static let reference: [String: NameGazetteer.Kind] = {
        var kinds: [String: NameGazetteer.Kind] = [:]
        var section = NameGazetteer.Kind()
        var rank = 0
        for line in NameGazetteer.data.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("#") {
                section =
                    [
                        "#given": NameGazetteer.Kind.given, "#surname": .surname, "#place": .place,
                    ][String(line)] ?? .common
                rank = 0
                continue
            }
            var kind = section
            if section == .given, rank < NameGazetteer.frequentGivenRank { kind.insert(.frequentGiven) }
            if section == .surname, rank < NameGazetteer.frequentSurnameRank { kind.insert(.frequentSurname) }
            kinds[String(line), default: []].formUnion(kind)
            rank += 1
        }
        return kinds
    }()

    static let sample: [String] = {
        var random = SplitMix(seed: 7)
        let all = Array(reference.keys)
        return (0..<3000).map { _ in all[Int(random.next() % UInt64(all.count))] } + words
    }()

    @Test func gazetteerAgreesWithTheStringDictionary() {
        let gazetteer = NameGazetteer.shared
        #expect(gazetteer.count == Self.reference.count)
        for (word, kind) in Self.reference.prefix(20_000) {
            #expect(gazetteer.kind(of: word) == kind, "\(word)")
        }
    }

    @Test func tokenLookupsAgreeWithStrings() async {
        let set = WordSet(Self.words)
        let strings = Set(Self.words)
        let cues = ["mr", "café müller", "господин", "and llc x", "김민준", "ガ さとう"]
        let lexicon = CueLexicon(cues)
        let cueWords = cues.map { cue in
            let scanned = ScannedText(cue)
            return scanned.tokens.map { scanned.folded($0) }
        }
        await propertyCheck(count: 300, input: Gen.uint64()) { seed in
            var random = SplitMix(seed: seed)
            let message = Self.text(&random, gazetteer: Self.sample)
            let text = ScannedText(message)
            let folded = text.tokens.map { text.folded($0) }
            for (index, token) in text.tokens.enumerated() {
                #expect(set.contains(token, in: text) == strings.contains(folded[index]), "\(message)")
                let kind = text.withFoldedBytes(token) { NameGazetteer.shared.kind(hash: token.hash, bytes: $0) }
                #expect(kind == Self.reference[folded[index]] ?? [], "\(message)")
                let ends = cueWords.contains { words in
                    words.count <= index + 1 && Array(folded[index + 1 - words.count...index]) == words
                }
                let starts = cueWords.contains { words in
                    index + words.count <= folded.count && Array(folded[index..<index + words.count]) == words
                }
                #expect(lexicon.endsAt(index, in: text) == ends, "\(message)")
                #expect(lexicon.startsAt(index, in: text) == starts, "\(message)")
            }
        }
    }
}
