/// A file shared in a message, referenced by the SHA-256 of its content so that a
/// file shared many times is stored once and can be proven unchanged.
public struct Attachment: Sendable, Hashable, Codable {
    public var name: String
    /// Lowercase hex SHA-256 of the content, when the content was available.
    public var sha256: String?
    public var size: Int64?
    public var mediaType: String?
    /// Whether the stored content is a redacted text version of the file rather than the
    /// file as it was shared (text attachments holding personal data).
    public var redacted: Bool

    public init(name: String, sha256: String? = nil, size: Int64? = nil, mediaType: String? = nil, redacted: Bool = false) {
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
        self.redacted = redacted
    }

    /// Whether the content is text the redactor and the index can read.
    public var isText: Bool {
        let type = (mediaType ?? "").lowercased()
        if type.hasPrefix("text/") || type == "application/json" || type == "application/xml" || type == "application/csv" { return true }
        let lower = name.lowercased()
        return [".txt", ".csv", ".json", ".html", ".htm", ".md", ".xml", ".log", ".vcf"].contains { lower.hasSuffix($0) }
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
