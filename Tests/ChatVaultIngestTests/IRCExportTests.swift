import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct IRCExportTests {
    static let irssi = """
        --- Log opened Fri Mar 01 09:00:00 2024
        09:00 -!- alice [alice@host] has joined #desk
        09:01 <alice> morning
        09:01 <@bob> hi alice
        09:02  * alice waves
        09:03 -!- bob [bob@host] has quit [Quit: bye]
        --- Day changed Sat Mar 02 2024
        10:00 <alice> next day
        garbage without a stamp
        --- Log closed Sat Mar 02 11:00:00 2024

        """

    @Test func irssiLogWithDayChanges() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("#desk.log", Array(Self.irssi.utf8))
            #expect(ImportFormats.detect(path)?.name == "irc")
            let report = try await Fixtures.importing(path, IRCExport(), into: archive)
            #expect(report.imported == 6 && report.rejected == 1)
            #expect(report.errors.map(\.line) == [9])
            #expect(report.kinds["joins"] == 1 && report.kinds["leaves"] == 1 && report.kinds["messages"] == 4)
            let all = try await Fixtures.all(archive)
            #expect(all.allSatisfy { $0.conversation == "#desk" && $0.platform == "irc" })
            #expect(all.first { $0.text == "hi alice" }?.sender.id == "bob")
            #expect(all.first { $0.text == "waves" }?.sender.id == "alice")
            #expect(all.last?.sentAt == Timestamp(iso8601: "2024-03-02T10:00:00Z"))
            #expect(try await Fixtures.importing(path, IRCExport(), into: archive).duplicates == 6)
            #expect(try await archive.verify().isIntact)
        }
    }

    @Test func weechatAndZncLayouts() async throws {
        try await Fixtures.with { fixtures, archive in
            let weechat =
                "2024-03-01 09:00:00\t-->\tcarol (c@h) has joined #ops\n2024-03-01 09:00:05\t@carol\tstatus?\n"
                + "2024-03-01 09:00:09\t *\tcarol shrugs\n2024-03-01 09:01:00\t<--\tcarol (c@h) has left #ops\n"
            let wpath = try fixtures.file("irc.libera.#ops.weechatlog", Array(weechat.utf8))
            let w = try await Fixtures.importing(wpath, IRCExport(), into: archive)
            #expect(w.imported == 4 && w.kinds["joins"] == 1 && w.kinds["leaves"] == 1)
            let znc = "[09:00:00] *** Joins: dave (d@h)\n[09:00:01] <dave> hello\n[09:00:01] <dave> hello\n[09:00:02] * dave dances\n"
            let zpath = try fixtures.file("#risk_20240301.log", Array(znc.utf8))
            let z = try await Fixtures.importing(zpath, IRCExport(), into: archive)
            #expect(z.imported == 4 && z.kinds["joins"] == 1)
            let all = try await Fixtures.all(archive)
            #expect(all.first { $0.text == "status?" }?.sender.id == "carol")
            #expect(all.first { $0.text == "dances" }?.conversation == "#risk")
            #expect(all.first { $0.text == "dances" }?.sentAt == Timestamp(iso8601: "2024-03-01T09:00:02Z"))
        }
    }

    @Test func aTimeWithoutAnyDateIsAnErrorAtItsLine() async throws {
        try await Fixtures.with { fixtures, archive in
            let path = try fixtures.file("nodate.log", Array("[09:00] <a> x\n".utf8))
            let report = try await Fixtures.importing(path, IRCExport(), into: archive)
            #expect(report.rejected == 1 && report.errors.first?.line == 1 && report.errors.first?.reason.contains("date") == true)
        }
    }

    @Test func latin1LinesAreKept() async throws {
        try await Fixtures.with { fixtures, archive in
            let bytes = Array("2024-03-01T09:00:00  <kim> ".utf8) + [0x61, 0xE7, 0x61] + [0x0A]
            let path = try fixtures.file("mixed.log", bytes)
            #expect(try await Fixtures.importing(path, IRCExport(), into: archive).imported == 1)
            #expect(try await Fixtures.all(archive).first?.text == "aça")
        }
    }
}
