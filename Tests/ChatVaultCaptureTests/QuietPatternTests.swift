import ChatVaultCapture
import Testing

@Suite struct QuietPatternTests {
    @Test func aSilenceIsUnusualOnlyAgainstALearntPattern() {
        var pattern = QuietPattern()
        pattern.observe([0, 600, 1200, 1800])
        #expect(!pattern.isUnusual(silence: 100_000))  // too few messages to know the pattern
        pattern.observe((4..<12).map { Double($0) * 600 }.reversed())
        #expect(pattern.messages == 12)
        #expect(pattern.longestQuiet == 600)
        #expect(!pattern.isUnusual(silence: 1700))
        #expect(pattern.isUnusual(silence: 1900))
        pattern.observe([11 * 600 + 7200])  // a two-hour lull is now part of the pattern
        #expect(!pattern.isUnusual(silence: 7200 * 2.5))
        #expect(pattern.isUnusual(silence: 7200 * 3.5))
    }

    @Test func shortIntervalsNeverMakeMinutesUnusual() {
        var pattern = QuietPattern()
        pattern.observe((0..<50).map { Double($0) })
        #expect(!pattern.isUnusual(silence: 600))
        #expect(pattern.isUnusual(silence: 901))
    }
}
