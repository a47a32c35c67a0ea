import Foundation
import Testing

@testable import ChatVaultServer

/// The accounts file is looked at (one `stat`) on every token lookup, so a change another
/// process makes counts from the next request: no stale window to document.
@Suite struct AccountRefreshTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cv-accounts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aTokenRevokedByAnotherProcessStopsWorkingAtTheNextLookup() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Two stores on one vault stand for the server and a `chatvault token revoke` run.
        let server = try AccountStore(vaultDirectory: directory, bcryptCost: 4)
        let command = try AccountStore(vaultDirectory: directory, bcryptCost: 4)
        let secret = try await command.createToken(name: "gw", role: .gateway, source: "gw", createdBy: "test", platforms: ["matrix"])
        #expect(await server.token(secret: secret)?.name == "gw")
        for _ in 0..<50 { #expect(await server.token(secret: secret) != nil) }
        #expect(try await command.revokeToken(name: "gw"))
        #expect(await server.token(secret: secret) == nil)
        #expect(await server.tokens.isEmpty)
        // A new token made elsewhere is usable at once too.
        let other = try await command.createToken(name: "gw2", role: .gateway, source: "gw2", createdBy: "test")
        #expect(await server.token(secret: other)?.name == "gw2")
    }

    @Test func aRewriteOfTheSameSizeIsSeen() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try AccountStore(vaultDirectory: directory, bcryptCost: 4)
        let command = try AccountStore(vaultDirectory: directory, bcryptCost: 4)
        let secret = try await command.createToken(name: "gw", role: .gateway, source: "gw", createdBy: "test")
        #expect(await server.token(secret: secret) != nil)
        // Written in place (same inode, same length): only the modification time differs.
        let url = directory.appendingPathComponent("accounts.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        let digest = try #require(await command.tokens.first?.sha256)
        let changed = text.replacingOccurrences(of: digest, with: String(repeating: "0", count: digest.count))
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Data(changed.utf8))
        try handle.close()
        #expect(await server.token(secret: secret) == nil)
    }
}
