/// A policy file that cannot be used, with the place to fix it: `policy.yaml:12: reason`.
public struct PolicyError: Error, CustomStringConvertible, Sendable, Equatable {
    public var source: String
    /// 1-based line in the file, when known.
    public var line: Int?
    public var reason: String

    public init(source: String, line: Int?, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    public var description: String {
        if let line { return "\(source):\(line): \(reason)" }
        return "\(source): \(reason)"
    }
}
