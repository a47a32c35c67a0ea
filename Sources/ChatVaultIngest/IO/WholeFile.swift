import ChatVaultCore
import Foundation

/// A single-file export read whole, refusing folders, missing files and anything over
/// the size limit with an ``InputError`` naming the path.
enum WholeFile {
    /// 256 MiB: larger than any single-chat export we have seen, small enough to hold.
    static let defaultLimit = 256 << 20

    static func read(_ path: String, limit: Int = defaultLimit) throws(InputError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(source: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw InputError(source: path, reason: "is a folder, expected a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(source: path, reason: "cannot be read") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw InputError(source: path, reason: "cannot be read: \(error)")
        }
        guard data.count <= limit else { throw InputError(source: path, reason: "larger than \(limit) bytes") }
        return [UInt8](data)
    }

    /// The first `count` bytes, for format detection; empty when unreadable.
    static func head(_ path: String, count: Int = 65_536) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }
}
