import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import ChatVaultPolicy
import Foundation

extension Policy {
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a policy on ChatVault JSONL messages from standard input; write one JSONL line per alert.",
            discussion: """
                Each alert is {"message_id","rule","severity","matches":[{"start","end","text"}]}, with
                start/end in Unicode scalars of the message text, end exclusive. Nothing is stored.
                """)

        @Option(help: "The policy file (YAML).")
        var policy: String

        @Option(help: "A directory of people (CSV or JSON) to resolve handles with.")
        var directory: String?

        @Option(help: "The sampling seed.")
        var seed: UInt64 = 0

        func run() async throws {
            try await reportingErrors {
                let use = try PolicyFile.loadUse(policy)
                let people = try directory.map { try Directory.load(text: try PolicyFile.text($0), source: $0) } ?? Directory()
                var evaluator = try PolicyEvaluator(policy: use, directory: people, seed: seed)
                let format = ChatVaultJSONL()
                var lineNumber = 0
                var failures = 0
                var output: [UInt8] = []
                while var line = readLine(strippingNewline: true) {
                    lineNumber += 1
                    if line.allSatisfy(\.isWhitespace) { continue }
                    let parsed = line.withUTF8 { format.message(from: $0, source: "stdin", line: lineNumber) }
                    switch parsed {
                    case .failure(let error):
                        Terminal.err(error.description)
                        failures += 1
                    case .success(let incoming):
                        for alert in evaluator.evaluate(incoming.message, conversationKind: incoming.conversationKind) {
                            var writer = JSONWriter()
                            writer.write(Self.json(alert))
                            output.append(contentsOf: writer.bytes)
                            output.append(0x0A)
                        }
                        if output.count > 1 << 16 {
                            FileHandle.standardOutput.write(Data(output))
                            output.removeAll(keepingCapacity: true)
                        }
                    }
                }
                FileHandle.standardOutput.write(Data(output))
                if failures > 0 { throw ExitCode(1) }
            }
        }

        static func json(_ alert: Alert) -> JSONValue {
            .object([
                ("message_id", .string(alert.message.sourceID)), ("rule", .string(alert.rule)), ("severity", .string(alert.severity.rawValue)),
                ("matches", .array(alert.matches.map { .object([("start", .int($0.start)), ("end", .int($0.end)), ("text", .string($0.text))]) })),
            ])
        }
    }
}
