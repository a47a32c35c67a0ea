import ChatVaultIngest
import Testing

/// Seeded random mutations of a valid input through every parser (the deterministic
/// fallback of the libFuzzer target): each must end in messages or errors, never a crash.
@Suite struct ParserRandomInputTests {
    @Test(arguments: ParserHarness.parsers)
    func randomInputsNeverCrash(parser: String) {
        var errors = 0
        for input in ParserHarness.randomInputs(parser, count: 500, seed: 20_240_301) {
            errors += ParserHarness.run(parser, input).errors
        }
        #expect(ParserHarness.run(parser, ParserHarness.seed(parser)).messages > 0)
        #expect(errors > 0)
    }
}
