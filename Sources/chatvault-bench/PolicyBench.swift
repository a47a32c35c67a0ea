import ArgumentParser
import ChatVaultCore
import ChatVaultPolicy
import Foundation

/// `swift run -c release chatvault-bench policy`: messages per CPU-second through a
/// 1,000-rule policy with 5,000 lexicon terms, beside a naive evaluator (each rule's
/// terms tested with `String.contains` on the lowercased text) in the same run.
struct PolicyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "IM-use policy throughput: compiled lexicon rules vs a naive String.contains loop.")

    @Option(help: "Generated messages.")
    var messages = 1_000_000

    @Option(help: "Rules in the generated policy.")
    var rules = 1000

    @Option(help: "Lexicon terms in the generated policy.")
    var terms = 5000

    @Option(help: "Messages the (slow) naive baseline evaluates.")
    var baselineMessages = 2000

    func run() async throws {
        let lexicon = RedactionBench.lexicon(count: terms)
        let queries = Self.queries(lexicon: lexicon, rules: rules)
        let texts = Self.messages(count: messages, lexicon: lexicon)
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        print("policy: \(rules) rules over \(lexicon.count) lexicon terms; \(texts.count) messages, \(bytes / 1_000_000) MB")

        var matcher = try LexiconMatcher(queries: try queries.map { try LexiconQuery.parse($0) })
        var hits = 0
        let cost = Measure.runSync {
            for text in texts { hits += matcher.matchingQueries(text).count }
        }
        let rate = Double(texts.count) / cost.cpu

        var evaluator = try PolicyEvaluator(policy: Self.policy(queries), seed: 1)
        var alerts = 0
        let sample = Array(texts.prefix(200_000))
        let fullCost = Measure.runSync {
            for (index, text) in sample.enumerated() {
                let message = Message(
                    platform: "slack", conversation: "c\(index % 5000)", sourceID: "\(index)", sender: Handle(id: "u\(index % 300)"),
                    sentAt: Timestamp(microseconds: Int64(index) * 1_000_000), text: text)
                alerts += evaluator.evaluate(message).count
            }
        }
        let fullRate = Double(sample.count) / fullCost.cpu

        let naive = NaivePolicy(queries: queries)
        let baselineTexts = Array(texts.prefix(baselineMessages))
        var naiveHits = 0
        let naiveCost = Measure.runSync {
            for text in baselineTexts { naiveHits += naive.matchingRules(text) }
        }
        let naiveRate = Double(baselineTexts.count) / naiveCost.cpu
        let compiledOnBaseline = baselineTexts.reduce(0) { $0 + matcher.matchingQueries($1).count }

        func line(_ name: String, _ value: Double) -> String {
            name.padding(toLength: 46, withPad: " ", startingAt: 0) + String(format: "%12.0f msg/CPU-s", value)
        }
        print(line("chatvault lexicon evaluation (one core)", rate) + "  (\(hits) rule hits)")
        print(line("chatvault full evaluator (rules+walls+state)", fullRate) + "  (\(alerts) alerts on \(sample.count))")
        print(
            line("naive String.contains loop over rules", naiveRate)
                + "  (\(naiveHits) hits on \(baselineTexts.count); compiled: \(compiledOnBaseline))")
        print(String(format: "lexicon evaluation: %.0f× the naive loop's rate", rate / naiveRate))
    }

    /// Rules of five terms each, in the shapes compliance lexicons take.
    static func queries(lexicon: [String], rules: Int) -> [String] {
        let perRule = max(1, lexicon.count / rules)
        return (0..<rules).map { r in
            let t = (0..<perRule).map { i -> String in
                let term = lexicon[(r * perRule + i) % lexicon.count]
                if term.contains(" ") { return "\"\(term)\"" }
                return i == 0 && r % 4 == 0 ? term.prefix(max(3, term.count - 2)) + "*" : term
            }
            switch r % 4 {
            case 0: return t.joined(separator: " OR ")
            case 1: return "(\(t.prefix(3).joined(separator: " OR "))) NEAR/5 (\(t.dropFirst(3).joined(separator: " OR ")))"
            case 2: return "(\(t.dropLast().joined(separator: " OR "))) AND NOT \(t.last!)"
            default: return "\(t[0]) ONEAR/3 (\(t.dropFirst().joined(separator: " OR ")))"
            }
        }
    }

    static func policy(_ queries: [String]) throws -> UsePolicy {
        var policy = UsePolicy()
        policy.rules = try queries.enumerated().map { index, query in Rule(name: "r\(index)", query: try LexiconQuery.parse(query)) }
        return policy
    }

    /// Chat-like messages of 6–20 common words; about one in fifty carries a lexicon term.
    static func messages(count: Int, lexicon: [String]) -> [String] {
        let common = """
            the a to and of in is it you that for on we can this be are with have will at i me my your our please call trade \
            order price market desk client report meeting today tomorrow thanks ok sure let know check update rates bond stock \
            fund position risk view note send email file time morning afternoon done yes no maybe need want think about
            """.split(separator: " ").map(String.init)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        return (0..<count).map { _ in
            var words = (0..<(6 + Int(next() % 15))).map { _ in common[Int(next() % UInt64(common.count))] }
            if next() % 50 == 0 { words.insert(lexicon[Int(next() % UInt64(lexicon.count))], at: Int(next() % UInt64(words.count))) }
            if next() % 10 == 0 { words[0] = words[0].capitalized }
            return words.joined(separator: " ") + (next() % 3 == 0 ? "." : "")
        }
    }
}

/// The baseline: every rule's terms tested with `String.contains` on the lowercased
/// message, a rule counted when any of its terms occurs (no word boundaries, NEAR or NOT).
struct NaivePolicy {
    let rules: [[String]]

    init(queries: [String]) {
        rules = queries.map { query in
            query.split(whereSeparator: { " ()\"".contains($0) }).map(String.init).filter {
                !["AND", "OR", "NOT"].contains($0) && !$0.hasPrefix("NEAR/") && !$0.hasPrefix("ONEAR/")
            }.map { $0.hasSuffix("*") ? String($0.dropLast()) : $0 }
        }
    }

    func matchingRules(_ text: String) -> Int {
        let lower = text.lowercased()
        return rules.reduce(0) { count, terms in count + (terms.contains { lower.contains($0) } ? 1 : 0) }
    }
}
