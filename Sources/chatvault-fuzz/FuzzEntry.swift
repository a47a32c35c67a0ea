import ChatVaultIngest
import Foundation

/// Feeds inputs to one ChatVault parser, chosen by `CHATVAULT_FUZZ_PARSER` (jsonl,
/// whatsapp, slack, telegram, discord, irc, csv), through the real parsing code and
/// without an archive.
///
/// Built with `-DFUZZING --sanitize fuzzer` (see `scripts/fuzz.sh`) this is a libFuzzer
/// target; built plainly it is a deterministic driver: `chatvault-fuzz [ITERATIONS] [SEED]`
/// runs seeded random mutations of a valid input through every parser (or the one named).
enum FuzzTarget {
    static let parser = ProcessInfo.processInfo.environment["CHATVAULT_FUZZ_PARSER"] ?? "jsonl"
}

#if FUZZING
    /// Writes the parser's valid seed input into `CHATVAULT_FUZZ_SEED_DIR`, so a fresh
    /// corpus starts from the format's structure instead of from nothing.
    @_cdecl("LLVMFuzzerInitialize")
    public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>)
        -> CInt
    {
        if let folder = ProcessInfo.processInfo.environment["CHATVAULT_FUZZ_SEED_DIR"] {
            FileManager.default.createFile(atPath: folder + "/seed-\(FuzzTarget.parser)", contents: Data(ParserHarness.seed(FuzzTarget.parser)))
        }
        return 0
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        ParserHarness.run(FuzzTarget.parser, Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
#else
    @main struct FuzzDriver {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            let iterations = arguments.first.flatMap { Int($0) } ?? 10_000
            let seed = arguments.dropFirst().first.flatMap { UInt64($0) } ?? 1
            let chosen = ProcessInfo.processInfo.environment["CHATVAULT_FUZZ_PARSER"].map { [$0] } ?? ParserHarness.parsers
            for parser in chosen {
                var totals = (messages: 0, errors: 0)
                for input in ParserHarness.randomInputs(parser, count: iterations, seed: seed) {
                    let counts = ParserHarness.run(parser, input)
                    totals.messages += counts.messages
                    totals.errors += counts.errors
                }
                print("\(parser): \(iterations) inputs, \(totals.messages) messages, \(totals.errors) errors, no crash")
            }
        }
    }
#endif
