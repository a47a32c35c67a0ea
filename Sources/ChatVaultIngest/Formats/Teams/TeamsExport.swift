import ChatVaultCore
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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        if isDirectory.boolValue || path.lowercased().hasSuffix(".zip") { return recognizesExport(path) }
        guard path.lowercased().hasSuffix(".json"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return Self.looksLikeMessages((try? handle.read(upToCount: 8192)) ?? Data())
    }

    /// A Teams data export, as a folder or a zip of one: message files such as
    /// `teams/<id>/messages_<id>.json` or `chats/<id>/messages_<id>.json` (beside `users/…`)
    /// that hold Graph `chatMessage` objects.
    func recognizesExport(_ path: String) -> Bool {
        guard let tree = try? ExportTree(path: path, limits: limits) else { return false }
        let candidates = tree.files.filter(Self.isMessageFile)
        for file in candidates.prefix(3) {
            guard let bytes = try? tree.read(file) else { continue }
            if Self.looksLikeMessages(Data(bytes.prefix(8192))) { return true }
        }
        return false
    }

    /// `…/messages_<id>.json` (or `messages.json`) inside a folder of the export: `teams/<id>/`,
    /// `chats/<id>/` or a user's own `users/<id>/` (one-to-one chats), never the `…List.json` files.
    static func isMessageFile(_ file: String) -> Bool {
        let parts = file.lowercased().split(separator: "/").map(String.init)
        guard let name = parts.last, name.hasPrefix("messages"), name.hasSuffix(".json"), parts.count >= 2 else { return false }
        return parts.dropLast().contains { ["teams", "chats", "channels", "users"].contains($0) }
    }

    static func looksLikeMessages(_ head: Data) -> Bool {
        let text = String(decoding: head, as: UTF8.self).lowercased()
        return text.contains("\"createddatetime\"") && (text.contains("\"messagetype\"") || text.contains("\"chatid\""))
    }

    static func single(_ path: String, limits: SafeZip.Limits) throws(InputError) -> JSONDocument {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(source: path, reason: "no such file or cannot be read") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Int(limits.maxEntryBytes) + 1)) ?? Data()
        guard data.count <= limits.maxEntryBytes else { throw InputError(source: path, reason: "larger than \(limits.maxEntryBytes) bytes") }
        return try JSONDocument(bytes: [UInt8](data), source: path)
    }
}
