import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct TeamsExportTests {
    static let page = #"""
        {"value":[
          {"id":"1","messageType":"message","createdDateTime":"2024-03-01T10:00:00Z","chatId":"19:abc@thread.v2",
           "from":{"user":{"id":"u1","displayName":"Alice Archer"}},
           "body":{"contentType":"html","content":"<p>Hello &amp; <b>welcome</b></p><p>line two</p>"},
           "reactions":[{"reactionType":"like","user":{"user":{"id":"u2"}}},{"reactionType":"like","user":{"user":{"id":"u3"}}}],
           "attachments":[{"id":"a1","contentType":"reference","name":"plan.docx"}],
           "lastEditedDateTime":"2024-03-01T10:05:00Z"},
          {"id":"2","messageType":"message","createdDateTime":"2024-03-01T10:01:00Z","chatId":"19:abc@thread.v2","replyToId":"1",
           "from":{"user":{"id":"u2","displayName":"Bob"}},"body":{"contentType":"text","content":"gone"},
           "deletedDateTime":"2024-03-01T10:02:00Z"},
          {"id":"3","messageType":"systemEventMessage","createdDateTime":"2024-03-01T10:03:00Z","chatId":"19:abc@thread.v2",
           "body":{"contentType":"html","content":"<systemEventMessage/>"},
           "eventDetail":{"@odata.type":"#microsoft.graph.membersAddedEventMessageDetail","initiator":{"user":{"id":"u1"}}}},
          {"id":"4","messageType":"systemEventMessage","createdDateTime":"2024-03-01T10:04:00Z","chatId":"19:abc@thread.v2",
           "eventDetail":{"@odata.type":"#microsoft.graph.membersDeletedEventMessageDetail"}},
          {"id":"5","messageType":"systemEventMessage","createdDateTime":"2024-03-01T10:06:00Z","chatId":"19:abc@thread.v2",
           "eventDetail":{"@odata.type":"#microsoft.graph.chatRenamedEventMessageDetail"}}
        ]}
        """#

    @Test func everyKindArrives() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("chat.json", Array(Self.page.utf8))
            #expect(ImportFormats.detect(path)?.name == "teams")
            let report = try await Fixtures.importing(path, TeamsExport(), into: archive)
            #expect(report.imported == 7 && report.rejected == 0, "\(report.errors)")
            #expect(report.kinds["edits"] == 1 && report.kinds["deletes"] == 2 && report.kinds["joins"] == 1)
            #expect(report.kinds["leaves"] == 1 && report.kinds["system"] == 1 && report.kinds["reactions"] == 2)
            let all = try await Fixtures.all(archive)
            let first = try #require(all.first("1"))
            #expect(first.text == "Hello & welcome\nline two" && first.sender == Handle(id: "u1", displayName: "Alice Archer"))
            #expect(first.reactions == [Reaction(emoji: "like", by: ["u2", "u3"])])
            #expect(first.attachments.map(\.name) == ["body.html", "plan.docx"])
            let html = Array("<p>Hello &amp; <b>welcome</b></p><p>line two</p>".utf8)
            #expect(first.attachments[0].size == Int64(html.count) && first.attachments[0].sha256?.count == 64)
            #expect(all.first("1#edit@2024-03-01T10:05:00Z")?.target == "1")
            let deleted = try #require(all.first("2"))
            #expect(deleted.deleted && deleted.replyTo == "1" && deleted.text == "gone")
            #expect(all.first("2#delete@2024-03-01T10:02:00Z")?.kind == .delete)
            #expect(all.first("3")?.kind == .join && all.first("3")?.sender.id == "u1")
            #expect(all.first("4")?.kind == .leave && all.first("5")?.kind == .system)
            #expect(try await Fixtures.importing(path, TeamsExport(), into: archive).duplicates == 7)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func badFilesAreClearErrors() async throws {
        try await Fixtures.with { fixtures, archive in
            let deep = try fixtures.file("deep.json", Array(String(repeating: "[", count: 1_000_000).utf8))
            let empty = try fixtures.file("empty.json", [])
            let wrong = try fixtures.file("wrong.json", Array(#"{"hello":"world"}"#.utf8))
            for (path, reason) in [(deep, "nesting deeper"), (empty, "empty file")] {
                await #expect { try await Fixtures.importing(path, TeamsExport(), into: archive) } throws: { error in
                    (error as? InputError).map { $0.source == path && $0.line != nil && $0.reason.contains(reason) } ?? false
                }
            }
            let report = try await Fixtures.importing(wrong, TeamsExport(), into: archive)
            #expect(report.rejected == 1 && report.errors.first?.description.hasPrefix(wrong + ":1:") == true)
            #expect(try await archive.statistics().messages == 0)
        }
    }
}
