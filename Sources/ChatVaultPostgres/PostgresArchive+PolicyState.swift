public import ChatVaultArchive
public import ChatVaultCore

extension PostgresArchive: PolicyStateStore {
    /// The policy's state and the archived copies of `messages`, from one snapshot (``PostgresPolicyStateStore``).
    public func policyState(for keys: PolicyStateKeys, messages: [Message.DedupKey]) async throws -> PolicyStateSnapshot {
        try await PostgresPolicyStateStore(backend: backend).policyState(for: keys, messages: messages)
    }

    /// The batch, its alerts and its policy state changes in one transaction, refused with
    /// ``PolicyStateConflict`` and nothing written when the state moved on since `policyState.basis`.
    public func append(_ batch: [IncomingMessage], alerts: [Alert], policyState: PolicyStateDelta, context: AppendContext) async throws
        -> AppendReceipt
    {
        try await append(batch, alerts: alerts, context: context, policyState: Optional(policyState))
    }
}
