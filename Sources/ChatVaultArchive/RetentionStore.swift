public import ChatVaultCore

/// Retention rules, legal holds and disposition: how long records are kept and what
/// keeps them longer.
///
/// Implementations promise: rules are versioned (a change adds a version, never edits
/// one) and resolved by ``RetentionSchedule``; a hold covers a person as sender or
/// recipient by handle or display name folded as search folds words, a conversation by
/// reference, or a search query, within its optional time range, including messages that
/// arrive later; releasing a hold and approving a disposition follow the two-person rule
/// (``LegalHold/State/released(by:proposedBy:hold:)``,
/// ``Disposition/State/approved(by:proposedBy:disposition:)``); a disposed message keeps
/// its leaf and gains a tombstone leaf; every change is an audit event.
public protocol RetentionStore: Sendable {
    /// Adds a version of a retention rule (its audit event says whether it shortened one).
    /// A period under a day is refused with ``ArchiveError/Code/invalid``.
    func setRetentionRule(_ rule: RetentionRule, actor: String) async throws

    /// The current version of each rule, by name.
    func retentionRules() async throws -> [RetentionRule]

    /// Places a hold. A query hold without a word to look for is refused; with `allowEmpty`
    /// false, so is a hold that covers no message now (usually a typo).
    @discardableResult
    func createHold(name: String, kind: LegalHold.Kind, value: String, from: Timestamp?, to: Timestamp?, actor: String, allowEmpty: Bool)
        async throws -> LegalHold

    /// Every hold, oldest first, in whatever state.
    func holds() async throws -> [LegalHold]

    /// The first call proposes the release; a second officer's call releases the hold.
    /// `evidence` (e.g. the officer's signature of the step) is kept in the audit event.
    @discardableResult
    func releaseHold(id: Int64, actor: String, evidence: [(String, JSONValue)]) async throws -> LegalHold

    /// Ids of the messages `hold` covers now (whatever its state).
    func messagesHeld(by hold: LegalHold) async throws -> Set<Int64>

    /// What a disposition at `cutoff` would remove: messages whose period has ended and that
    /// no unreleased hold covers, nor any alert (an alerted message is supervisory record).
    func dispositionPlan(cutoff: Timestamp) async throws -> DispositionPlan

    /// Proposes a disposition at the current time; nothing is removed until another
    /// officer approves it.
    func proposeDisposition(actor: String, evidence: [(String, JSONValue)]) async throws -> Disposition

    /// Carries out a proposed disposition, with its plan computed again now (a hold placed
    /// since the proposal still protects). The approver must not be the proposer.
    func approveDisposition(id: Int64, actor: String, evidence: [(String, JSONValue)]) async throws -> Disposition
}

extension RetentionStore {
    /// Places a hold, even one that covers no message now.
    @discardableResult
    public func createHold(name: String, kind: LegalHold.Kind, value: String, from: Timestamp?, to: Timestamp?, actor: String) async throws
        -> LegalHold
    {
        try await createHold(name: name, kind: kind, value: value, from: from, to: to, actor: actor, allowEmpty: true)
    }

    /// How many messages a hold of `kind` on `value` would cover now.
    public func coverage(kind: LegalHold.Kind, value: String, from: Timestamp?, to: Timestamp?) async throws -> Int {
        let hold = LegalHold(
            id: 0, name: "", kind: kind, value: value, from: from, to: to, createdBy: "", createdAt: Timestamp(microseconds: 0), state: .active)
        return try await messagesHeld(by: hold).count
    }

    /// Releases (or proposes releasing) a hold with no evidence.
    @discardableResult
    public func releaseHold(id: Int64, actor: String) async throws -> LegalHold {
        try await releaseHold(id: id, actor: actor, evidence: [])
    }

    /// Proposes a disposition with no evidence.
    public func proposeDisposition(actor: String) async throws -> Disposition {
        try await proposeDisposition(actor: actor, evidence: [])
    }

    /// Approves a disposition with no evidence.
    public func approveDisposition(id: Int64, actor: String) async throws -> Disposition {
        try await approveDisposition(id: id, actor: actor, evidence: [])
    }
}
