import ChatVaultCore

/// A Mattermost bulk export: JSON lines typed `version`, `team`, `channel`, `user`,
/// `post`, `direct_channel`, `direct_post`, … Posts carry their replies, reactions and
/// attachment paths; users give display names for the posts after them.
public struct MattermostExport: ImportFormat {
    public init() {}

    public var name: String { "mattermost" }

    public func open(_ path: String) throws -> any MessageSource {
        MattermostSource(path: path, reader: try LineReader(path: path, maxLineBytes: 64 << 20))
    }

    public func recognizes(_ path: String) -> Bool {
        guard path.hasSuffix(".jsonl") || path.hasSuffix(".json"), var reader = try? LineReader(path: path, maxLineBytes: 1 << 20),
            case .text(_, let bytes)? = try? reader.next()
        else { return false }
        let head = String(decoding: bytes.prefix(200), as: UTF8.self)
        return head.contains("\"type\"") && head.contains("\"version\"")
    }
}
