/// A removed value's place in the input text, in Unicode scalars, end exclusive.
public struct OriginalSpan: Sendable, Hashable, Codable {
    public var start: Int
    public var end: Int
    public var type: String
    public var rule: String

    public init(start: Int, end: Int, type: String, rule: String) {
        self.start = start
        self.end = end
        self.type = type
        self.rule = rule
    }
}
