import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct MattermostExportTests {
    static let lines = [
        #"{"type":"version","version":1}"#,
        #"{"type":"channel","channel":{"team":"t","name":"deals","display_name":"Deals","type":"P"}}"#,
        #"{"type":"user","user":{"username":"alice","first_name":"Alice","last_name":"Archer"}}"#,
        #"{"type":"user","user":{"username":"bob","nickname":"Bobby"}}"#,
        #"{"type":"post","post":{"team":"t","channel":"deals","user":"alice","message":"root","create_at":1709287200000,"edit_at":1709287300000,"#
            + #""reactions":[{"user":"bob","emoji_name":"+1","create_at":1709287250000}],"attachments":[{"path":"data/x/report.pdf"}],"#
            + #""replies":[{"user":"bob","message":"reply","create_at":1709287260000}]}}"#,
        #"{"type":"post","post":{"team":"t","channel":"deals","user":"bob","message":"bob joined the channel.","create_at":1709287100000}}"#,
        #"{"type":"direct_post","direct_post":{"channel_members":["bob","alice"],"user":"bob","message":"psst","create_at":1709287400000,"delete_at":1709287500000}}"#,
        #"{"type":"post","post":{"team":"t","channel":"deals","message":"no user"}}"#,
        "{broken",
    ]

    @Test func postsRepliesReactionsAndDirectPostsArrive() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("export.jsonl", Array(Self.lines.joined(separator: "\n").utf8))
            #expect(ImportFormats.detect(path)?.name == "mattermost")
            let report = try await Fixtures.importing(path, MattermostExport(), into: archive)
            #expect(report.imported == 6 && report.rejected == 2)
            #expect(report.errors.map(\.line) == [8, 9])
            #expect(report.kinds["edits"] == 1 && report.kinds["deletes"] == 2 && report.kinds["joins"] == 1 && report.kinds["files"] == 2)
            let all = try await Fixtures.all(archive)
            let root = try #require(all.first("alice@1709287200000"))
            #expect(root.sender == Handle(id: "alice", displayName: "Alice Archer") && root.conversation == "t/deals")
            #expect(root.reactions == [Reaction(emoji: ":+1:", by: ["bob"])] && root.attachments.map(\.name) == ["report.pdf"])
            let reply = try #require(all.first("bob@1709287260000"))
            #expect(reply.thread == "alice@1709287200000" && reply.replyTo == "alice@1709287200000")
            #expect(all.first("alice@1709287200000#edit@1709287300000")?.target == "alice@1709287200000")
            let direct = try #require(all.first("bob@1709287400000"))
            #expect(direct.deleted && direct.conversation == "direct:alice,bob" && direct.recipients.map(\.id) == ["alice"])
            let kinds = try await archive.conversations(limit: 5).map(\.conversation.kind)
            #expect(Set(kinds) == [.group, .direct])
            #expect(try await Fixtures.importing(path, MattermostExport(), into: archive).duplicates == 6)
        }
    }
}

@Suite struct BatchBoundaryTests {
    /// A post and its edit share a line; a batch ending between them must not lose the edit.
    @Test(arguments: [1, 2, 3, 4]) func eventsSharingALineSurviveBatchBoundaries(batchSize: Int) async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("export.jsonl", Array(MattermostExportTests.lines.joined(separator: "\n").utf8))
            let importer = Importer(archive: archive, redaction: nil, actor: "test", batchSize: batchSize)
            let report = try await importer.importFile(path, format: MattermostExport())
            #expect(report.imported == 6 && report.rejected == 2)
        }
    }
}
