public import ChatVaultCore

/// The policy state a batch is evaluated on, read in one consistent view of the archive.
public struct PolicyStateSnapshot: Sendable, Hashable {
    /// A message the archive already holds: what deduplication compares.
    public struct ArchivedCopy: Sendable, Hashable {
        public var text: String
        public var sender: String

        public init(text: String, sender: String) {
            self.text = text
            self.sender = sender
        }
    }

    /// The state generation: how many batches changed the archive's messages or policy state.
    public var generation: Int64
    /// The state of every key asked for: each conversation asked for is present (empty when
    /// never seen), each person's day too (zero when nothing was counted).
    public var state: PolicyState
    /// For each message key asked for that the archive holds, the stored copies under that
    /// key and under ids derived from it for reused ids (`id#…`).
    public var archivedCopies: [Message.DedupKey: [ArchivedCopy]]

    public init(generation: Int64, state: PolicyState, archivedCopies: [Message.DedupKey: [ArchivedCopy]] = [:]) {
        self.generation = generation
        self.state = state
        self.archivedCopies = archivedCopies
    }

    /// Whether `message` (as it would be stored) is already archived, so storing it again
    /// would be skipped as a duplicate.
    public func isArchived(_ message: Message) -> Bool {
        archivedCopies[message.dedupKey]?.contains { $0.sender == message.sender.id && $0.text == message.text } ?? false
    }
}
