import ChatVaultCore
import Foundation

/// A WhatsApp chat exported from the phone: the `.txt` file, or the `.zip` WhatsApp makes
/// with the chat and its media.
///
/// Dates carry no order, so the file decides: a first field above 12 anywhere means
/// day-first, else a second field above 12 means month-first, else dots (`31.12.23`)
/// mean day-first and slashes or dashes month-first. ``dateOrder`` overrides the guess.
/// Clock times carry no zone and are read as UTC.
public struct WhatsAppExport: ImportFormat {
    public enum DateOrder: String, Sendable, CaseIterable {
        case auto
        case dayFirst = "day-first"
        case monthFirst = "month-first"
    }

    public var dateOrder: DateOrder
    public var limits: SafeZip.Limits

    public init(dateOrder: DateOrder = .auto, limits: SafeZip.Limits = SafeZip.Limits()) {
        self.dateOrder = dateOrder
        self.limits = limits
    }

    public var name: String { "whatsapp" }

    public func open(_ path: String) throws -> any MessageSource {
        let chatName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        if path.lowercased().hasSuffix(".zip") {
            let zip = try SafeZip(path: path, limits: limits)
            try zip.validateAll()
            guard let entry = Self.chatEntry(in: zip.paths) else {
                throw InputError(source: path, reason: "no chat .txt inside the zip")
            }
            let chat = try WhatsAppChat(bytes: try zip.read(entry), source: "\(path)/\(entry)", dateOrder: dateOrder)
            return WhatsAppSource(chat: chat, conversation: chatName, media: zip)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw InputError(source: path, reason: isDirectory.boolValue ? "is a folder, expected a chat .txt or .zip" : "no such file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InputError(source: path, reason: "cannot be read") }
        defer { try? handle.close() }
        let data = try handle.read(upToCount: Int(limits.maxEntryBytes) + 1) ?? Data()
        guard data.count <= limits.maxEntryBytes else { throw InputError(source: path, reason: "larger than \(limits.maxEntryBytes) bytes") }
        let chat = try WhatsAppChat(bytes: [UInt8](data), source: path, dateOrder: dateOrder)
        return WhatsAppSource(chat: chat, conversation: chatName, media: nil)
    }

    public func recognizes(_ path: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".zip") {
            guard let zip = try? SafeZip(path: path, limits: limits) else { return false }
            return zip.paths.contains("_chat.txt") || zip.paths.contains { $0.hasPrefix("WhatsApp Chat") && $0.hasSuffix(".txt") }
        }
        guard lower.hasSuffix(".txt"), let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = [UInt8]((try? handle.read(upToCount: 4096)) ?? Data())
        let line = WhatsAppChat.clean(Array(head.prefix { $0 != 0x0A }))
        return line.withUnsafeBufferPointer { WhatsAppHeader.parse($0) } != nil
    }

    static func chatEntry(in paths: [String]) -> String? {
        if paths.contains("_chat.txt") { return "_chat.txt" }
        let texts = paths.filter { $0.lowercased().hasSuffix(".txt") && !$0.contains("/") }
        return texts.first { $0.hasPrefix("WhatsApp Chat") } ?? (texts.count == 1 ? texts[0] : nil)
    }
}
