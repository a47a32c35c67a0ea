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
