public import ChatVaultCore

/// Where the IM-use policy keeps its state between batches (``PolicyState``).
///
/// A backend reads the state a batch needs in one consistent view, and stores the
/// batch's state changes in the same transaction as its messages and alerts, so a failed
/// batch changes nothing and a retried one, whose messages are duplicates, counts nothing
/// twice. Every backend implements the same rule for concurrent writers: a delta whose
/// ``PolicyStateDelta/basis`` is not the current generation is refused with
/// ``PolicyStateConflict`` before anything is written, and the generation rises by one
/// with every batch that stores a message or a state change (with or without a delta),
/// so a writer that sees the generation it left knows its memory is current.
public protocol PolicyStateStore: Sendable {
    /// The state of `keys`, the current generation, and which of `messages` are archived.
    func policyState(for keys: PolicyStateKeys, messages: [Message.DedupKey]) async throws -> PolicyStateSnapshot

    /// ``Archive/append(_:alerts:context:)`` that also stores `policyState` atomically with
    /// the batch, or throws ``PolicyStateConflict`` and stores nothing.
    func append(_ batch: [IncomingMessage], alerts: [Alert], policyState: PolicyStateDelta, context: AppendContext) async throws
        -> AppendReceipt
}
