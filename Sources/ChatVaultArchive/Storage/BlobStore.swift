import ChatVaultCore
import Crypto
import Foundation
import Glibc

/// Attachment contents as files named by their SHA-256, in `blobs/ab/abcdef…` under the
/// vault: a file shared a thousand times is stored once, and its name is its proof.
///
/// A blob is written to a temporary name, flushed to disk, renamed into place and its
/// directory flushed, all before the transaction that refers to it commits; a crash can
/// leave an unreferenced blob behind, never a message whose file is missing.
struct BlobStore: Sendable {
    let directory: URL

    func url(for sha256: String) -> URL {
        directory.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    static func digest(_ bytes: [UInt8]) -> String {
        Array(SHA256.hash(data: bytes)).hexString
    }

    /// Stores `bytes` under `sha256` unless already present. Throws if they do not match.
    func write(_ bytes: [UInt8], sha256: String) throws {
        guard Self.digest(bytes) == sha256 else {
            throw ArchiveError(.invalid, "attachment content does not match its SHA-256 \(sha256)")
        }
        let final = url(for: sha256)
        if FileManager.default.fileExists(atPath: final.path) { return }
        let folder = final.deletingLastPathComponent()
        try PrivateFile.createDirectory(at: folder)
        let temporary = folder.appendingPathComponent(".tmp-\(UUID().uuidString)")
        try Self.writeDurably(bytes, to: temporary.path)
        guard rename(temporary.path, final.path) == 0 else {
            unlink(temporary.path)
            throw ArchiveError(.unavailable, "cannot store attachment \(sha256): \(String(cString: strerror(errno)))")
        }
        try Self.sync(directory: folder.path)
    }

    func read(_ sha256: String) throws -> [UInt8]? {
        guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        guard let data = FileManager.default.contents(atPath: url(for: sha256).path) else { return nil }
        return Array(data)
    }

    private static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, PrivateFile.fileMode)
        guard fd >= 0 else { throw ArchiveError(.unavailable, "cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else { throw ArchiveError(.unavailable, "cannot write \(path): \(String(cString: strerror(errno)))") }
            offset += written
        }
        guard fsync(fd) == 0 else { throw ArchiveError(.unavailable, "cannot flush \(path): \(String(cString: strerror(errno)))") }
    }

    private static func sync(directory path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = fsync(fd)
    }
}
