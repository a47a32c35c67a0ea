import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct SlackExportTests {
    static let general = #"""
        [
          {"type":"message","user":"U1","text":"Q1 numbers <@U2> &amp; team","ts":"1709287200.000100",
           "reactions":[{"name":"thumbsup","users":["U2","U3"],"count":2}],
           "files":[{"id":"F1","name":"q1.pdf","size":48213,"mimetype":"application/pdf"}]},
          {"type":"message","user":"U2","text":"in thread","ts":"1709287260.000200","thread_ts":"1709287200.000100","parent_user_id":"U1"},
          {"type":"message","subtype":"thread_broadcast","user":"U2","text":"also to channel","ts":"1709287270.000250","thread_ts":"1709287200.000100"},
          {"type":"message","subtype":"message_changed","ts":"1709287300.000300","hidden":true,
           "message":{"type":"message","user":"U1","text":"Q1 numbers final","ts":"1709287200.000100","edited":{"user":"U1","ts":"1709287300.000000"}},
           "previous_message":{"type":"message","user":"U1","text":"Q1 numbers draft","ts":"1709287200.000100"}},
          {"type":"message","subtype":"message_deleted","hidden":true,"deleted_ts":"1709287260.000200","ts":"1709287400.000400",
           "previous_message":{"type":"message","user":"U2","text":"in thread","ts":"1709287260.000200"}},
          {"type":"message","subtype":"channel_join","user":"U3","text":"<@U3> has joined the channel","ts":"1709287500.000500"},
          {"type":"message","subtype":"channel_leave","user":"U3","text":"<@U3> has left the channel","ts":"1709287600.000600"},
          {"type":"message","subtype":"bot_message","bot_id":"B1","username":"deploybot","text":"","ts":"1709287700.000700",
           "attachments":[{"fallback":"deployed v1.2"}]},
          {"type":"message","subtype":"channel_topic","user":"U1","text":"set the topic","ts":"1709287800.000800"}
        ]
        """#

    static var files: [String: String] {
        [
            "users.json": #"[{"id":"U1","name":"alice","real_name":"Alice Archer","profile":{"real_name":"Alice Archer"}},"#
                + #"{"id":"U2","name":"bob","profile":{"display_name":"Bobby"}},{"id":"U3","name":"carol"}]"#,
            "channels.json": #"[{"id":"C1","name":"general","members":["U1","U2"]}]"#,
            "dms.json": #"[{"id":"D1","members":["U1","U2"]}]"#,
            "mpims.json": #"[{"id":"G1","name":"mpdm-alice--bob--carol-1","members":["U1","U2","U3"]}]"#,
            "general/2024-03-01.json": general,
            "D1/2024-03-01.json": #"[{"type":"message","user":"U2","text":"private hello","ts":"1709290000.000100"}]"#,
            "mpdm-alice--bob--carol-1/2024-03-01.json": #"[{"type":"message","user":"U3","text":"group hello","ts":"1709290100.000100"}]"#,
        ]
    }

    @Test func everyEventKindArrivesFromAFolder() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.folder("export", Self.files)
            #expect(SlackExport().recognizes(path))
            #expect(ImportFormats.detect(path)?.name == "slack")
            let report = try await Fixtures.importing(path, SlackExport(), into: archive)
            #expect(report.rejected == 0, "\(report.errors)")
            #expect(report.imported == 11)
            #expect(report.kinds["messages"] == 6 && report.kinds["edits"] == 2 && report.kinds["deletes"] == 1)
            #expect(report.kinds["joins"] == 1 && report.kinds["leaves"] == 1 && report.kinds["system"] == 1)
            #expect(report.kinds["reactions"] == 2 && report.kinds["files"] == 1)
            try await Self.checkFields(archive)
            let again = try await Fixtures.importing(path, SlackExport(), into: archive)
            #expect(again.imported == 0 && again.duplicates == 11 && again.kinds.values.allSatisfy { $0 == 0 })
            #expect(try await archive.verify().isIntact)
        }
    }

    static func checkFields(_ archive: any ArchiveBackend) async throws {
        let all = try await Fixtures.all(archive)
        let root = try #require(all.first("1709287200.000100"))
        #expect(root.sender == Handle(id: "U1", displayName: "Alice Archer"))
        #expect(root.text == "Q1 numbers @Bobby & team")
        #expect(root.reactions == [Reaction(emoji: ":thumbsup:", by: ["U2", "U3"])])
        #expect(root.attachments == [Attachment(name: "q1.pdf", size: 48213, mediaType: "application/pdf")])
        #expect(root.sentAt.iso8601 == "2024-03-01T10:00:00.000100Z")
        let reply = try #require(all.first("1709287260.000200"))
        #expect(reply.thread == "1709287200.000100" && reply.replyTo == "1709287200.000100")
        #expect(all.first("1709287270.000250")?.thread == "1709287200.000100")
        let edit = try #require(all.first { $0.kind == .edit })
        #expect(edit.target == "1709287200.000100" && edit.text == "Q1 numbers final" && edit.editedFrom == ["Q1 numbers draft"])
        let delete = try #require(all.first { $0.kind == .delete })
        #expect(delete.target == "1709287260.000200" && delete.text == "in thread" && delete.sender.id == "U2")
        #expect(all.first("1709287500.000500")?.kind == .join && all.first("1709287600.000600")?.kind == .leave)
        let bot = try #require(all.first("1709287700.000700"))
        #expect(bot.sender == Handle(id: "B1", displayName: "deploybot") && bot.text == "deployed v1.2")
        #expect(all.first("1709287800.000800")?.kind == .system)
        let conversations = try await archive.conversations(limit: 10).map(\.conversation)
        #expect(conversations.first { $0.sourceID == "C1" }?.kind == .channel)
        #expect(conversations.first { $0.sourceID == "D1" }?.kind == .direct)
        #expect(conversations.first { $0.sourceID == "G1" }?.kind == .group)
        #expect(all.first { $0.text == "private hello" }?.recipients == [Handle(id: "U1", displayName: "Alice Archer")])
        let hits = try await archive.search(SearchRequest(query: SearchQuery.parse("final"))).hits
        #expect(hits.count == 1)
    }

    @Test func theSameExportImportsFromAZip() async throws {
        try await Fixtures.with { fixtures, archive in
            let entries = Self.files.sorted { $0.key < $1.key }.map { ("export/" + $0.key, Array($0.value.utf8)) }
            let path = try fixtures.zip("export.zip", entries)
            #expect(ImportFormats.detect(path)?.name == "slack")
            let report = try await Fixtures.importing(path, SlackExport(), into: archive)
            #expect(report.imported == 11 && report.rejected == 0, "\(report.errors)")
            try await Self.checkFields(archive)
        }
    }

    @Test func badDayFilesNameTheFileAndLine() async throws {
        try await Fixtures.with { fixtures, archive in
            var files = Self.files
            files["general/2024-03-02.json"] =
                "[\n  {\"type\":\"message\",\"user\":\"U1\",\"text\":\"ok\",\"ts\":\"1709380000.1\"},\n  {\"user\":\"U1\",\"text\":\"no ts\"}\n]"
            files["general/2024-03-03.json"] = String(repeating: "[", count: 1_000_000)
            files["general/2024-03-04.json"] = ""
            files["general/2024-03-05.json"] = #"{"not":"an array"}"#
            let path = try fixtures.folder("export", files)
            try Data([0x5B, 0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D, 0x5D])
                .write(to: URL(fileURLWithPath: path + "/general/2024-03-06.json"))
            let report = try await Fixtures.importing(path, SlackExport(), into: archive)
            #expect(report.imported == 12 && report.rejected == 5)
            let byFile = Dictionary(grouping: report.errors) { URL(fileURLWithPath: $0.source).lastPathComponent }
            #expect(byFile["2024-03-02.json"]?.first?.line == 3)
            #expect(byFile["2024-03-02.json"]?.first?.reason.contains("\"ts\"") == true)
            #expect(byFile["2024-03-03.json"]?.first?.reason.contains("nesting deeper") == true)
            #expect(byFile["2024-03-04.json"]?.first?.reason.contains("empty file") == true)
            #expect(byFile["2024-03-05.json"]?.first?.reason.contains("expected a JSON array") == true)
            #expect(byFile["2024-03-06.json"]?.first?.reason.contains("UTF-8") == true)
        }
    }

    @Test func aRejectedExportStoresNothing() async throws {
        try await Fixtures.with { fixtures, archive in
            let bomb = try fixtures.zip(
                "bomb.zip", [("channels.json", Array("[]".utf8)), ("general/2024-01-01.json", [UInt8](repeating: 0x20, count: 64 << 20))])
            let traversal = try fixtures.zip("evil.zip", [("channels.json", Array("[]".utf8)), ("../general/x.json", Array("[]".utf8))])
            let notSlack = try fixtures.folder("other", ["readme.txt": "hello"])
            for path in [bomb, traversal, notSlack] {
                await #expect(throws: InputError.self) { try await Fixtures.importing(path, SlackExport(), into: archive) }
            }
            var files = Self.files
            files["general/2024-03-02.json"] = "[{]"
            let strict = try await Fixtures.importing(try fixtures.folder("strict", files), SlackExport(), into: archive, strict: true)
            #expect(strict.imported == 0 && strict.rejected == 1)
            #expect(try await archive.statistics().messages == 0)
            #expect(try await archive.verify().isIntact)
        }
    }
}
