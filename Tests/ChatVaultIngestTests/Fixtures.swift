import ChatVaultArchive
import ChatVaultCore
import ChatVaultIngest
import Foundation
import ZIPFoundation

/// Temporary vaults, folders and zips for importer tests, built at test time.
struct Fixtures {
    let directory: URL

    static func with(_ body: (Fixtures, any ArchiveBackend) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chatvault-formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try Vault.create(at: directory.appendingPathComponent("vault"))
        try await body(Fixtures(directory: directory), try vault.openArchive())
    }

    /// Writes `files` (relative path → content) under a new folder and returns its path.
    func folder(_ name: String, _ files: [String: String]) throws -> String {
        let root = directory.appendingPathComponent(name)
        for (path, content) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try content.write(to: url, atomically: true, encoding: .utf8)
        }
        return root.path
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A zip of `entries` in order; `.symlink` entries hold their target as content.
    func zip(_ name: String, _ entries: [(String, [UInt8])], symlinks: [String: String] = [:], compress: Bool = true) throws -> String {
        let url = directory.appendingPathComponent(name)
        let archive = try ZIPFoundation.Archive(url: url, accessMode: .create)
        for (path, bytes) in entries {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: compress ? .deflate : .none,
                provider: { position, size in Data(bytes[Int(position)..<Int(position) + size]) })
        }
        for (path, target) in symlinks {
            let bytes = Array(target.utf8)
            try archive.addEntry(
                with: path, type: .symlink, uncompressedSize: Int64(bytes.count),
                provider: { position, size in Data(bytes[Int(position)..<Int(position) + size]) })
        }
        return url.path
    }

    /// Imports `path` and returns the report.
    static func importing(_ path: String, _ format: any ImportFormat, into archive: any ArchiveBackend, strict: Bool = false) async throws
        -> Importer.FileReport
    {
        try await Importer(archive: archive, redaction: nil, actor: "test", batchSize: 3, strict: strict).importFile(path, format: format)
    }

    /// Every stored message, oldest first.
    static func all(_ archive: any ArchiveBackend) async throws -> [Message] {
        try await archive.search(SearchRequest(query: nil, order: .oldest, limit: 10_000)).hits.map(\.message.message)
    }
}

extension Array where Element == Message {
    func first(_ id: String) -> Message? { first { $0.sourceID == id } }
}
