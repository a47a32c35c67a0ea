import ArgumentParser
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import Crypto
import Foundation

/// `swift run -c release chatvault-bench policy`: messages per CPU-second through the IM-use
/// policy evaluator on the shared corpus (the representative policy of
/// ``PolicyBenchPolicy``, or `--policy FILE`), beside the cost of decoding the same
/// messages from ChatVault JSONL in the same run. `--lexicon` instead compares the
/// compiled lexicon matcher (1,000 rules, 5,000 terms) with a naive `String.contains` loop.
struct PolicyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "IM-use policy throughput on the shared corpus, against decoding the same messages.")

    @Option(help: "Messages of the shared corpus to evaluate (with --lexicon: generated messages).")
    var messages = 200_000

    @Option(help: "The shared benchmark folder (corpus generator).")
    var shared = "../shared/bench"

    @Option(help: "Where corpora are written (kept between runs).")
    var work = ".build-bench"

    @Option(help: "A policy file to evaluate instead of the representative one.")
    var policy: String?

    @Option(name: .customLong("write-policy"), help: "Write the representative policy (a directory of the corpus's senders) to this file and stop.")
    var writePolicy: String?

    @Option(help: "Messages per batch: the state keys a batch needs are looked up before it is evaluated, as the import does.")
    var batch = 10_000

    @Flag(help: "Compare the compiled lexicon matcher with a naive String.contains loop on generated messages instead.")
    var lexicon = false

    @Option(help: "With --lexicon: rules in the generated policy.")
    var rules = 1000

    @Option(help: "With --lexicon: lexicon terms in the generated policy.")
    var terms = 5000

    @Option(help: "With --lexicon: messages the (slow) naive baseline evaluates.")
    var baselineMessages = 2000

    func run() async throws {
        if lexicon { return try runLexicon() }
        let corpus = try BenchCorpus.prepare(messages: messages, shared: shared, work: URL(fileURLWithPath: work))
        guard let data = FileManager.default.contents(atPath: corpus.native.path) else { throw BenchError("\(corpus.native.path): cannot read") }
        let lines = data.split(separator: 0x0A)
        let format = ChatVaultJSONL()
        var decoded: [IncomingMessage] = []
        decoded.reserveCapacity(lines.count)
        let decodeCost = Measure.runSync {
            for (index, line) in lines.enumerated() {
                let result = line.withUnsafeBytes { raw in
                    format.message(from: raw.bindMemory(to: UInt8.self), source: "corpus", line: index + 1)
                }
                if case .success(let incoming) = result { decoded.append(incoming) }
            }
        }
        let people = Set(decoded.map(\.message.sender.id)).sorted()
        if let writePolicy {
            try PolicyBenchPolicy.yaml(people: people).write(toFile: writePolicy, atomically: true, encoding: .utf8)
            print("wrote \(writePolicy): the representative policy with \(people.count) people")
            return
        }
        // One person in eight outside the company, so contact and external rules have work.
        var outside: [String: String] = [:]
        for (index, person) in people.enumerated() { outside[person] = PolicyBenchPolicy.handle(person, index: index) }
        let inside = people.filter { outside[$0] == nil }
        let incoming: [IncomingMessage] = decoded.map { item in
            var item = item
            item.message.sender = Handle(id: outside[item.message.sender.id] ?? item.message.sender.id)
            item.message.recipients = item.message.recipients.map { Handle(id: outside[$0.id] ?? $0.id) }
            return item
        }
        let text = try policy.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? PolicyBenchPolicy.yaml(people: inside)
        let usePolicy = try UsePolicy.load(yaml: text, source: policy ?? "representative policy")
        var evaluator = try PolicyEvaluator(policy: usePolicy, seed: 7)
        evaluator.recordChanges()
        print(
            "policy: \(policy ?? "representative") (\(usePolicy.rules.count) rules, \(usePolicy.walls.count) walls, \(usePolicy.directory.people.count) people); corpus: \(incoming.count) messages (\(corpus.native.lastPathComponent)), \(outside.count) of \(people.count) senders external"
        )

        var alerts: [Alert] = []
        var keysCost = 0.0
        var changes = 0
        let evaluateCost = Measure.runSync {
            var start = 0
            while start < incoming.count {
                let part = incoming[start..<min(start + batch, incoming.count)]
                let keysStarted = Measure.cpuSeconds()
                _ = evaluator.missingState(for: part.lazy.map(\.message))
                keysCost += Measure.cpuSeconds() - keysStarted
                for item in part {
                    alerts += evaluator.evaluate(item.message, conversationKind: item.conversationKind)
                    changes += evaluator.takeChanges().count
                }
                start += batch
            }
        }
        let evaluateOnly = evaluateCost.cpu - keysCost

        func line(_ name: String, _ seconds: Double) -> String {
            let perMessage = seconds / Double(incoming.count)
            return name.padding(toLength: 44, withPad: " ", startingAt: 0)
                + String(format: "%8.2f µs/msg %12.0f msg/CPU-s", perMessage * 1e6, 1 / perMessage)
        }
        print(line("decode ChatVault JSONL (baseline)", decodeCost.cpu))
        print(line("policy evaluate + takeChanges", evaluateOnly) + "  (\(alerts.count) alerts, \(changes) state changes)")
        print(line("policy state keys per batch (missingState)", keysCost))
        print(String(format: "evaluate costs %.2f× decoding the same messages", evaluateOnly / decodeCost.cpu))
        var byRule: [String: Int] = [:]
        for alert in alerts { byRule[alert.rule, default: 0] += 1 }
        print("alerts by rule: " + byRule.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        print("alerts digest: \(try Self.digest(alerts))")
    }

    /// SHA-256 of the alerts as JSON with sorted keys: equal digests, equal alerts in the same order.
    static func digest(_ alerts: [Alert]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var hasher = SHA256()
        for alert in alerts { hasher.update(data: try encoder.encode(alert)) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// The compiled lexicon matcher and the evaluator on a generated 1,000-rule policy,
    /// against a naive `String.contains` loop.
    func runLexicon() throws {
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
