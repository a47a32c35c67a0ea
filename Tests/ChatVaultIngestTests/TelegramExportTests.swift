import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct TelegramExportTests {
    static let fullExport = """
        {
         "about": "Here is the data you requested.",
         "chats": {
          "about": "This page lists all chats from this export.",
          "list": [
           {
            "name": "Desk",
            "type": "private_supergroup",
            "id": 42,
            "messages": [
             {
              "id": 1,
              "type": "service",
              "date": "2024-03-01T10:00:00",
              "date_unixtime": "1709287200",
              "actor": "Alice",
              "actor_id": "user1",
              "action": "invite_members",
              "members": ["Bob"],
              "text": ""
             },
             {
              "id": 2,
              "type": "message",
              "date": "2024-03-01T10:01:00",
              "date_unixtime": "1709287260",
              "edited": "2024-03-01T10:05:00",
              "edited_unixtime": "1709287500",
              "from": "Bob",
              "from_id": "user2",
              "text": ["see ", {"type": "link", "text": "https://example.com"}, " now"],
              "reactions": [{"type": "emoji", "count": 1, "emoji": "👍", "recent": [{"from": "Alice", "from_id": "user1", "date": "2024-03-01T10:02:00"}]}]
             },
             {
              "id": 3,
              "type": "message",
              "date_unixtime": "1709287320",
              "from": "Alice",
              "from_id": "user1",
              "reply_to_message_id": 2,
              "photo": "photos/photo_1.jpg",
              "text": "the chart"
             },
             {
              "id": 4,
              "type": "service",
              "date_unixtime": "1709287380",
              "actor": "Alice",
              "actor_id": "user1",
              "action": "remove_members",
              "members": ["Bob"],
              "text": ""
             },
             {
              "id": 5,
              "type": "service",
              "date_unixtime": "1709287440",
              "actor": "Alice",
              "actor_id": "user1",
              "action": "pin_message",
              "text": ""
             },
             {"id": 6, "type": "message", "from": "Alice", "text": "no date"}
            ]
           },
           {
            "name": "Bob",
            "type": "personal_chat",
            "id": 7,
            "messages": [
             {"id": 1, "type": "message", "date_unixtime": "1709290000", "from": "Bob", "from_id": "user2",
              "file": "files/report.pdf", "file_name": "report.pdf", "mime_type": "application/pdf", "text": ""}
            ]
           }
          ]
         }
        }
        """

    @Test func everyEventKindAndFieldArrives() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("result.json", Array(Self.fullExport.utf8))
            #expect(ImportFormats.detect(path)?.name == "telegram")
            let report = try await Fixtures.importing(path, TelegramExport(), into: archive)
            #expect(report.imported == 7 && report.rejected == 1)
            #expect(report.errors.first?.line == 63 && report.errors.first?.reason.contains("date") == true, "\(report.errors)")
            #expect(report.kinds["joins"] == 1 && report.kinds["leaves"] == 1 && report.kinds["system"] == 1)
            #expect(report.kinds["edits"] == 1 && report.kinds["reactions"] == 1 && report.kinds["files"] == 2)
            let all = try await Fixtures.all(archive)
            let bob = try #require(all.first { $0.sourceID == "2" && $0.conversation == "42" })
            #expect(bob.text == "see https://example.com now" && bob.sender == Handle(id: "user2", displayName: "Bob"))
            #expect(bob.sentAt == Timestamp(iso8601: "2024-03-01T10:01:00Z") && bob.reactions == [Reaction(emoji: "👍", by: ["user1"])])
            let edit = try #require(all.first("2#edit@1709287500"))
            #expect(edit.kind == .edit && edit.target == "2" && edit.sentAt == Timestamp(iso8601: "2024-03-01T10:05:00Z"))
            #expect(all.first { $0.sourceID == "3" && $0.conversation == "42" }?.replyTo == "2")
            #expect(all.first { $0.sourceID == "3" && $0.conversation == "42" }?.attachments.map(\.name) == ["photo_1.jpg"])
            #expect(all.first { $0.kind == .join }?.text == "invite_members: Bob")
            let file = try #require(all.first { $0.conversation == "7" })
            #expect(file.attachments == [Attachment(name: "report.pdf", mediaType: "application/pdf")])
            let kinds = try await archive.conversations(limit: 5).map(\.conversation.kind)
            #expect(Set(kinds) == [.group, .direct])
            let again = try await Fixtures.importing(path, TelegramExport(), into: archive)
            #expect(again.imported == 0 && again.duplicates == 7)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func messagesWithoutIdsGetStableIds() async throws {
        try await Fixtures.with { fixtures, archive in
            let text =
                #"{"name":"x","type":"personal_chat","messages":[{"type":"message","date_unixtime":"1","from":"a","text":"hi"},"#
                + #"{"type":"message","date_unixtime":"1","from":"a","text":"hi"}]}"#
            let path = try fixtures.file("noid.json", Array(text.utf8))
            #expect(try await Fixtures.importing(path, TelegramExport(), into: archive).imported == 2)
            #expect(try await Fixtures.importing(path, TelegramExport(), into: archive).duplicates == 2)
        }
    }
}
