import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Testing

@Suite struct SafeZipTests {
    func rejects(_ body: () throws -> Void, containing reason: String, sourceEnds suffix: String = ".zip") {
        do {
            try body()
            Issue.record("accepted")
        } catch let error as InputError {
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.source.hasSuffix(suffix), "\(error)")
        } catch {
            Issue.record("not an InputError: \(error)")
        }
    }

    @Test func readsEntriesIntoMemory() async throws {
        try await Fixtures.with { fixtures, _ in
            let path = try fixtures.zip("ok.zip", [("a/b.txt", Array("hello".utf8)), ("c.txt", [])])
            let zip = try SafeZip(path: path)
            #expect(zip.paths == ["a/b.txt", "c.txt"])
            #expect(try zip.read("a/b.txt") == Array("hello".utf8))
            try zip.validateAll()
        }
    }

    @Test func aZipBombIsRefusedByRatio() async throws {
        try await Fixtures.with { fixtures, _ in
            let path = try fixtures.zip("bomb.zip", [("zeros.json", [UInt8](repeating: 0x30, count: 64 << 20))])
            rejects({ _ = try SafeZip(path: path) }, containing: "compression ratio")
        }
    }

    @Test func aBigEntryIsRefusedBySize() async throws {
        try await Fixtures.with { fixtures, _ in
            let path = try fixtures.zip("big.zip", [("big.json", [UInt8](repeating: 0x30, count: 3 << 20))], compress: false)
            rejects({ _ = try SafeZip(path: path, limits: SafeZip.Limits(maxEntryBytes: 1 << 20)) }, containing: "the limit is")
            rejects({ _ = try SafeZip(path: path, limits: SafeZip.Limits(maxTotalBytes: 1 << 20)) }, containing: "in total")
            rejects({ _ = try SafeZip(path: path, limits: SafeZip.Limits(maxEntries: 0)) }, containing: "more than 0 entries")
        }
    }

    /// Headers can lie: the declared size says 10 bytes, the stream inflates to megabytes.
    @Test func aLyingHeaderIsCaughtWhileStreaming() async throws {
        try await Fixtures.with { fixtures, _ in
            let path = try fixtures.zip("liar.zip", [("x.json", [UInt8](repeating: 0x30, count: 4 << 20))])
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // Local header: uncompressed size at offset 22; central directory header (PK\1\2): at offset 24.
            bytes.replaceSubrange(22..<26, with: [10, 0, 0, 0])
            if let central = (0..<(bytes.count - 4)).first(where: { bytes[$0...$0 + 3] == [0x50, 0x4B, 0x01, 0x02] }) {
                bytes.replaceSubrange((central + 24)..<(central + 28), with: [10, 0, 0, 0])
            }
            let liar = try fixtures.file("liar2.zip", bytes)
            let zip = try SafeZip(path: liar, limits: SafeZip.Limits(maxEntryBytes: 1 << 20))
            rejects({ _ = try zip.read("x.json") }, containing: "x.json", sourceEnds: "liar2.zip")
        }
    }

    @Test func traversalAbsoluteAndSymlinkEntriesAreRefused() async throws {
        try await Fixtures.with { fixtures, _ in
            let traversal = try fixtures.zip("traversal.zip", [("channels.json", Array("[]".utf8)), ("../../etc/passwd", Array("x".utf8))])
            rejects({ _ = try SafeZip(path: traversal) }, containing: "unsafe path")
            let absolute = try fixtures.zip("absolute.zip", [("/etc/passwd", Array("x".utf8))])
            rejects({ _ = try SafeZip(path: absolute) }, containing: "unsafe path")
            let link = try fixtures.zip("link.zip", [("channels.json", Array("[]".utf8))], symlinks: ["general": "/etc"])
            rejects({ _ = try SafeZip(path: link) }, containing: "symbolic link")
        }
    }

    @Test func truncatedEmptyAndNonZipFilesAreClearErrors() async throws {
        try await Fixtures.with { fixtures, _ in
            let good = try fixtures.zip("good.zip", [("a.txt", Array(String(repeating: "abc", count: 1000).utf8))])
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: good)))
            let truncated = try fixtures.file("truncated.zip", Array(bytes.prefix(bytes.count / 2)))
            rejects({ _ = try SafeZip(path: truncated) }, containing: "not a readable zip")
            let empty = try fixtures.file("empty.zip", [])
            rejects({ _ = try SafeZip(path: empty) }, containing: "not a readable zip")
            let text = try fixtures.file("text.zip", Array("hello, world".utf8))
            rejects({ _ = try SafeZip(path: text) }, containing: "not a readable zip")
        }
    }

    @Test func zipsNestOnlyOneLevel() async throws {
        try await Fixtures.with { fixtures, _ in
            let inner = try fixtures.zip("inner.zip", [("a.txt", Array("a".utf8))])
            let middle = try fixtures.zip("middle.zip", [("inner.zip", [UInt8](try Data(contentsOf: URL(fileURLWithPath: inner))))])
            let outer = try fixtures.zip("outer.zip", [("middle.zip", [UInt8](try Data(contentsOf: URL(fileURLWithPath: middle))))])
            let level1 = try SafeZip(path: outer).nested("middle.zip")
            #expect(level1.paths == ["inner.zip"])
            rejects({ _ = try level1.nested("inner.zip") }, containing: "nests zips deeper", sourceEnds: "middle.zip")
        }
    }

    @Test(arguments: ["../a", "/a", "a/../../b", "C:/x", "a\\..\\b", ""])
    func unsafePathsAreNamed(path: String) async throws {
        try await Fixtures.with { fixtures, _ in
            guard !path.isEmpty else { return }
            let zip = try fixtures.zip("p.zip", [(path, Array("x".utf8))])
            rejects({ _ = try SafeZip(path: zip) }, containing: "unsafe path")
        }
    }
}
