/// A file shared in a message, referenced by the SHA-256 of its content so that a
/// file shared many times is stored once and can be proven unchanged.
public struct Attachment: Sendable, Hashable, Codable {
    public var name: String
    /// Lowercase hex SHA-256 of the content, when the content was available.
    public var sha256: String?
    public var size: Int64?
    public var mediaType: String?

    public init(name: String, sha256: String? = nil, size: Int64? = nil, mediaType: String? = nil) {
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
    }
}

/// An emoji reaction and who gave it.
public struct Reaction: Sendable, Hashable, Codable {
    public var emoji: String
    public var by: [String]

    public init(emoji: String, by: [String]) {
        self.emoji = emoji
        self.by = by
    }
}
