import ChatVaultArchive
import ChatVaultCore
import Foundation

/// One of the 20 reference queries of ../shared/bench/queries.py.
struct ReferenceQuery {
    var id: String
    var kind: String
    var terms: [String]
    var phrase: Bool
    var sender: String?
    var from: String?
    var to: String?

    static let kinds = ["common", "rare", "and2", "phrase", "filtered"]

    /// Reads the queries by asking Python to print them, so they are never copied here.
    static func load(shared: String) throws -> [ReferenceQuery] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", "import json,sys; sys.path.insert(0, sys.argv[1]); from queries import Q; print(json.dumps(Q))", shared,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let list = try JSONParser().parse(String(decoding: data, as: UTF8.self)).arrayValue else {
            throw BenchError("could not read the reference queries from \(shared)/queries.py")
        }
        return list.map { q in
            ReferenceQuery(
                id: q["id"]?.stringValue ?? "?", kind: q["kind"]?.stringValue ?? "?",
                terms: q["terms"]?.arrayValue?.compactMap(\.stringValue) ?? [], phrase: q["phrase"]?.boolValue ?? false,
                sender: q["sender"]?.stringValue, from: q["ts_from"]?.stringValue, to: q["ts_to"]?.stringValue)
        }
    }

    /// The same query in ChatVault's language, 50 hits with snippets, in `order`.
    func request(order: SearchRequest.Order = .newest) -> SearchRequest {
        let text = phrase ? "\"" + terms.joined(separator: " ") + "\"" : terms.joined(separator: " AND ")
        return SearchRequest(
            query: SearchQuery.parse(text), sender: sender, after: from.flatMap(Timestamp.init(iso8601:)),
            before: to.flatMap(Timestamp.init(iso8601:)), order: order, limit: 50)
    }

    /// The FTS5 MATCH string the Python baseline uses.
    var fts5: String {
        phrase ? "\"" + terms.joined(separator: " ") + "\"" : terms.joined(separator: " AND ")
    }
}
