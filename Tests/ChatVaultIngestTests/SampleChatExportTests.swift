import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

/// Real Discord, Telegram and IRC exports from `../shared/samples` (skipped when absent);
/// expected counts are taken from the files with Foundation's parser, not the importers.
@Suite(.enabled(if: Samples.root != nil)) struct SampleChatExportTests {
    static func files(_ folder: String, ending suffix: String) -> [String] { SampleExportTests.files(folder, ending: suffix) }

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    static func isSet(_ value: Any?) -> Bool { value != nil && !(value is NSNull) }

    @Test(arguments: files("discord", ending: ".json"))
    func discordSampleImportsEveryMessageAndEdit(path: String) async throws {
        // Exports can list a message twice (SV_5A_5M does); the archive keeps it once.
        var ids = Set<String>()
        let messages = try #require(try Self.json(path)["messages"] as? [[String: Any]]).filter { ids.insert("\($0["id"] ?? "")").inserted }
        let edited = messages.filter { Self.isSet($0["timestampEdited"]) }.count
        let joins = messages.filter { $0["type"] as? String == "GuildMemberJoin" }.count
        try await Fixtures.with { _, archive in
            let report = try await Fixtures.importing(path, DiscordExport(), into: archive)
            #expect(report.rejected == 0, "\(report.errors)")
            #expect(report.imported == messages.count + edited && !messages.isEmpty, "\(report.imported) \(report.duplicates)")
            #expect(report.kinds["joins"] == joins)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test(arguments: files("telegram", ending: ".json").filter { !$0.hasSuffix("target.json") })
    func telegramSampleImportsEveryMessageAndEdit(path: String) async throws {
        let root = try Self.json(path)
        var chats = [root]
        if root["messages"] == nil {
            chats = ["chats", "left_chats"].flatMap { ((root[$0] as? [String: Any])?["list"] as? [[String: Any]]) ?? [] }
        }
        let messages = chats.flatMap { ($0["messages"] as? [[String: Any]]) ?? [] }
        let edited = messages.filter { Self.isSet($0["edited_unixtime"]) || Self.isSet($0["edited"]) }.count
        try await Fixtures.with { _, archive in
            let report = try await Fixtures.importing(path, TelegramExport(), into: archive)
            #expect(report.rejected == 0, "\(report.errors.prefix(3))")
            #expect(report.imported == messages.count + edited && !messages.isEmpty)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test(arguments: files("irc", ending: ".log"))
    func ircSampleImportsEveryStampedLine(path: String) async throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = bytes.split(separator: 0x0A).filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D } }
        try await Fixtures.with { _, archive in
            let report = try await Fixtures.importing(path, IRCExport(), into: archive)
            #expect(report.rejected == 0, "\(report.errors.prefix(3))")
            #expect(report.imported == lines.count && !lines.isEmpty)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func ircSampleTranscriptReadsCorrectly() async throws {
        let path = try #require(Self.files("irc", ending: "2005-01-08-test1.log").first)
        try await Fixtures.with { _, archive in
            _ = try await Fixtures.importing(path, IRCExport(), into: archive)
            let all = try await Fixtures.all(archive)
            #expect(all.first?.kind == .join && all.first?.sender.id == "povbot" && all.first?.conversation == "#pov")
            #expect(all[1].sender.id == "mgedmin" && all[1].text == "let's see if irc logging works...")
            #expect(all[1].sentAt == Timestamp(iso8601: "2005-01-08T23:34:46Z"))
        }
    }
}
