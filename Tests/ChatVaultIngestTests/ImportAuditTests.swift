import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct ImportAuditTests {
    @Test func eachFileLeavesASummaryWithoutMessageText() async throws {
        try await Fixtures.with { fixtures, archive in
            let text = "date,sender,text\n2024-03-01T10:00:00Z,alice,secret plan\n,bob,another secret\n"
            let path = try fixtures.file("audit.csv", Array(text.utf8))
            _ = try await Fixtures.importing(path, CSVExport(), into: archive)
            let event = try #require(try await archive.auditTrail(limit: 10).first { $0.action == "archive.import" })
            #expect(event.actor == "test")
            #expect(event.detail["source"]?.stringValue == path && event.detail["format"]?.stringValue == "csv")
            #expect(event.detail["imported"]?.scalarText == "1" && event.detail["rejected"]?.scalarText == "1")
            #expect(event.detail["duplicates"]?.scalarText == "0" && event.detail["kinds"]?["messages"]?.scalarText == "1")
            let rejections = try #require(event.detail["rejections"]?.arrayValue)
            #expect(rejections.compactMap(\.stringValue) == ["\(path):3: missing sent_at (column 1)"])
            #expect(!"\(event.detail)".contains("secret"))
        }
    }

    @Test func aRefusedFileIsAuditedAndStoresNothing() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("empty.json", [])
            await #expect(throws: InputError.self) { try await Fixtures.importing(path, TelegramExport(), into: archive) }
            let event = try #require(try await archive.auditTrail(limit: 10).first { $0.action == "archive.import" })
            #expect(event.detail["refused"] == .bool(true) && event.detail["rejected"]?.scalarText == "1")
            #expect(try await archive.statistics().messages == 0)
            #expect(try await archive.verify().isIntact)
        }
    }
}
