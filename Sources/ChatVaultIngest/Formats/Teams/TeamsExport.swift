public import ChatVaultCore
import Foundation

/// Microsoft Teams chat and channel messages as Graph `chatMessage` JSON: a file holding
/// `{"value":[…]}` (a Graph page) or a bare array, or a folder (or zip) of such files.
/// Keys match case-insensitively, since export tools write Graph's names in PascalCase.
public struct TeamsExport: ImportFormat {
    public var limits: SafeZip.Limits

    public init(limits: SafeZip.Limits = SafeZip.Limits()) {
        self.limits = limits
    }

    public var name: String { "teams" }

    public func open(_ path: String) throws -> any MessageSource {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !isDirectory.boolValue && !path.lowercased().hasSuffix(".zip") {
            return TeamsSource(documents: [try Self.single(path, limits: limits)], tree: nil, strict: true)
        }
        return TeamsSource(documents: [], tree: try ExportTree(path: path, limits: limits), strict: false)
    }

    public func recognizes(_ path: String) -> Bool {
        guard path.lowercased().hasSuffix(".json"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = String(decoding: (try? handle.read(upToCount: 8192)) ?? Data(), as: UTF8.self).lowercased()
        return head.contains("\"createddatetime\"") && (head.contains("\"messagetype\"") || head.contains("\"chatid\""))
    }

    static func single(_ path: String, limits: SafeZip.Limits) throws(InputError) -> JSONDocument {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(source: path, reason: "no such file or cannot be read") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Int(limits.maxEntryBytes) + 1)) ?? Data()
        guard data.count <= limits.maxEntryBytes else { throw InputError(source: path, reason: "larger than \(limits.maxEntryBytes) bytes") }
        return try JSONDocument(bytes: [UInt8](data), source: path)
    }
}
