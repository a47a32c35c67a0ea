import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct ImporterTests {
    func line(_ id: Int, text: String = "message") -> String {
        #"{"platform":"slack","conversation":"C1","id":"\#(id)","sender":"alice@bank.example","sent_at":"2024-03-01T09:00:\#(String(format: "%02d", id % 60))Z","text":"\#(text) \#(id)"}"#
    }

    func withVault(_ body: (SQLiteArchive, URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-ingest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory.appendingPathComponent("vault"))
        try await body(try vault.openArchive(), directory)
    }

    @Test func badLinesAreReportedAndTheRestImports() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("mixed.jsonl")
            let bad: [UInt8] =
                Array(#"{"platform":"slack","conversation":"C1","id":"x","sender":"a","sent_at":"2024-01-01","text":""#.utf8) + [0xFF, 0xFE]
                + Array("\"}".utf8)
            var bytes = Array([line(1), line(2), "{not json", "", line(3)].joined(separator: "\n").utf8)
            bytes += Array("\n".utf8) + bad + Array("\n".utf8)
            bytes += Array([#"{"platform":"slack"}"#, line(4)].joined(separator: "\n").utf8)
            try Data(bytes).write(to: file)

            let report = try await Importer(archive: archive, actor: "t", batchSize: 2).importFile(file.path)
            #expect(report.imported == 4)
            #expect(report.rejected == 3)
            #expect(report.errors.map(\.line) == [3, 6, 7])
            #expect(report.errors.allSatisfy { $0.source == file.path })
            #expect(report.errors[1].reason.contains("UTF-8"))

            let again = try await Importer(archive: archive, actor: "t", batchSize: 3).importFile(file.path)
            #expect(again.imported == 0)
            #expect(again.duplicates == 4)
            #expect(try await archive.statistics().messages == 4)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func strictModeImportsNothingFromABadFile() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("strict.jsonl")
            try [line(1), line(2), "oops", line(3)].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let report = try await Importer(archive: archive, actor: "t", strict: true).importFile(file.path)
            #expect(report.imported == 0 && report.rejected == 1)
            #expect(try await archive.statistics().messages == 0)
        }
    }

    @Test func anOversizedLineIsSkippedNotLoaded() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("huge.jsonl")
            let format = ChatVaultJSONL(maxTextBytes: 1000)
            let huge =
                #"{"platform":"slack","conversation":"C1","id":"big","sender":"a","sent_at":"2024-01-01","text":""#
                + String(repeating: "x", count: 3_000_000) + #""}"#
            try [line(1), huge, line(2)].joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let report = try await Importer(archive: archive, actor: "t", format: format).importFile(file.path)
            #expect(report.imported == 2)
            #expect(report.errors.map(\.line) == [2])
            #expect(report.errors.first?.reason.contains("line is") == true)
        }
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstLine() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("bom.jsonl")
            try Data([0xEF, 0xBB, 0xBF] + Array([line(1), line(2)].joined(separator: "\r\n").utf8)).write(to: file)
            let report = try await Importer(archive: archive, actor: "t").importFile(file.path)
            #expect(report.imported == 2 && report.rejected == 0, "\(report.errors)")
        }
    }

    @Test func aMissingFileIsAClearError() async throws {
        try await withVault { archive, directory in
            await #expect(throws: InputError.self) {
                try await Importer(archive: archive, actor: "t").importFile(directory.appendingPathComponent("nope.jsonl").path)
            }
        }
    }

    @Test func progressIsReportedPerDurableBatch() async throws {
        try await withVault { archive, directory in
            let file = directory.appendingPathComponent("batches.jsonl")
            try (1...10).map { line($0) }.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let lines = LockedLines()
            _ = try await Importer(archive: archive, actor: "t", batchSize: 4).importFile(file.path) { lines.append($0.throughLine) }
            #expect(lines.values == [4, 8, 10])
        }
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []
    func append(_ value: Int) { lock.withLock { stored.append(value) } }
    var values: [Int] { lock.withLock { stored } }
}
