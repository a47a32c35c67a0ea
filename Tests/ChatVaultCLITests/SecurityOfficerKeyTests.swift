import ChatVaultCore
import Foundation
import Testing

/// The CLI's two-person rules tie each step to an officer's registered key, not to the
/// `--actor` label: one OS user with one key cannot propose and approve, whatever names it
/// types; two officers' keys can.
@Suite(.serialized) struct SecurityOfficerKeyTests {
    static let old = [
        ##"{"platform":"slack","conversation":"C1","id":"1","sender":"dan.okafor@bank.example","sent_at":"2020-03-01T09:00:00Z","text":"old one"}"##,
        ##"{"platform":"slack","conversation":"C1","id":"2","sender":"eve@bank.example","sent_at":"2020-03-01T09:01:00Z","text":"old two"}"##,
    ].joined(separator: "\n")

    /// A vault with two old messages, a one-day rule and two officers' key files.
    func prepare(_ cli: CLI) throws -> (vault: String, alice: (key: String, text: String), bob: (key: String, text: String)) {
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault, "--internal-domain", "bank.example").status == 0)
        try Self.old.write(toFile: cli.path("old.jsonl"), atomically: true, encoding: .utf8)
        #expect(try cli.run("import", "--vault", vault, "--format", "jsonl", cli.path("old.jsonl")).status == 0)
        #expect(try cli.run("retention", "set", "--vault", vault, "--name", "comms", "--days", "1").status == 0)
        var keys: [(String, String)] = []
        for name in ["alice", "bob"] {
            let path = cli.path("\(name).key")
            let made = try cli.run("officer", "keygen", "--out", path)
            #expect(made.status == 0 && made.stdout.hasPrefix("ed25519:"), "\(made.stderr)")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "a private key is the owner's alone")
            keys.append((path, made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return (vault, keys[0], keys[1])
    }

    @Test func oneOfficerWithOneKeyCannotProposeAndApprove() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        try Self.old.write(toFile: cli.path("old.jsonl"), atomically: true, encoding: .utf8)
        #expect(try cli.run("import", "--vault", vault, "--format", "jsonl", cli.path("old.jsonl")).status == 0)
        #expect(try cli.run("retention", "set", "--vault", vault, "--name", "comms", "--days", "1").status == 0)

        // The attack the review found: two names typed by one person. Without a key, nothing.
        let unsigned = try cli.run("retention", "propose", "--vault", vault, "--actor", "alice")
        #expect(unsigned.status == 2 && unsigned.stderr.contains("two-person step"), "\(unsigned.stderr)")

        let key = cli.path("alice.key")
        let alicePublic = try cli.run("officer", "keygen", "--out", key).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try cli.run("officer", "keygen", "--out", key).status == 2, "keygen never overwrites a key")
        // An unregistered key is nobody.
        #expect(try cli.run("retention", "propose", "--vault", vault, "--key", key).stderr.contains("not registered"))
        #expect(try cli.run("officer", "register", "--vault", vault, "alice", "--public-key", alicePublic).status == 0)
        // The same key cannot be registered again under a second name.
        let twice = try cli.run("officer", "register", "--vault", vault, "bob", "--public-key", alicePublic, "--endorse-key", key)
        #expect(twice.status == 2 && twice.stderr.contains("one key, one officer"), "\(twice.stderr)")

        let proposed = try cli.run("retention", "propose", "--vault", vault, "--key", key, "--actor", "alice")
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let id = try #require(proposed.stdout.split(separator: " ").dropFirst(2).first.map { String($0.dropLast()) })
        // Approving with the same key, under any --actor, is refused.
        let asBob = try cli.run("retention", "approve", "--vault", vault, id, "--key", key, "--actor", "bob")
        #expect(asBob.status == 2 && asBob.stderr.contains("not as --actor bob"), "\(asBob.stderr)")
        let same = try cli.run("retention", "approve", "--vault", vault, id, "--key", key)
        #expect(same.status == 2 && same.stderr.contains("second officer"), "\(same.stderr)")
        let show = try cli.run("search", "--vault", vault, "old", "--json")
        #expect(show.json?["hits"]?.arrayValue?.count == 2, "nothing was disposed of")
    }

    @Test func twoOfficersKeysCarryOutADispositionAndAHoldRelease() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let (vault, alice, bob) = try prepare(cli)
        let (aliceKey, aliceText) = alice
        let (bobKey, bobText) = bob
        #expect(try cli.run("officer", "register", "--vault", vault, "alice", "--public-key", aliceText).status == 0)
        let unendorsed = try cli.run("officer", "register", "--vault", vault, "bob", "--public-key", bobText)
        #expect(unendorsed.status == 2 && unendorsed.stderr.contains("--endorse-key"), "a second officer is not added by nobody")
        let selfEndorsed = try cli.run("officer", "register", "--vault", vault, "bob", "--public-key", bobText, "--endorse-key", bobKey)
        #expect(selfEndorsed.status == 2)
        let endorsed = try cli.run("officer", "register", "--vault", vault, "bob", "--public-key", bobText, "--endorse-key", aliceKey)
        #expect(endorsed.status == 0, "\(endorsed.stderr)")

        // A hold on Dan (typed in another case) keeps his message through the disposition.
        let hold = try cli.run("hold", "create", "--vault", vault, "--name", "matter", "--person", "Dan.Okafor@Bank.Example")
        #expect(hold.status == 0 && hold.stdout.contains("covers 1 messages now"), "\(hold.stdout) \(hold.stderr)")

        let proposed = try cli.run("retention", "propose", "--vault", vault, "--key", aliceKey)
        #expect(proposed.status == 0, "\(proposed.stderr)")
        let id = try #require(proposed.stdout.split(separator: " ").dropFirst(2).first.map { String($0.dropLast()) })
        let approved = try cli.run("retention", "approve", "--vault", vault, id, "--key", bobKey)
        #expect(approved.status == 0 && approved.stdout.contains("1 messages disposed of"), "\(approved.stdout) \(approved.stderr)")
        #expect(approved.stdout.contains("proposed by alice, approved by bob"))
        let left = try cli.run("search", "--vault", vault, "old", "--json").json?["hits"]?.arrayValue ?? []
        #expect(left.compactMap { $0["source_id"]?.stringValue } == ["1"], "the held message stays")

        // Releasing the hold: the same key twice is refused, a second officer's key completes it.
        #expect(try cli.run("hold", "release", "--vault", vault, "1", "--key", aliceKey).status == 0)
        let again = try cli.run("hold", "release", "--vault", vault, "1", "--key", aliceKey, "--actor", "alice")
        #expect(again.status == 2, "\(again.stdout)")
        let released = try cli.run("hold", "release", "--vault", vault, "1", "--key", bobKey)
        #expect(released.status == 0 && released.stdout.contains("released"), "\(released.stderr)")

        // The trail keeps each step's signature, and the vault still verifies.
        let dbText = try auditText(cli, vault)
        #expect(dbText.contains("signed_statement") && dbText.contains("retention.approve"))
        #expect(try cli.run("verify", "--vault", vault).status == 0)
    }

    func auditText(_ cli: CLI, _ vault: String) throws -> String {
        let result = try cli.run("audit", "--vault", vault, "--json", "--limit", "100")
        return result.stdout
    }
}
