import ArgumentParser
import ChatVaultCore
import ChatVaultRedaction
import Foundation

/// `swift run -c release chatvault-bench redaction`: messages per second through the
/// redactor on one core, keyword scanning alone and the whole stage, beside a naive
/// regular-expression redactor measured on the same messages in the same run.
struct RedactionBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redaction",
        abstract: "Redaction throughput: keyword automaton and full stage vs a naive regex redactor.")

    @Option(help: "Labelled corpus (JSONL with \"text\").")
    var corpus = "../shared/corpus/corpus_20k_seed7.jsonl"

    @Option(help: "Phrases in the generated keyword list.")
    var phrases = 10_000

    @Option(help: "Passes over the corpus for each measurement.")
    var passes = 5

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: corpus) else { throw BenchError("\(corpus): cannot read") }
        let parser = JSONParser()
        let texts: [String] = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            (try? parser.parse(String(line)))?["text"]?.stringValue
        }
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        let lexicon = Self.lexicon(count: phrases)
        print("corpus: \(texts.count) messages, \(bytes / 1000) KB (\(corpus)); keyword list: \(lexicon.count) phrases")

        var off: [PIIType: RecognizerSetting] = [:]
        for type in PIIType.allCases { off[type] = RecognizerSetting(enabled: false, operator: .replace()) }
        let keywords = KeywordList(id: "bench", phrases: lexicon)
        let secret = [UInt8](repeating: 7, count: 32)
        let keywordOnly = Redactor(policy: RedactionPolicy(recognizers: off, keywordLists: [keywords]), secret: secret)
        let full = Redactor(policy: RedactionPolicy(keywordLists: [keywords]), secret: secret)
        let naive = NaiveRegexRedactor()

        func measure(_ name: String, _ body: (String) -> Int) -> (rate: Double, cpu: Double, found: Int) {
            var found = 0
            let cost = Measure.runSync {
                for _ in 0..<passes {
                    for text in texts { found += body(text) }
                }
            }
            let messages = Double(texts.count * passes)
            let rate = messages / cost.cpu
            print(
                "\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(String(format: "%9.0f", rate)) msg/CPU-s  \(String(format: "%7.1f", Double(bytes * passes) / 1e6 / cost.cpu)) MB/CPU-s"
            )
            return (rate, cost.cpu, found / passes)
        }
        let baseline = measure("naive regex (no validation)", { naive.redact($0) })
        let keywordRate = measure("chatvault keywords (\(lexicon.count) phrases)", { keywordOnly.redact($0).redactions.count })
        let fullRate = measure("chatvault full stage", { full.redact($0).redactions.count })
        // The line above includes what a process builds once, on the first message (the name
        // gazetteer); measured again, the stage runs as it does in a running vault.
        let warmRate = measure("chatvault full stage, warm", { full.redact($0).redactions.count })
        print("")
        print("keyword scanning: \(String(format: "%.1f", keywordRate.rate / baseline.rate))× the naive regex redactor's rate")
        print(
            "full stage:       \(String(format: "%.1f", fullRate.rate / baseline.rate))× the naive regex redactor's rate, \(fullRate.found) redactions per pass"
        )
        print(
            "full stage, warm: \(String(format: "%.1f", warmRate.rate / baseline.rate))× the naive regex redactor's rate (one-time setup excluded)"
        )
    }

    /// A deterministic list of phrases that look like an administrator's: code names,
    /// client names and internal terms, one to three words each.
    static func lexicon(count: Int) -> [String] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let syllables = ["ka", "lo", "mer", "tan", "vi", "dor", "sel", "qua", "ri", "zen", "bar", "tho", "ple", "gri", "nox", "fal"]
        func word() -> String { (0..<(2 + Int(next() % 2))).map { _ in syllables[Int(next() % UInt64(syllables.count))] }.joined() }
        var seen = Set<String>()
        var result: [String] = []
        while result.count < count {
            let phrase = (0..<(1 + Int(next() % 3))).map { _ in word() }.joined(separator: " ")
            if seen.insert(phrase).inserted { result.append(phrase) }
        }
        return result
    }
}

/// What a redactor written with regular expressions and no validation looks like: the
/// baseline the hand-written scanners are measured against.
struct NaiveRegexRedactor {
    let expressions: [NSRegularExpression] = [
        #"\b(?:\d[ -]?){13,19}\b"#, #"\b\d{3}-\d{2}-\d{4}\b"#, #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#,
        #"\+?\d[\d ().-]{7,}\d"#, #"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b"#, #"\b\d{1,3}(?:\.\d{1,3}){3}\b"#,
    ].map { try! NSRegularExpression(pattern: $0) }

    func redact(_ text: String) -> Int {
        let range = NSRange(text.startIndex..., in: text)
        return expressions.reduce(0) { $0 + $1.numberOfMatches(in: text, range: range) }
    }
}
