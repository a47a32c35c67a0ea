import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

/// Real exports from `../shared/samples` (skipped when the folder is absent); counts are
/// taken from the files independently of the importers.
enum Samples {
    static let root: String? = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = repo.deletingLastPathComponent().appendingPathComponent("shared/samples").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()
}

@Suite(.enabled(if: Samples.root != nil)) struct SampleExportTests {
    static var root: String? { Samples.root }

    static func files(_ folder: String, ending suffix: String) -> [String] {
        guard let root, let names = FileManager.default.enumerator(atPath: root + "/" + folder)?.allObjects as? [String] else { return [] }
        return names.filter { $0.hasSuffix(suffix) }.sorted().map { root + "/" + folder + "/" + $0 }
    }

    @Test func slackSampleImportsEveryMessage() async throws {
        let zip = try #require(Self.files("slack", ending: ".zip").first)
        var expected = 0
        let listing = try Self.run("/usr/bin/unzip", ["-Z1", zip]).split(separator: "\n").map(String.init)
        for entry in listing where entry.contains("/") && entry.hasSuffix(".json") {
            let data = Data(try Self.run("/usr/bin/unzip", ["-p", zip, entry]).utf8)
            expected += (try JSONSerialization.jsonObject(with: data) as? [Any])?.count ?? 0
        }
        try await Fixtures.with { _, archive in
            let report = try await Fixtures.importing(zip, SlackExport(), into: archive)
            #expect(report.rejected == 0, "\(report.errors)")
            #expect(report.imported == expected && expected == 158)
            #expect(report.kinds["joins"] == 8)
            let names = try await archive.conversations(limit: 10).compactMap(\.conversation.name)
            #expect(Set(names) == ["#enrique", "#traveling-sailor"])
            let hits = try await archive.search(SearchRequest(query: nil, sender: "Harry Potter", limit: 5)).hits
            #expect(!hits.isEmpty)
        }
    }

    static var whatsAppHeader: Regex<Substring> { #/^\[?\d{1,4}[./-]\d{1,2}[./-]\d{2,4},? \d{1,2}:\d{2}/# }

    @Test(arguments: files("whatsapp", ending: ".txt") + files("whatsapp", ending: ".zip"))
    func whatsAppSampleImportsEveryLineWithADate(path: String) async throws {
        let text: String
        if path.hasSuffix(".zip") {
            text = try Self.run("/usr/bin/unzip", ["-p", path, "_chat.txt"])
        } else {
            text = try String(contentsOfFile: path, encoding: .utf8)
        }
        let expected = text.split(whereSeparator: \.isNewline).filter { $0.prefixMatch(of: Self.whatsAppHeader) != nil }.count
        try await Fixtures.with { _, archive in
            let report = try await Fixtures.importing(path, WhatsAppExport(), into: archive)
            #expect(report.rejected == 0, "\(report.errors.prefix(3))")
            #expect(report.imported == expected && expected > 0)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test(arguments: files("teams", ending: ".json").filter { $0.contains("messages_") })
    func teamsSampleImportsEveryMessage(path: String) async throws {
        let items = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [[String: Any]])
        let edited = items.filter { !($0["LastEditedDateTime"] is NSNull) && $0["LastEditedDateTime"] != nil }.count
        let deleted = items.filter { !($0["DeletedDateTime"] is NSNull) && $0["DeletedDateTime"] != nil }.count
        try await Fixtures.with { _, archive in
            let report = try await Fixtures.importing(path, TeamsExport(), into: archive)
            #expect(report.rejected == 0, "\(report.errors)")
            #expect(report.imported == items.count + edited + deleted)
            let primary = ["messages", "joins", "leaves", "system"].reduce(0) { $0 + (report.kinds[$1] ?? 0) }
            #expect(primary == items.count)
        }
    }

    @Test func teamsSampleFolderSkipsListsAndImportsMessages() async throws {
        let root = try #require(Self.root)
        try await Fixtures.with { _, archive in
            let report = try await Fixtures.importing(root + "/teams/zulip-fixtures", TeamsExport(), into: archive)
            #expect(report.rejected == 0 && report.imported >= 13, "\(report.errors)")
        }
    }

    @Test(arguments: files("mattermost", ending: ".jsonl"))
    func mattermostSampleImportsEveryPostAndReply(path: String) async throws {
        var expected = 0
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard let type = object["type"] as? String, type == "post" || type == "direct_post", let post = object[type] as? [String: Any] else {
                continue
            }
            expected += 1 + ((post["replies"] as? [Any])?.count ?? 0)
        }
        try await Fixtures.with { _, archive in
            let report = try await Fixtures.importing(path, MattermostExport(), into: archive)
            #expect(report.rejected == 0, "\(report.errors)")
            #expect(report.imported == expected && expected > 0)
        }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
