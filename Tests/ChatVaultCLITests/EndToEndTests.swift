import ChatVaultCore
import Foundation
import GRDB
import Testing

@Suite(.serialized) struct EndToEndTests {
    static let fixture = [
        ##"{"platform":"slack","conversation":"C1","conversation_name":"#deals","id":"1","sender":{"id":"alice@bank.example","name":"Alice"},"sent_at":"2024-03-01T09:00:00Z","text":"Morning, the wire transfer is queued"}"##,
        ##"{"platform":"slack","conversation":"C1","id":"2","sender":{"id":"bob@bank.example","name":"Bob"},"sent_at":"2024-03-01T09:01:00Z","text":"My p\u200Bassword is on a sticky note","reply_to":"1"}"##,
        ##"{"platform":"slack","conversation":"C1","id":"3","sender":"alice@bank.example","sent_at":"2024-03-01T09:02:00Z","text":"UNIQUEMARKERTEXT please do not tamper"}"##,
        ##"{"platform":"teams","conversation":"chat-9","id":"a","sender":"client@acme.example","recipients":["alice@bank.example"],"sent_at":"2024-03-01T10:00:00Z","text":"Is the return guaranteed?"}"##,
        ##"{"platform":"slack","conversation":"C1","id":"4","sender":"alice@bank.example","sent_at":"not a date","text":"bad"}"##,
        "{broken json",
        ##"{"platform":"slack","conversation":"C1","id":"5","kind":"edit","target":"1","sender":"alice@bank.example","sent_at":"2024-03-01T09:05:00Z","text":"Morning, the wire transfer went out"}"##,
    ].joined(separator: "\n")

    @Test func initImportSearchShowVerifyTamperProve() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        let initResult = try cli.run("init", "--vault", vault, "--internal-domain", "bank.example", "--json")
        #expect(initResult.status == 0, "\(initResult.stderr)")
        #expect(initResult.json?["public_key"]?.stringValue?.hasPrefix("ed25519:") == true)
        #expect(try cli.run("init", "--vault", vault).status != 0, "init refuses to overwrite a vault")

        let file = cli.path("export.jsonl")
        try Self.fixture.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try cli.run("import", "--vault", vault, "--format", "jsonl", file, "--json")
        #expect(imported.status == 1, "rejected lines make the exit status non-zero")
        #expect(imported.json?["imported"] == .number("5"))
        #expect(imported.json?["duplicates"] == .number("0"))
        #expect(imported.json?["rejected"] == .number("2"))
        #expect(imported.stderr.contains("\(file):5: \"sent_at\" is not an ISO 8601"))
        #expect(imported.stderr.contains("\(file):6: not valid JSON"))

        let again = try cli.run("import", "--vault", vault, file, "--json")
        #expect(again.json?["imported"] == .number("0"))
        #expect(again.json?["duplicates"] == .number("5"))

        let search = try cli.run("search", "--vault", vault, "password", "--json")
        #expect(search.status == 0)
        let hits = search.json?["hits"]?.arrayValue ?? []
        #expect(hits.count == 1)
        #expect(hits.first?["source_id"] == .string("2"))
        #expect(hits.first?["snippet"]?.stringValue?.contains("«p\u{200B}assword»") == true)
        let hostile = try cli.run("search", "--vault", vault, "multi-agent sender:carol ((( \" NEAR(x) {text}:y")
        #expect(hostile.status == 0, "\(hostile.stderr)")
        let filtered = try cli.run(
            "search", "--vault", vault, "wire", "--from", "alice@bank.example", "--after", "2024-03-01", "--before", "2024-03-02", "--conversation",
            "slack:C1", "--json")
        #expect(filtered.json?["hits"]?.arrayValue?.compactMap { $0["source_id"]?.stringValue } == ["5", "1"])
        let text = try cli.run("search", "--vault", vault, "guaranteed")
        #expect(text.stdout.contains("«guaranteed»"))

        let show = try cli.run("show", "--vault", vault, "#deals")
        #expect(show.status == 0)
        #expect(show.stdout.contains("Morning, the wire transfer is queued"))
        #expect(show.stdout.contains("edited 1: Morning, the wire transfer went out"))
        #expect(try cli.run("show", "--vault", vault, "no-such-thing").status == 2)

        let verify = try cli.run("verify", "--vault", vault, "--json")
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.json?["intact"] == .bool(true))

        let audit = try cli.run("audit", "--vault", vault, "--json", "--limit", "200")
        let actions = audit.json?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
        for action in ["vault.init", "archive.append", "archive.search", "archive.show", "archive.verify"] {
            #expect(actions.contains(action), "audit trail lacks \(action)")
        }
        #expect(audit.json?.arrayValue?.allSatisfy { $0["actor"] == .string("cli-test") } == true)

        // An inclusion proof checks out with only the public key, and a forged one does not.
        let messageID = try #require(hits.first?["id"]?.scalarText)
        let proofPath = cli.path("proof.json")
        #expect(try cli.run("prove", "--vault", vault, messageID, "--out", proofPath).status == 0)
        let key = "\(vault)/keys/checkpoint.pub"
        let checked = try cli.run("verify-proof", proofPath, "--key", key)
        #expect(checked.status == 0, "\(checked.stdout) \(checked.stderr)")
        let proofText = try String(contentsOfFile: proofPath, encoding: .utf8)
        try proofText.replacing("sticky", with: "sticki").write(toFile: proofPath, atomically: true, encoding: .utf8)
        let forged = try cli.run("verify-proof", proofPath, "--key", key)
        #expect(forged.status == 1)
        #expect(forged.stdout.contains("INVALID"))

        // A checkpoint kept outside the vault, and the key exported from it, vouch for it later.
        let witnessPath = cli.path("checkpoint.json")
        #expect(try cli.run("checkpoint", "--vault", vault, "--out", witnessPath).status == 0)
        let keyPath = cli.path("vault.pub")
        #expect(try cli.run("key", "export", "--vault", vault, "--out", keyPath).status == 0)
        let witnessed = try cli.run("verify", "--vault", vault, "--key", keyPath, "--witness", witnessPath, "--json")
        #expect(witnessed.status == 0, "\(witnessed.stdout)")

        // Another program changes one stored message: verify names it.
        let db = try DatabaseQueue(path: "\(vault)/archive.sqlite")
        let tamperedID = try db.write { db -> Int64 in
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM messages WHERE source_id = '1'")!
            try db.execute(sql: "UPDATE messages SET text = 'Morning, nothing to see' WHERE id = ?", arguments: [id])
            return id
        }
        let broken = try cli.run("verify", "--vault", vault)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("message \(tamperedID)"), "\(broken.stdout)")
    }

    @Test func flippingOneByteInTheDatabaseFileIsCaught() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let file = cli.path("export.jsonl")
        try Self.fixture.write(toFile: file, atomically: true, encoding: .utf8)
        try cli.run("import", "--vault", vault, file)
        #expect(try cli.run("verify", "--vault", vault).status == 0)

        // Move everything from the WAL into the main file, then edit the file's bytes directly.
        let dbPath = "\(vault)/archive.sqlite"
        let db = try DatabaseQueue(path: dbPath)
        let markerID = try db.writeWithoutTransaction { db -> Int64 in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            return try Int64.fetchOne(db, sql: "SELECT id FROM messages WHERE source_id = '3'")!
        }
        try db.close()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: dbPath))
        let marker = Data("UNIQUEMARKERTEXT".utf8)
        let range = try #require(bytes.range(of: marker))
        #expect(bytes[range.upperBound...].range(of: marker) == nil, "the marker is stored once")
        bytes[range.lowerBound] = UInt8(ascii: "V")
        try bytes.write(to: URL(fileURLWithPath: dbPath))

        let result = try cli.run("verify", "--vault", vault)
        #expect(result.status == 1)
        #expect(result.stdout.contains("message \(markerID)"), "\(result.stdout)")
    }

    @Test func demoBuildsAWorkingArchive() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let demo = try cli.run("demo", "--vault", cli.path("demo"), "--no-serve")
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Integrity: intact"))
        let search = try cli.run("search", "--vault", cli.path("demo"), "password", "--json")
        #expect((search.json?["hits"]?.arrayValue?.count ?? 0) >= 2)
        let conversations = try cli.run("conversations", "--vault", cli.path("demo"), "--json")
        let list = conversations.json?.arrayValue ?? []
        #expect(list.count >= 4)
        #expect(list.contains { $0["external"] == .bool(true) } && list.contains { $0["external"] == .bool(false) })
        let rerun = try cli.run("demo", "--vault", cli.path("demo"), "--no-serve")
        #expect(rerun.stdout.contains("Imported 0 messages"), "\(rerun.stdout)")
    }

    @Test func controlCharactersInMessagesNeverReachTheTerminal() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        try cli.run("init", "--vault", vault)
        let file = cli.path("esc.jsonl")
        try
            #"{"platform":"p","conversation":"c","id":"1","sender":"u\u001b[31m","sent_at":"2024-01-01T00:00:00Z","text":"evil \u001b]0;pwned\u0007 text"}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        try cli.run("import", "--vault", vault, file)
        for output in [try cli.run("search", "--vault", vault, "evil").stdout, try cli.run("show", "--vault", vault, "p:c").stdout] {
            #expect(!output.contains("\u{1B}"))
            #expect(!output.contains("\u{07}"))
        }
    }
}
