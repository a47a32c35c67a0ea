import ChatVaultCore
import Testing

@testable import ChatVaultPolicy

/// Whether `query` holds for `text`, and the matched texts.
func check(_ query: String, _ text: String, lexicons: [String: [String]] = [:], disclaimers: [String] = []) throws -> [String]? {
    let lists = lexicons.mapValues { entries in
        entries.map { entry -> LexiconQuery in
            entry.hasSuffix("*") ? .term(.init(text: String(entry.dropLast()), isPrefix: true)) : .term(.init(text: entry))
        }
    }
    var matcher = try LexiconMatcher(queries: [try LexiconQuery.parse(query)], lexicons: lists, disclaimers: disclaimers)
    return matcher.evaluate(text).first.map { $0.matches.map(\.text) }
}

@Suite struct QueryLanguageTests {
    @Test func andBindsTighterThanOr() throws {
        #expect(try LexiconQuery.parse("a OR b AND c") == .or(.term(.init(text: "a")), .and(.term(.init(text: "b")), .term(.init(text: "c")))))
        #expect(try check("cash OR wire AND offshore", "just cash") != nil)
        #expect(try check("cash OR wire AND offshore", "wire it") == nil)
        #expect(try check("(cash OR wire) AND offshore", "cash please") == nil)
        #expect(try check("(cash OR wire) AND offshore", "wire it offshore") == ["wire", "offshore"])
    }

    @Test func notBindsTightest() throws {
        #expect(try LexiconQuery.parse("NOT a AND b") == .and(.not(.term(.init(text: "a"))), .term(.init(text: "b"))))
        #expect(try check("guarantee AND NOT \"past performance\"", "I guarantee it") == ["guarantee"])
        #expect(try check("guarantee AND NOT \"past performance\"", "past performance is no guarantee") == nil)
        #expect(try check("NOT spam", "hello there") == [])
    }

    @Test func implicitAndBetweenTerms() throws {
        #expect(try check("risk free", "free of any risk") == ["free", "risk"])
        #expect(try check("\"risk free\"", "free of any risk") == nil)
        #expect(try check("\"risk free\"", "it's totally Risk-Free!") == ["Risk-Free"])
    }

    @Test func nearCountsWordsBetweenInEitherOrder() throws {
        #expect(try check("guarantee NEAR/2 returns", "we guarantee great returns") == ["guarantee", "returns"])
        #expect(try check("guarantee NEAR/1 returns", "we guarantee you great returns") == nil)
        #expect(try check("guarantee NEAR/2 returns", "we guarantee you great returns") == ["guarantee", "returns"])
        #expect(try check("guarantee NEAR/3 returns", "we guarantee you great returns") == ["guarantee", "returns"])
        #expect(try check("guarantee NEAR/0 returns", "returns guarantee") == ["returns", "guarantee"])
        #expect(try check("guarantee NEAR/1 returns", "returns are guaranteed") == nil)
    }

    @Test func onearNeedsOrder() throws {
        #expect(try check("text ONEAR/2 cell", "text me on cell") == ["text", "cell"])
        #expect(try check("text ONEAR/2 cell", "cell phone text") == nil)
        #expect(try check("\"text me\" ONEAR/3 cell", "text me on my cell") == ["text me", "cell"])
    }

    @Test func prefixWildcards() throws {
        #expect(try check("guarant*", "GUARANTEED returns") == ["GUARANTEED"])
        #expect(try check("guarant*", "guarant") == ["guarant"])
        #expect(try check("guarant*", "guard") == nil)
        #expect(try check("\"risk fre*\"", "risk freely") == ["risk freely"])
    }

    @Test func lexiconReferencesExpand() throws {
        let lists = ["guarantees": ["guarant*", "can't lose", "risk free"], "returns": ["return*", "profit"]]
        #expect(try check("@guarantees NEAR/3 @returns", "this is risk free profit", lexicons: lists) == ["risk free", "profit"])
        #expect(try check("@guarantees", "you can't lose", lexicons: lists) == ["can't lose"])
        #expect(throws: LexiconError.self) { try check("@nope", "x") }
    }

    @Test func wordsMatchWholeWordsOnly() throws {
        #expect(try check("cash", "cashier") == nil)
        #expect(try check("cash", "cash.") == ["cash"])
    }

    @Test func parseErrorsNameTheColumn() {
        #expect(throws: QueryError(column: 10, reason: "unexpected the end of the query where a word, phrase, @list, NOT or '(' belongs")) {
            try LexiconQuery.parse("cash AND ")
        }
        #expect(throws: QueryError.self) { try LexiconQuery.parse("(cash OR wire") }
        #expect(throws: QueryError.self) { try LexiconQuery.parse("\"open phrase") }
        #expect(throws: QueryError.self) { try LexiconQuery.parse("a NEAR/2 NOT b") }
        #expect(throws: QueryError.self) { try LexiconQuery.parse("") }
    }

    @Test func matchesReportScalarOffsets() throws {
        var matcher = try LexiconMatcher(queries: [try LexiconQuery.parse("guaranteed")])
        let text = "🙂 é guaranteed"
        let match = try #require(matcher.evaluate(text).first?.matches.first)
        #expect(match.start == 4 && match.end == 14 && match.text == "guaranteed")
    }

    @Test func disclaimerTextNeverMatches() throws {
        let disclaimer = "Past results do not guarantee future returns"
        #expect(try check("guarantee", "Call me. \(disclaimer).", disclaimers: [disclaimer]) == nil)
        #expect(try check("guarantee", "I guarantee it. \(disclaimer)", disclaimers: [disclaimer]) == ["guarantee"])
    }
}

@Suite struct EvasionTests {
    @Test(arguments: [
        "gu\u{200B}aran\u{200B}teed", "ｇｕａｒａｎｔｅｅｄ", "gu\u{0430}ranteed", "guaran\u{00AD}teed", "GUARANTEED", "guarántééd",
        "g\u{200D}u\u{2060}a\u{FEFF}ranteed", "gu\u{03B1}r\u{0430}nt\u{0435}\u{0435}d",
    ])
    func evasionsStillMatch(_ text: String) throws {
        #expect(try check("guaranteed", "it is \(text) profit")?.count == 1)
    }

    @Test func matchPointsAtWhatAPersonSees() throws {
        let text = "it's gu\u{200B}aranteed"
        let found = try #require(try check("guaranteed", text))
        #expect(found == ["gu\u{200B}aranteed"])
    }

    @Test func cyrillicLookAlikeInQueryAlsoFolds() throws {
        #expect(try check("gu\u{0430}r\u{0430}nteed", "guaranteed") != nil)
    }
}
