import ChatVaultCore
import Foundation
import Testing

/// What an investigator has in hand works: a Teams data-export folder imports with
/// `--format auto`, and `prove` takes the platform's own message id.
@Suite(.serialized) struct SecurityDataSafetyTests {
    static let messages = #"""
        {"value":[
          {"id":"1616990032035","messageType":"message","createdDateTime":"2024-03-01T10:00:00Z","chatId":"19:abc@thread.v2",
           "from":{"user":{"id":"u1","displayName":"Alice Archer"}},"body":{"contentType":"text","content":"first teams message"}},
          {"id":"1616990032036","messageType":"message","createdDateTime":"2024-03-01T10:01:00Z","chatId":"19:abc@thread.v2",
           "from":{"user":{"id":"u2","displayName":"Bob"}},"body":{"contentType":"text","content":"second teams message"}}
        ]}
        """#
    /// Graph user objects carry createdDateTime too: they must not be read as messages.
    static let users = #"{"value":[{"id":"u1","displayName":"Alice Archer","createdDateTime":"2020-01-01T00:00:00Z","mail":"alice@bank.example"}]}"#

    func teamsFolder(_ cli: CLI) throws -> String {
        let root = cli.path("TeamsExport")
        let team = root + "/teams/19_abc_thread.v2"
        try FileManager.default.createDirectory(atPath: team, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/users", withIntermediateDirectories: true)
        try Self.messages.write(toFile: team + "/messages_19_abc_thread.v2.json", atomically: true, encoding: .utf8)
        try Self.users.write(toFile: root + "/users/users_1.json", atomically: true, encoding: .utf8)
        return root
    }

    @Test func aTeamsDataExportFolderIsRecognisedAndProvenByItsOwnIDs() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let vault = cli.path("vault")
        #expect(try cli.run("init", "--vault", vault).status == 0)
        let folder = try teamsFolder(cli)
        let imported = try cli.run("import", "--vault", vault, folder, "--json")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.json?["imported"] == .number("2") && imported.json?["rejected"] == .number("0"), "\(imported.stdout)")
        let hits = try cli.run("search", "--vault", vault, "teams", "--json").json?["hits"]?.arrayValue ?? []
        #expect(hits.count == 2, "the user list was not read as messages")

        // platform:conversation:id, with colons inside the conversation id.
        let byPlatformID = try cli.run("prove", "--vault", vault, "teams:19:abc@thread.v2:1616990032035", "--out", cli.path("a.json"))
        #expect(byPlatformID.status == 0, "\(byPlatformID.stderr)")
        let bySourceID = try cli.run("prove", "--vault", vault, "--source-id", "1616990032036", "--platform", "teams", "--out", cli.path("b.json"))
        #expect(bySourceID.status == 0, "\(bySourceID.stderr)")
        let key = try cli.run("key", "export", "--vault", vault).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        for proof in ["a.json", "b.json"] {
            let checked = try cli.run("verify-proof", cli.path(proof), "--key", key)
            #expect(checked.status == 0 && checked.stdout.hasPrefix("valid"), "\(checked.stdout)")
        }
        let missing = try cli.run("prove", "--vault", vault, "teams:19:abc@thread.v2:999")
        #expect(missing.status == 2 && missing.stderr.contains("no such message"))
        let bad = try cli.run("prove", "--vault", vault, "not-an-id")
        #expect(bad.status == 2 && bad.stderr.contains("platform:conversation:id"))
    }
}
