import ChatVaultCore
import ChatVaultRedaction
import Foundation
import Testing

struct KeywordAutomatonTests {
    static let policy = RedactionPolicy(
        recognizers: [:],
        keywordLists: [KeywordList(id: "falcon", phrases: ["project falcon", "guarant*", "ÜBER deal"])]
    )

    @Test(arguments: [
        ("Project Falcon is live", "Project Falcon"),
        ("pro\u{200B}ject fal\u{00AD}con is live", "pro\u{200B}ject fal\u{00AD}con"),  // zero-width space, soft hyphen
        ("ＰＲＯＪＥＣＴ ｆａｌｃｏｎ!", "ＰＲＯＪＥＣＴ ｆａｌｃｏｎ"),  // full-width
        ("project  -  falcon", "project  -  falcon"),  // spacing and punctuation
        ("project f\u{0430}lcon", "project f\u{0430}lcon"),  // Cyrillic а
        ("we guaranteed it", "guaranteed"),
        ("the uber deal closed", "uber deal"),  // diacritics folded
    ])
    func findsEvasiveSpellings(_ text: String, _ match: String) {
        #expect(found(text, policy: Self.policy) == [finding("KEYWORD", match)])
    }

    @Test(arguments: ["projectfalcon", "project falconry", "unguaranteed", "reproject falcon"])
    func matchesWholeWordsOnly(_ text: String) {
        #expect(found(text, policy: Self.policy) == [])
    }

    /// ASCII messages are scanned from their bytes, others through the normal form of their
    /// scalars; a trailing emoji sends the same words down the second path.
    @Test func asciiFastPathAgreesWithScalarPath() {
        let syllables = ["ka", "lo", "mer", "tan", "vi", "Dor", "SEL", "7", "42"]
        var generator = SplitMix(seed: 7)
        func word() -> String { (0..<(1 + Int(generator.next() % 3))).map { _ in syllables[Int(generator.next() % 9)] }.joined() }
        let phrases = (0..<300).map { _ in (0..<(1 + Int(generator.next() % 3))).map { _ in word() }.joined(separator: " ") } + ["kalo*", "vi*"]
        let redactor = Redactor(policy: RedactionPolicy(recognizers: [:], keywordLists: [KeywordList(id: "k", phrases: phrases)]), secret: [])
        let separators = [" ", "  ", ", ", "-", " - ", ".", "\n", "'", ""]
        var matched = 0
        for _ in 0..<3_000 {
            let text = (0..<(1 + Int(generator.next() % 8))).map { _ in word() + separators[Int(generator.next() % 9)] }.joined()
            let ascii = redactor.redact(text).originalSpans
            let scalar = redactor.redact(text + " \u{1F44D}").originalSpans
            #expect(ascii == scalar, "\(text.debugDescription)")
            matched += ascii.count
        }
        #expect(matched > 100)
    }

    @Test func tenThousandPhrasesStayCorrectAndFast() {
        let phrases = (0..<10_000).map { "codeword \($0) alpha" }
        let policy = RedactionPolicy(recognizers: [:], keywordLists: [KeywordList(id: "big", phrases: phrases + ["insider tip"])])
        let redactor = Redactor(policy: policy, secret: [])
        let text = "heads up: codeword 9999 alpha and an insider tip, not codeword 10000 alpha"
        let outcome = redactor.redact(text)
        #expect(outcome.text == "heads up: [REDACTED:KEYWORD] and an [REDACTED:KEYWORD], not codeword 10000 alpha")
        let start = Date()
        for _ in 0..<2_000 { _ = redactor.redact(text) }
        #expect(Date().timeIntervalSince(start) < 5)
    }
}

struct OperatorTests {
    static func redactor(_ op: RedactionOperator, secret: String = "s1") -> Redactor {
        var policy = RedactionPolicy.default
        policy.recognizers[.creditCard] = RecognizerSetting(operator: op)
        return Redactor(policy: policy, secret: Array(secret.utf8))
    }

    @Test func masksKeepingLastFourAndSeparators() {
        let outcome = Self.redactor(.mask(keep: 4)).redact("card 4111 1111 1111 1111 ok")
        #expect(outcome.text == "card •••• •••• •••• 1111 ok")
        #expect(outcome.redactions.map(\.operation) == [.mask])
    }

    @Test func replacesWithLabel() {
        #expect(Self.redactor(.replace()).redact("card 4111111111111111").text == "card [REDACTED:CREDIT_CARD]")
        #expect(Self.redactor(.replace(label: "<card>")).redact("card 4111111111111111").text == "card <card>")
    }

    @Test func hashIsKeyedAndIgnoresFormatting() throws {
        let a = Self.redactor(.hash).redact("4111 1111 1111 1111").text
        let b = Self.redactor(.hash).redact("4111-1111-1111-1111").text
        let other = Self.redactor(.hash, secret: "s2").redact("4111 1111 1111 1111").text
        #expect(a == b)
        #expect(a != other)
        #expect(a.hasPrefix("[HASH:CREDIT_CARD:") && a.count == "[HASH:CREDIT_CARD:]".count + 8)
        #expect(!a.contains("1111"))
    }

    @Test func dropRemovesTheWholeMessage() {
        let outcome = Self.redactor(.drop).redact("card 4111111111111111")
        #expect(outcome.dropMessage)
        #expect(outcome.text.isEmpty)
        #expect(outcome.redactions.map(\.operation) == [.drop])
    }
}

struct OffsetTests {
    @Test func spansCountScalarsAfterEmoji() {
        let text = "👍🏽 🎉 card 4111 1111 1111 1111 and jo@example.com"
        let outcome = Redactor(policy: .default, secret: []).redact(text)
        // 👍🏽 is two scalars, 🎉 one: "👍🏽 🎉 card " is 2+1+1+1+5 = 10 scalars.
        #expect(outcome.originalSpans.map(\.start) == [10, 34])
        #expect(outcome.originalSpans.map(\.end) == [29, 48])
        #expect(outcome.text == "👍🏽 🎉 card •••• •••• •••• 1111 and [REDACTED:EMAIL_ADDRESS]")
        let stored = Array(outcome.text.unicodeScalars)
        for redaction in outcome.redactions {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: stored[redaction.start..<redaction.end])
            #expect(["•••• •••• •••• 1111", "[REDACTED:EMAIL_ADDRESS]"].contains(String(view)))
        }
    }

    @Test func overlappingFindsMergeSoNothingLeaks() {
        let policy = RedactionPolicy(keywordLists: [KeywordList(id: "k", phrases: ["4111 1111"])])
        let outcome = Redactor(policy: policy, secret: []).redact("x 4111 1111 1111 1111 y")
        #expect(outcome.originalSpans.count == 1)
        #expect(!outcome.text.contains("4111"))
    }
}
