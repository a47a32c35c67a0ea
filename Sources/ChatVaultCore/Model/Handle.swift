/// How a person appears on one platform: a user id, an email-like address, a phone
/// number, an IRC nick. The archive keeps handles as they arrive; the directory
/// (policy issue) maps them to ``Person``s.
public struct Handle: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The platform's identifier for the account, e.g. `U024BE7LH` or `alice@example.com`.
    public var id: String
    /// The name shown for the account at the time of the message, when known.
    public var displayName: String?

    public init(id: String, displayName: String? = nil) {
        self.id = id
        self.displayName = displayName
    }

    public var description: String {
        if let displayName, !displayName.isEmpty, displayName != id { return "\(displayName) <\(id)>" }
        return id
    }

    /// The domain part of an address-like handle (`alice@bank.example` → `bank.example`).
    public var domain: String? {
        guard let at = id.lastIndex(of: "@") else { return nil }
        let domain = id[id.index(after: at)...]
        return domain.isEmpty ? nil : domain.lowercased()
    }
}

/// A natural person behind one or more handles.
public struct Person: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var handles: [Handle]
    /// Whether the person works for the company that keeps the archive.
    public var isInternal: Bool
    /// Groups or departments, e.g. `research`, `trading`.
    public var groups: [String]

    public init(id: String, name: String, handles: [Handle], isInternal: Bool, groups: [String] = []) {
        self.id = id
        self.name = name
        self.handles = handles
        self.isInternal = isInternal
        self.groups = groups
    }
}
