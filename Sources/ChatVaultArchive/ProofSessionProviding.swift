/// Inclusion proofs for many messages against one checkpoint: the tree is built once,
/// then each proof costs O(log n). Exports prove every message they contain.
public protocol InclusionProofSession: Sendable {
    /// The checkpoint every proof of the session is against.
    var checkpoint: Checkpoint { get }
    /// Proofs of the given messages, in the order given, leaving out any the checkpoint
    /// does not cover (stored after it).
    func proofs(messageIDs: [Int64]) async throws -> [InclusionProof]
}

/// An archive that can prove many messages against one checkpoint cheaply.
public protocol ProofSessionProviding: Sendable {
    /// A session at the checkpoint of `treeSize` leaves, or at the latest one.
    func proofSession(treeSize: Int?) async throws -> any InclusionProofSession
}

extension ProofSessionProviding {
    /// A session at the latest checkpoint.
    public func proofSession() async throws -> any InclusionProofSession {
        try await proofSession(treeSize: nil)
    }
}
