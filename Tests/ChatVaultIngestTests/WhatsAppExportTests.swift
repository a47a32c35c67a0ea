import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct WhatsAppExportTests {
    /// An iOS export as phones write it: direction marks, U+202F before AM/PM, seconds.
    static let ios = """
        [12/31/23, 9:41:05\u{202F}PM] Alice: Happy new year
        with a second line
        [12/31/23, 9:41:30\u{202F}PM] Bob: \u{200E}<attached: 00000012-PHOTO-2023-12-31.jpg>
        [12/31/23, 9:42:00\u{202F}PM] Alice: \u{200E}This message was deleted
        [12/31/23, 9:43:00\u{202F}PM] \u{200E}Carol joined using this group's invite link
        [12/31/23, 9:44:00\u{202F}PM] \u{200E}Dave left
        [12/31/23, 9:45:00\u{202F}PM] \u{200E}Bob's security code changed. Tap to learn more.
        [1/1/24, 12:00:00\u{202F}AM] Carol: midnight: party
        """

    @Test func everyKindArrivesFromAnIOSZipWithMedia() async throws {
        try await Fixtures.with { fixtures, archive in
            let photo = Array("not really a jpeg".utf8)
            let path = try fixtures.zip(
                "WhatsApp Chat - Friends.zip", [("_chat.txt", Array(Self.ios.utf8)), ("00000012-PHOTO-2023-12-31.jpg", photo)])
            #expect(ImportFormats.detect(path)?.name == "whatsapp")
            let report = try await Fixtures.importing(path, WhatsAppExport(), into: archive)
            #expect(report.imported == 7 && report.rejected == 0, "\(report.errors)")
            #expect(report.kinds["messages"] == 4 && report.kinds["joins"] == 1 && report.kinds["leaves"] == 1)
            #expect(report.kinds["system"] == 1 && report.kinds["deletes"] == 1 && report.kinds["files"] == 1)
            let all = try await Fixtures.all(archive)
            #expect(all.count == 7)
            #expect(all[0].text == "Happy new year\nwith a second line" && all[0].sender.id == "Alice")
            #expect(all[0].sentAt.iso8601 == "2023-12-31T21:41:05Z" && all[0].platform == "whatsapp")
            #expect(all[0].conversation == "WhatsApp Chat - Friends")
            let file = try #require(all[1].attachments.first)
            #expect(file.name == "00000012-PHOTO-2023-12-31.jpg" && file.size == Int64(photo.count))
            #expect(file.sha256 == "21ac2586e213d1f490778a07bf0025a98fc57595863a282372bac594b398322b")
            #expect(all[2].deleted && all[2].text == "This message was deleted")
            #expect(all[3].kind == .join && all[3].sender.id == "Carol")
            #expect(all[4].kind == .leave && all[4].sender.id == "Dave")
            #expect(all[5].kind == .system && all[5].text.hasPrefix("Bob's security code changed"))
            #expect(all[6].sentAt.iso8601 == "2024-01-01T00:00:00Z" && all[6].text == "midnight: party")
            let conversation = try #require(try await archive.conversations(limit: 5).first)
            #expect(conversation.conversation.kind == .group)
            let transcript = try await archive.transcript(conversationID: conversation.id, around: nil, limit: 20)
            #expect(transcript.map(\.message.sender.id) == ["Alice", "Bob", "Alice", "Carol", "Dave", "system", "Carol"])

            let again = try await Fixtures.importing(path, WhatsAppExport(), into: archive)
            #expect(again.imported == 0 && again.duplicates == 7)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func androidLayoutsAndDateOrders() async throws {
        try await Fixtures.with { fixtures, archive in
            let dayFirst = "01/02/24, 21:41 - Alice: first\n13/02/24, 09:00 - Bob: <Media omitted>\n"
            let monthFirst = "01/02/24, 9:41 PM - Alice: first\n02/13/24, 9:00 AM - Bob: second\n"
            let dotted = "01.02.24, 21:41 - Alice: erste\n"
            let a = try fixtures.file("day.txt", Array(dayFirst.utf8))
            let b = try fixtures.file("month.txt", Array(monthFirst.utf8))
            let c = try fixtures.file("dots.txt", Array(dotted.utf8))
            for path in [a, b, c] { #expect(try await Fixtures.importing(path, WhatsAppExport(), into: archive).rejected == 0) }
            let all = try await Fixtures.all(archive)
            let day = all.filter { $0.conversation == "day" }.map(\.sentAt.iso8601)
            #expect(day == ["2024-02-01T21:41:00Z", "2024-02-13T09:00:00Z"])
            #expect(all.first { $0.conversation == "day" && $0.sender.id == "Bob" }?.attachments.count == 1)
            #expect(all.filter { $0.conversation == "month" }.map(\.sentAt.iso8601) == ["2024-01-02T21:41:00Z", "2024-02-13T09:00:00Z"])
            #expect(all.first { $0.conversation == "dots" }?.sentAt.iso8601 == "2024-02-01T21:41:00Z")
            let forced = try fixtures.file("forced.txt", Array("01/02/24, 21:41 - Alice: x\n".utf8))
            _ = try await Fixtures.importing(forced, WhatsAppExport(dateOrder: .dayFirst), into: archive)
            #expect(try await Fixtures.all(archive).first { $0.conversation == "forced" }?.sentAt.iso8601 == "2024-02-01T21:41:00Z")
        }
    }

    @Test func sourceIDsAreStableAndDistinctWithinAMinute() async throws {
        try await Fixtures.with { fixtures, archive in
            let text = "1/1/24, 10:00 - A: same\n1/1/24, 10:00 - A: same\n1/1/24, 10:00 - B: same\n"
            let path = try fixtures.file("ids.txt", Array(text.utf8))
            let first = try await Fixtures.importing(path, WhatsAppExport(), into: archive)
            #expect(first.imported == 3)
            #expect(try await Fixtures.importing(path, WhatsAppExport(), into: archive).duplicates == 3)
        }
    }

    @Test func badInputNamesTheFileAndLine() async throws {
        try await Fixtures.with { fixtures, archive in
            let leading = try fixtures.file("leading.txt", Array("hello\n1/1/24, 10:00 - A: ok\n".utf8))
            let report = try await Fixtures.importing(leading, WhatsAppExport(), into: archive)
            #expect(report.imported == 1 && report.errors.first?.line == 1 && report.errors.first?.source == leading)
            let impossible = try fixtures.file("impossible.txt", Array("13/01/24, 10:00 - A: ok\n01/13/24, 10:00 - A: bad\n".utf8))
            let bad = try await Fixtures.importing(impossible, WhatsAppExport(), into: archive)
            #expect(bad.errors.first?.line == 2 && bad.errors.first?.reason.contains("day-first") == true)
            let invalid = try fixtures.file("invalid.txt", Array("1/1/24, 10:00 - A: ok\n".utf8) + [0x41, 0xFF, 0x0A])
            let empty = try fixtures.file("empty.txt", [])
            let json = try fixtures.file("wrong.txt", Array(#"{"platform":"slack"}"#.utf8))
            for (path, reason) in [(invalid, "UTF-8"), (empty, "empty"), (json, "not a WhatsApp chat")] {
                do {
                    _ = try await Fixtures.importing(path, WhatsAppExport(), into: archive)
                    Issue.record("accepted \(path)")
                } catch let error as InputError {
                    #expect(error.source == path && error.line != nil && error.reason.contains(reason), "\(error)")
                }
            }
            #expect(try await archive.statistics().messages == 2)
        }
    }
}
