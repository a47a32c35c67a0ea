import ChatVaultIngest
import Foundation

/// Feeds inputs to one ChatVault parser, chosen by `CHATVAULT_FUZZ_PARSER` (jsonl,
/// whatsapp, slack, telegram, discord, irc, csv, and xmpp: the XMPP stream parser a live
/// capture reads a server with), through the real parsing code and without an archive.
///
/// Built with `-DFUZZING --sanitize fuzzer` (see `scripts/fuzz.sh`) this is a libFuzzer
/// target; built plainly it is a deterministic driver: `chatvault-fuzz [ITERATIONS] [SEED]`
/// runs seeded random mutations of a valid input through every parser (or the one named).
enum FuzzTarget {
    static let parser = ProcessInfo.processInfo.environment["CHATVAULT_FUZZ_PARSER"] ?? "jsonl"
    static let all = ParserHarness.parsers + [XMPPHarness.name]

    static func seed(_ parser: String) -> [UInt8] {
        parser == XMPPHarness.name ? XMPPHarness.seed : ParserHarness.seed(parser)
    }

    /// Runs one input; returns how many records (messages or stanzas) and errors came out.
    @discardableResult
    static func run(_ parser: String, _ input: [UInt8]) -> (records: Int, errors: Int) {
        guard parser == XMPPHarness.name else {
            let counts = ParserHarness.run(parser, input)
            return (counts.messages, counts.errors)
        }
        let counts = XMPPHarness.run(input)
        return (counts.stanzas, counts.refused ? 1 : 0)
    }

    static func randomInputs(_ parser: String, count: Int, seed: UInt64) -> [[UInt8]] {
        parser == XMPPHarness.name
            ? XMPPHarness.randomInputs(count: count, seed: seed) : ParserHarness.randomInputs(parser, count: count, seed: seed)
    }
}

#if FUZZING
    /// Writes the parser's valid seed input into `CHATVAULT_FUZZ_SEED_DIR`, so a fresh
    /// corpus starts from the format's structure instead of from nothing.
    @_cdecl("LLVMFuzzerInitialize")
    public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>)
        -> CInt
    {
        if let folder = ProcessInfo.processInfo.environment["CHATVAULT_FUZZ_SEED_DIR"] {
            FileManager.default.createFile(atPath: folder + "/seed-\(FuzzTarget.parser)", contents: Data(FuzzTarget.seed(FuzzTarget.parser)))
        }
        return 0
    }

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        FuzzTarget.run(FuzzTarget.parser, Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
#else
    @main struct FuzzDriver {
        static func main() {
            let arguments = CommandLine.arguments.dropFirst()
            let iterations = arguments.first.flatMap { Int($0) } ?? 10_000
            let seed = arguments.dropFirst().first.flatMap { UInt64($0) } ?? 1
            let chosen = ProcessInfo.processInfo.environment["CHATVAULT_FUZZ_PARSER"].map { [$0] } ?? FuzzTarget.all
            for parser in chosen {
                var totals = (records: 0, errors: 0)
                for input in FuzzTarget.randomInputs(parser, count: iterations, seed: seed) {
                    let counts = FuzzTarget.run(parser, input)
                    totals.records += counts.records
                    totals.errors += counts.errors
                }
                let unit = parser == XMPPHarness.name ? "stanzas" : "messages"
                print("\(parser): \(iterations) inputs, \(totals.records) \(unit), \(totals.errors) errors, no crash")
            }
        }
    }
#endif
