import ChatVaultCore
import Testing

@Suite struct SearchTextTests {
    @Test(arguments: [
        ("p\u{200B}a\u{200B}s\u{200B}s\u{200B}w\u{200B}o\u{200B}r\u{200B}d", "password"),  // zero-width spaces
        ("pass\u{00AD}word", "password"),  // soft hyphen
        ("pass\u{200D}wo\u{2060}rd\u{FEFF}", "password"),  // joiner, word joiner, BOM
        ("\u{202E}drowssap", "drowssap"),  // right-to-left override removed, letters kept
        ("ＰＡＳＳＷＯＲＤ", "password"),  // full-width
        ("Ünïcödé Café", "unicode cafe"),
        ("e\u{0301}", "e"),  // combining accent
        ("ﬁnance", "finance"),  // ligature
        ("Plain ASCII Text", "plain ascii text"),
    ])
    func normalizes(input: String, expected: String) {
        #expect(SearchText.normalize(input) == expected)
    }

    @Test func keepsMarksThatChangeLettersInOtherScripts() {
        #expect(SearchText.normalize("が") != SearchText.normalize("か"), "Japanese dakuten is not an accent")
        #expect(SearchText.normalize("が") == "が")
        #expect(SearchText.normalize("हिंदी") == "हिंदी")
        #expect(SearchText.normalize("Ελληνικά") == "ελληνικα")
        #expect(SearchText.normalize("Привет Ёж") == "привет еж")
    }

    @Test func doesNotFoldLookAlikeScripts() {
        // Cyrillic "а" stays distinct: look-alike folding is the policy engine's job.
        #expect(SearchText.normalize("gu\u{0430}ranteed") != "guaranteed")
    }

    @Test func splitsWordsLikeTheIndex() {
        #expect(SearchText.words("Multi-Agent sender:carol 10,000 €5") == ["multi", "agent", "sender", "carol", "10", "000", "5"])
    }

    @Test func locatesWordsAcrossInvisibleCharacters() {
        let text = "My p\u{200B}ass word"
        let words = SearchText.locatedWords(in: text)
        #expect(words.map(\.normalized) == ["my", "pass", "word"])
        #expect(String(text[words[1].range]) == "p\u{200B}ass")
    }
}

/// The one folding routine the recognizers, the keyword automaton, search and policy share.
@Suite struct TextFoldingTests {
    @Test(arguments: [
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{00AD}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202E}", "\u{2066}",
        "\u{2069}",
    ])
    func invisibleCharactersAreInvisibleEverywhere(_ invisible: String) {
        let scalar = invisible.unicodeScalars.first!
        #expect(TextFolding.isInvisible(scalar))
        #expect(TextFolding.visible(scalar) == nil)
        #expect(TextFolding.wordPieces(scalar).isEmpty)
        #expect(SearchText.normalize("pa\(invisible)ss") == "pass")
    }

    @Test func visibleViewMapsBackToTheOriginal() throws {
        let original = Array("card 4\u{200B}1\u{FF11}1\u{00A0}1 ok".unicodeScalars)
        let view = try #require(TextFolding.visibleView(of: original))
        #expect(String(String.UnicodeScalarView(view.scalars)) == "card 4111 1 ok")
        // "4111 1" in the view is 5..<11; in the original it spans the invisible character too.
        #expect(view.originalRange(5, 11) == 5..<12)
        #expect(TextFolding.visibleView(of: Array("plain text 123".unicodeScalars)) == nil)
    }

    @Test func visibleViewReadsDigitsAndSpacesOfOtherForms() {
        #expect(TextFolding.visible("\u{FF14}") == "4")
        #expect(TextFolding.visible("\u{0664}") == "4")  // Arabic-Indic four
        #expect(TextFolding.visible("\u{2009}") == " ")
        #expect(TextFolding.visible("\u{2013}") == "-")
        #expect(TextFolding.visible("\u{2014}") == "\u{2014}", "an em dash parts clauses, it stays")
        #expect(TextFolding.visible("é") == "é")
    }

    @Test func wordFormFoldsCaseAccentsLookAlikesAndSeparators() {
        let folded = TextFolding.wordForm(of: Array("Ｐ\u{200B}roject—Fаlcön!".unicodeScalars))
        #expect(String(String.UnicodeScalarView(folded.scalars)) == "project falcon ")
        #expect(folded.origin.count == folded.scalars.count)
        #expect(folded.origin.first == 0)
    }
}
