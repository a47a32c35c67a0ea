/// The outcome of ``Archive/verify()``: every leaf recomputed from its stored record,
/// the tree rebuilt, and every checkpoint's root and signature checked.
public struct VerificationReport: Sendable, Hashable {
    /// One thing that does not match, naming the record.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var recordKind: String
        public var recordID: Int64?
        public var leafIndex: Int?
        public var reason: String

        public init(recordKind: String, recordID: Int64?, leafIndex: Int?, reason: String) {
            self.recordKind = recordKind
            self.recordID = recordID
            self.leafIndex = leafIndex
            self.reason = reason
        }

        public var description: String {
            var subject = recordKind
            if let recordID { subject += " \(recordID)" }
            if let leafIndex { subject += " (leaf \(leafIndex))" }
            return "\(subject): \(reason)"
        }
    }

    public var leaves: Int
    public var recordsChecked: Int
    public var checkpointsChecked: Int
    /// Bytes of canonical records hashed.
    public var bytesHashed: Int
    public var problems: [Problem]

    public init(leaves: Int, recordsChecked: Int, checkpointsChecked: Int, bytesHashed: Int, problems: [Problem]) {
        self.leaves = leaves
        self.recordsChecked = recordsChecked
        self.checkpointsChecked = checkpointsChecked
        self.bytesHashed = bytesHashed
        self.problems = problems
    }

    public var isIntact: Bool { problems.isEmpty }
}
