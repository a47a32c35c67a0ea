import ChatVaultCore
import Testing

@Suite struct SearchQueryTests {
    @Test func parsesWordsPhrasesAndOperators() {
        #expect(SearchQuery.parse("wire transfer") == .and([.term("wire", prefix: false), .term("transfer", prefix: false)]))
        #expect(SearchQuery.parse("\"Wire Transfer\"") == .phrase(["wire", "transfer"]))
        #expect(SearchQuery.parse("a OR b") == .or([.term("a", prefix: false), .term("b", prefix: false)]))
        #expect(SearchQuery.parse("guarant*") == .term("guarant", prefix: true))
        #expect(SearchQuery.parse("deal NOT personal") == .and([.term("deal", prefix: false), .not(.term("personal", prefix: false))]))
        #expect(SearchQuery.parse("deal -personal") == .and([.term("deal", prefix: false), .not(.term("personal", prefix: false))]))
        #expect(SearchQuery.parse("(a OR b) c") == .and([.or([.term("a", prefix: false), .term("b", prefix: false)]), .term("c", prefix: false)]))
    }

    @Test func punctuationIsNeverSyntax() {
        #expect(SearchQuery.parse("multi-agent") == .phrase(["multi", "agent"]))
        #expect(SearchQuery.parse("sender:carol") == .phrase(["sender", "carol"]))
        #expect(SearchQuery.parse("and or not") == .and([.term("and", prefix: false), .term("or", prefix: false), .term("not", prefix: false)]))
    }

    @Test(arguments: [
        "\"", "(((", ")))", "\"unterminated phrase", "a AND", "OR OR OR", "NOT", "-", "*", "^", "a:b:c", "NEAR(a b)", "{col}: x",
        "'; DROP TABLE messages; --", "\u{0}", String(repeating: "(", count: 10_000) + "x", "\"\"\"\"", "a\"b\"c",
    ])
    func hostileInputNeverCrashes(text: String) {
        let query = SearchQuery.parse(text)
        if let query {
            // Every leaf holds only normalised word characters.
            for term in query.positiveTerms {
                switch term {
                case .term(let word, _): #expect(word.unicodeScalars.allSatisfy(SearchText.isWordScalar))
                case .phrase(let words): #expect(words.allSatisfy { $0.unicodeScalars.allSatisfy(SearchText.isWordScalar) })
                default: Issue.record("positiveTerms returned an operator")
                }
            }
        }
    }

    @Test func emptyOrPunctuationOnlyIsNoQuery() {
        #expect(SearchQuery.parse("") == nil)
        #expect(SearchQuery.parse("  !!! ... ") == nil)
    }

    @Test func recognisesPurelyNegativeQueries() {
        #expect(SearchQuery.parse("NOT a")?.isPurelyNegative == true)
        #expect(SearchQuery.parse("a NOT b")?.isPurelyNegative == false)
    }

    @Test func snippetHighlightsMatchesInOriginalText() {
        let snippet = Snippet.make(text: "Confirmed, the Wire Transfer settled.", query: SearchQuery.parse("\"wire transfer\""))
        #expect(snippet.marked() == "Confirmed, the «Wire» «Transfer» settled.")
        let prefix = Snippet.make(text: "It is GUARANTEED.", query: SearchQuery.parse("guarant*"))
        #expect(prefix.marked() == "It is «GUARANTEED».")
    }
}
