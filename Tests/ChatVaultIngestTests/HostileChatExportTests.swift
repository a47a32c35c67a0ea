import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

/// Damaged and hostile files for the Discord, Telegram, IRC and CSV importers: each is
/// an ``InputError`` naming the file and a position, or a rejected entry — never a crash,
/// and the vault stays verifiable.
@Suite struct HostileChatExportTests {
    static let formats: [any ImportFormat] = [DiscordExport(), TelegramExport(), IRCExport(), CSVExport()]

    enum Input: String, CaseIterable {
        case empty, invalidUTF8, deepNesting, wrongFormat, binary
        var bytes: [UInt8] {
            switch self {
            case .empty: return []
            case .invalidUTF8:
                return Array(#"{"channel":{"id":"c"},"messages":[{"id":"1","content":""#.utf8) + [0xC3, 0x28, 0xFF] + Array("\"}]}".utf8)
            case .deepNesting: return Array(repeating: UInt8(ascii: "["), count: 1_000_000)
            case .wrongFormat: return Array("12/31/23, 9:41 PM - Alice: a WhatsApp line, not this format\n".utf8)
            case .binary: return (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
            }
        }
    }

    @Test(arguments: Input.allCases)
    func hostileInputIsNamedNeverACrash(input: Input) async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("hostile-\(input.rawValue).json", input.bytes)
            for format in Self.formats {
                do {
                    let report = try await Fixtures.importing(path, format, into: archive)
                    #expect(report.errors.allSatisfy { $0.source == path && $0.line != nil }, "\(format.name): \(report.errors.prefix(2))")
                    if input != .wrongFormat && input != .binary { #expect(report.rejected > 0 || report.imported == 0) }
                } catch let error as InputError {
                    #expect(error.source == path && error.line != nil, "\(format.name): \(error)")
                }
            }
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func invalidUTF8InsideJSONNamesTheLine() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("bad.json", Array("{\n\"messages\": [\n".utf8) + Input.invalidUTF8.bytes + Array("]}".utf8))
            await #expect {
                try await Fixtures.importing(path, DiscordExport(), into: archive)
            } throws: { error in
                (error as? InputError)?.line == 3
            }
        }
    }
}
