import ChatVaultCore
import Foundation

/// A Slack workspace export, as the folder Slack produces or the zip of it: `users.json`,
/// `channels.json`, `groups.json`, `dms.json`, `mpims.json`, and one folder per
/// conversation holding one `YYYY-MM-DD.json` array of messages per day.
///
/// See `docs/IMPORT.md` for how each subtype maps to a ``Message``.
public struct SlackExport: ImportFormat {
    public var limits: SafeZip.Limits

    public init(limits: SafeZip.Limits = SafeZip.Limits()) {
        self.limits = limits
    }

    public var name: String { "slack" }

    public func open(_ path: String) throws -> any MessageSource {
        let tree = try ExportTree(path: path, limits: limits)
        return SlackSource(tree: tree, directory: try SlackDirectory(tree: tree))
    }

    public func recognizes(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        let names: [String]
        if isDirectory.boolValue {
            names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        } else {
            guard path.lowercased().hasSuffix(".zip"), let zip = try? SafeZip(path: path, limits: limits) else { return false }
            names = zip.paths.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
        }
        return names.contains("channels.json") || (names.contains("users.json") && names.contains("dms.json"))
    }
}
