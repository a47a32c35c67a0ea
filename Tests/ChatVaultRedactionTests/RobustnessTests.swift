import ChatVaultCore
import ChatVaultRedaction
import Testing

struct RobustnessTests {
    /// Random fragments of the shapes the scanners look for never crash them, and every
    /// span stays inside its text.
    @Test func randomInputKeepsSpansInBounds() {
        let pieces = [
            "+", "(", ")", "-", ".", ":", "::", "@", "#", "/", " ", "\n", "1", "12", "123", "4111", "0", "9", "ab", "Mr.", "Ana", "Lopez", "dob",
            "d.o.b.",
            "ssn", "acct", "passport", "GB82", "WEST", "x", "ext.", "é", "\u{200B}", "👍🏽", "ｆ", "version", "v", "March", "born", "hi", "and", "'s",
        ]
        var policy = RedactionPolicy.default
        policy.keywordLists = [KeywordList(id: "k", phrases: ["ana lopez", "41*", "born"])]
        let redactor = Redactor(policy: policy, secret: [1, 2, 3])
        var generator = SplitMix(seed: 42)
        for _ in 0..<5_000 {
            let count = Int(generator.next() % 12)
            let text = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let outcome = redactor.redact(text)
            let inputLength = text.unicodeScalars.count
            let outputLength = outcome.text.unicodeScalars.count
            var previousEnd = 0
            for span in outcome.originalSpans {
                #expect(span.start >= previousEnd && span.start < span.end && span.end <= inputLength, "\(text.debugDescription)")
                previousEnd = span.end
            }
            for redaction in outcome.redactions where !outcome.dropMessage {
                #expect(redaction.start >= 0 && redaction.start <= redaction.end && redaction.end <= outputLength, "\(text.debugDescription)")
            }
        }
    }

    @Test(arguments: ["", "@", "+", "(", "::", "a@b.", "+1", "d.o.b.", "Mr.", "GB82", "1-", "ext.", "\u{200B}"])
    func edgeInputsAreHarmless(_ text: String) {
        #expect(Redactor(policy: .default, secret: []).redact(text).text == text)
    }
}

/// A small seeded generator, so a failure can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
