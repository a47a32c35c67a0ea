import ChatVaultCore
import Foundation
import Testing

/// Searches cannot cost the archive seconds, and what people search for, hold and export by
/// is recorded redacted: a searched SSN or card number never reaches a vault file.
@Suite(.serialized) struct SecuritySearchTests {
    static let ssn = "536-22-8410"
    static let card = "4111 1111 1111 1111"

    func vaultWithMessages(_ cli: CLI, count: Int) throws -> String {
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault, "--internal-domain", "bank.example").status == 0)
        let lines = (0..<count).map { index in
            ##"{"platform":"slack","conversation":"C1","id":"\##(index)","sender":"eve@bank.example","sent_at":"2024-03-01T09:00:00Z","text":"quarterly numbers \##(index) wire transfer approved"}"##
        }
        try lines.joined(separator: "\n").write(toFile: cli.path("m.jsonl"), atomically: true, encoding: .utf8)
        #expect(try cli.run("import", "--vault", vault, "--format", "jsonl", cli.path("m.jsonl")).status == 0)
        return vault
    }

    @Test func shortPrefixesTooManyTermsAndSlowQueriesAreRefusedClearly() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = try vaultWithMessages(cli, count: 3000)
        let letters = (0..<26).map { String(UnicodeScalar(UInt8(97 + $0))) + "*" }.joined(separator: " OR ")
        let short = try cli.run("search", "--vault", vault, letters)
        #expect(short.status == 2 && short.stderr.contains("\"a*\": a prefix search needs at least 3 letters"), "\(short.stderr)")
        let many = try cli.run("search", "--vault", vault, (0..<40).map { "w\($0)" }.joined(separator: " OR "))
        #expect(many.status == 2 && many.stderr.contains("40 words; at most 32"), "\(many.stderr)")
        let slow = try cli.run("search", "--vault", vault, "qua* OR wir* OR tra* OR app*", "--sort", "relevance", "--time-limit", "0.000001")
        #expect(slow.status == 2 && slow.stderr.contains("stopped after its time limit"), "\(slow.stderr)")
        let fine = try cli.run("search", "--vault", vault, "qua* OR wir*", "--json")
        #expect(fine.status == 0 && fine.json?["hits"]?.arrayValue?.count == 20, "\(fine.stderr)")
        // A hold by query is held to the same limits.
        let hold = try cli.run("hold", "create", "--vault", vault, "--name", "wide", "--query", "q* w*")
        #expect(hold.status == 2 && hold.stderr.contains("at least 3 letters"), "\(hold.stderr)")
    }

    @Test func searchedHeldAndExportedValuesNeverReachTheVaultFiles() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = try vaultWithMessages(cli, count: 3)
        for query in ["ssn \(Self.ssn)", "card \(Self.card)", "\"\(Self.card)\" OR wire"] {
            let result = try cli.run("search", "--vault", vault, query)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let export = try cli.run("export", "--vault", vault, "--query", "wire OR \(Self.ssn)", "--out", cli.path("out"))
        #expect(export.status == 0, "\(export.stderr)")
        let hold = try cli.run("hold", "create", "--vault", vault, "--name", "m", "--query", "ssn \(Self.ssn)", "--allow-empty")
        #expect(hold.status == 2 && hold.stderr.contains("redaction policy removes"), "\(hold.stderr)")

        let audit = try cli.run("audit", "--vault", vault, "--json", "--limit", "100")
        #expect(audit.stdout.contains("[REDACTED:US_SSN]") && audit.stdout.contains("•••• 1111"), "recorded as the policy redacts it")
        for root in [vault, cli.path("out")] {
            for (file, bytes) in try Self.files(under: root) {
                for value in [Self.ssn, Self.card, Self.card.replacingOccurrences(of: " ", with: ""), "536228410"] {
                    #expect(!Self.contains(bytes, value), "\(value) is in \(file)")
                }
            }
        }
    }

    /// The audit redaction is the vault's message redaction: a colleague in the directory keeps
    /// their name in the archive, so a hold by a query naming them is taken and covers their
    /// messages, while a query naming a customer (redacted everywhere) is refused.
    @Test func aHoldQueryNamingADirectoryPersonIsTaken() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault, "--internal-domain", "bank.example").status == 0)
        try "employee_id,name,emails,handles,department,groups\n7,Dan Okafor,dan.okafor@bank.example,,Trading,desk\n"
            .write(toFile: cli.path("people.csv"), atomically: true, encoding: .utf8)
        #expect(try cli.run("directory", "import", "--vault", vault, cli.path("people.csv")).status == 0)
        let line =
            ##"{"platform":"slack","conversation":"C1","id":"1","sender":"eve@bank.example","sent_at":"2024-03-01T09:00:00Z","text":"Dan Okafor approved the wire for Maria Rossi"}"##
        try line.write(toFile: cli.path("m.jsonl"), atomically: true, encoding: .utf8)
        #expect(try cli.run("import", "--vault", vault, "--format", "jsonl", cli.path("m.jsonl")).status == 0)
        let colleague = try cli.run("hold", "create", "--vault", vault, "--name", "okafor", "--query", "\"Dan Okafor\"")
        #expect(colleague.status == 0, "\(colleague.stderr)")
        let customer = try cli.run("hold", "create", "--vault", vault, "--name", "rossi", "--query", "\"Maria Rossi\"", "--allow-empty")
        #expect(customer.status == 2 && customer.stderr.contains("redaction policy removes"), "\(customer.stderr)")
    }

    static func files(under root: String) throws -> [(String, [UInt8])] {
        let enumerator = FileManager.default.enumerator(atPath: root)
        var found: [(String, [UInt8])] = []
        while let relative = enumerator?.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path)
            else { continue }
            found.append((path, [UInt8](data)))
        }
        return found
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard pattern.count <= haystack.count else { return false }
        var index = 0
        while index <= haystack.count - pattern.count {
            if haystack[index] == pattern[0], Array(haystack[index..<index + pattern.count]) == pattern { return true }
            index += 1
        }
        return false
    }
}
