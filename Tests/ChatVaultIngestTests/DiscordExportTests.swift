import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct DiscordExportTests {
    static func message(_ id: String, _ type: String, _ at: String, _ content: String, extra: String = "") -> String {
        #"{"id":"\#(id)","type":"\#(type)","timestamp":"\#(at)","timestampEdited":null,"content":"\#(content)","#
            + #""author":{"id":"u\#(id.prefix(1))","name":"user\#(id.prefix(1))","nickname":"Nick\#(id.prefix(1))"}\#(extra)}"#
    }

    static let export = """
        {"guild":{"id":"g1","name":"Firm"},
         "channel":{"id":"c1","type":"GuildTextChat","name":"trading"},
         "messages":[
          \(message("1", "GuildMemberJoin", "2024-03-01T09:00:00+00:00", "Joined the server."))
          ,\(message("2", "Default", "2024-03-01T09:01:00.500+00:00", "hello",
            extra: #","timestampEdited":"2024-03-01T09:03:00+00:00","attachments":[{"id":"a","fileName":"deal.pdf","fileSizeBytes":1234,"url":"x/deal.pdf"}],"reactions":[{"emoji":{"id":"","name":"👍"},"count":2,"users":[{"id":"u3"},{"id":"u4"}]}]"#))
          ,\(message("3", "Reply", "2024-03-01T09:02:00+01:00", "re", extra: #","reference":{"messageId":"2"}"#))
          ,\(message("4", "ChannelPinnedMessage", "2024-03-01T09:04:00Z", "Pinned a message."))
          ,\(message("5", "RecipientRemove", "2024-03-01T09:05:00Z", "left"))
          ,{"id":"6","type":"Default","timestamp":"yesterday","content":"bad","author":{"id":"u6"}}
         ]}
        """

    @Test func everyEventKindAndFieldArrives() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("Firm - trading [c1].json", Array(Self.export.utf8))
            #expect(ImportFormats.detect(path)?.name == "discord")
            let report = try await Fixtures.importing(path, DiscordExport(), into: archive)
            #expect(report.imported == 6 && report.rejected == 1)
            #expect(report.errors.first?.line == 9 && report.errors.first?.reason.contains("timestamp") == true, "\(report.errors)")
            #expect(report.kinds["joins"] == 1 && report.kinds["leaves"] == 1 && report.kinds["system"] == 1 && report.kinds["edits"] == 1)
            #expect(report.kinds["reactions"] == 2 && report.kinds["files"] == 2)
            let all = try await Fixtures.all(archive)
            let hello = try #require(all.first("2"))
            #expect(hello.sender == Handle(id: "u2", displayName: "Nick2") && hello.conversation == "c1")
            #expect(hello.attachments == [Attachment(name: "deal.pdf", size: 1234)] && hello.reactions == [Reaction(emoji: "👍", by: ["u3", "u4"])])
            #expect(hello.sentAt == Timestamp(iso8601: "2024-03-01T09:01:00.5Z"))
            let edit = try #require(all.first("2#edit@2024-03-01T09:03:00Z"))
            #expect(edit.kind == .edit && edit.target == "2" && edit.text == "hello")
            #expect(all.first("3")?.replyTo == "2" && all.first("3")?.sentAt == Timestamp(iso8601: "2024-03-01T08:02:00Z"))
            #expect(all.first("1")?.kind == .join && all.first("4")?.kind == .system && all.first("5")?.kind == .leave)
            #expect(try await archive.conversations(limit: 2).first?.conversation.name == "#trading")
            #expect(try await Fixtures.importing(path, DiscordExport(), into: archive).duplicates == 6)
            #expect(try await archive.verify().isIntact)
        }
    }
}
