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

    @Test func shortPrefixesAndHugeQueriesAreRefusedWithAReason() throws {
        #expect(SearchQuery.parse("guarant*")?.problem() == nil)
        #expect(SearchQuery.parse("wire transfer \"risk free\" -personal")?.problem() == nil)
        let short = try #require(SearchQuery.parse("deal a*")?.problem())
        #expect(short.contains("\"a*\"") && short.contains("at least 3 letters"))
        #expect(SearchQuery.parse("ab*")?.problem() != nil)
        // Full-width or accented letters count as the letters they fold to.
        #expect(SearchQuery.parse("ｇｕａ*")?.problem() == nil)
        let manyPrefixes = (0..<26).map { String(UnicodeScalar(UInt8(97 + $0))) + "*" }.joined(separator: " OR ")
        #expect(SearchQuery.parse(manyPrefixes)?.problem()?.contains("prefix search needs") == true)
        let nine = (0..<9).map { "abc\($0)x*" }.joined(separator: " ")
        #expect(SearchQuery.parse(nine)?.problem()?.contains("9 prefix searches") == true)
        let words = (0..<33).map { "word\($0)" }.joined(separator: " OR ")
        #expect(SearchQuery.parse(words)?.problem()?.contains("33 words; at most 32") == true)
        #expect(SearchQuery.parse((0..<32).map { "w\($0)" }.joined(separator: " "))?.problem() == nil)
        // Words under NOT and inside phrases count too.
        #expect(SearchQuery.parse("x NOT \"" + (0..<32).map { "p\($0)" }.joined(separator: " ") + "\"")?.problem() != nil)
    }
}
