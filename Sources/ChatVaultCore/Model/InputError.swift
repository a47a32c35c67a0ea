/// A problem with input a person gave ChatVault, said so they can act on it:
/// `export.jsonl:12: "sent_at" is not an ISO 8601 date-time`.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or other source) the input came from.
    public var source: String
    /// 1-based line number, when the source has lines.
    public var line: Int?
    public var reason: String

    public init(source: String, line: Int? = nil, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(source):\(line): \(reason)" }
        return "\(source): \(reason)"
    }
}
