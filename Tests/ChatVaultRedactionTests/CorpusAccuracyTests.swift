import ChatVaultRedaction
import Foundation
import Testing

/// Runs the redactor over the labelled corpus and writes predictions for `score.py`:
/// `python3 /work/shared/corpus/score.py --gold …/corpus_5k_seed42.jsonl --pred /tmp/redaction-pred.jsonl --map identity`.
/// Skipped where the corpus is not present.
struct CorpusAccuracyTests {
    static let corpus = ProcessInfo.processInfo.environment["CHATVAULT_CORPUS"] ?? "/work/shared/corpus/corpus_5k_seed42.jsonl"
    static let predictions = ProcessInfo.processInfo.environment["CHATVAULT_PREDICTIONS"] ?? "/tmp/redaction-pred.jsonl"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus)))
    func writesPredictionsForTheScorer() throws {
        let redactor = Redactor(policy: .default, secret: Array("corpus".utf8))
        let lines = try String(contentsOfFile: Self.corpus, encoding: .utf8).split(separator: "\n")
        var output = ""
        var spanCount = 0
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(object["id"] as? String)
            let text = try #require(object["text"] as? String)
            let outcome = redactor.redact(text)
            spanCount += outcome.originalSpans.count
            let spans = outcome.originalSpans.map { ["start": $0.start, "end": $0.end, "type": $0.type] as [String: Any] }
            let data = try JSONSerialization.data(withJSONObject: ["id": id, "spans": spans] as [String: Any], options: [.sortedKeys])
            output += String(decoding: data, as: UTF8.self) + "\n"
        }
        try output.write(toFile: Self.predictions, atomically: true, encoding: .utf8)
        #expect(spanCount > 0)
    }
}
