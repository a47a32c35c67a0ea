import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct CSVExportTests {
    static let export = """
        MessageID,Date,From,Body,Thread
        m1,2024-03-01T09:00:00Z,alice,"Hello, world",deals
        m2,2024-03-01 09:01:00,bob,"She said ""no""
        and left",deals
        ,1709283720,carol,no id here,
        ,2024/03/01 09:03,dave,,deals
        m5,,erin,missing date,deals

        """

    @Test func mappedColumnsArriveAndReimportAddsNothing() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("desk.csv", Array(Self.export.utf8))
            #expect(ImportFormats.detect(path)?.name == "csv")
            let format = CSVExport(mapping: try CSVMapping(spec: "id=MessageID, sent_at=Date,sender=From,text=Body,conversation=Thread"))
            let report = try await Fixtures.importing(path, format, into: archive)
            #expect(report.imported == 4 && report.rejected == 1)
            #expect(report.errors.map(\.description) == ["\(path):7: missing sent_at (column 2)"])
            let all = try await Fixtures.all(archive)
            #expect(all.first("m1")?.text == "Hello, world" && all.first("m1")?.conversation == "deals")
            #expect(all.first("m2")?.text == "She said \"no\"\nand left")
            #expect(all.first("m2")?.sentAt == Timestamp(iso8601: "2024-03-01T09:01:00Z"))
            let carol = try #require(all.first { $0.sender.id == "carol" })
            #expect(carol.conversation == "desk" && carol.sourceID.count == 32 && carol.sentAt == Timestamp(iso8601: "2024-03-01T09:02:00Z"))
            #expect(all.first { $0.sender.id == "dave" }?.text == "")
            let again = try await Fixtures.importing(path, format, into: archive)
            #expect(again.imported == 0 && again.duplicates == 4)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func defaultHeaderNamesAreRecognised() async throws {
        try await Fixtures.with { fixtures, archive in
            let text = "Timestamp;Author;Message;Channel\n2024-03-01T10:00:00Z;alice;one;#ops\n2024-03-01T10:00:00Z;alice;one;#ops\n"
            let path = try fixtures.file("semi.csv", Array(text.utf8))
            let report = try await Fixtures.importing(path, CSVExport(), into: archive)
            #expect(report.imported == 2 && report.rejected == 0, "identical rows stay two messages")
            #expect(try await Fixtures.all(archive).allSatisfy { $0.conversation == "#ops" && $0.platform == "csv" })
        }
    }

    @Test func aMissingRequiredColumnNamesTheFieldAtLineOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString).csv")
        try "when,who\n2024-03-01,alice\n".write(to: dir, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect {
            try CSVExport().open(dir.path)
        } throws: { error in
            let input = error as? InputError
            return input?.line == 1 && input?.reason.contains("no column for sent_at") == true
        }
    }

    @Test func anUnterminatedQuoteIsReportedWhereItOpened() async throws {
        try await Fixtures.with { fixtures, archive in
            let text = "date,sender,text\n2024-03-01T10:00:00Z,alice,fine\n2024-03-01T10:01:00Z,bob,\"never closed\n2024-03-01T10:02:00Z,carol,x\n"
            let path = try fixtures.file("open.csv", Array(text.utf8))
            let report = try await Fixtures.importing(path, CSVExport(), into: archive)
            #expect(report.imported == 1 && report.rejected == 1)
            #expect(report.errors.first?.line == 3 && report.errors.first?.reason.contains("unterminated") == true)
        }
    }

    @Test func mappingSpecsParseAndRefuseUnknownFields() throws {
        let json = try CSVMapping(spec: #"{"sent_at":"When","sender":"Who","text":"What"}"#)
        #expect(json.columns == [.sentAt: "When", .sender: "Who", .text: "What"])
        #expect(throws: InputError.self) { try CSVMapping(spec: "colour=Red") }
        #expect(throws: InputError.self) { try CSVMapping(spec: "sent_at") }
    }
}
