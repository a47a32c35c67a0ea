public import ChatVaultCore

/// The review workflow on policy alerts: the queue, the steps reviewers take, their history.
///
/// Implementations promise that ``review(_:actor:)`` is all-or-nothing (every step checked
/// and written in one transaction, with one checkpoint), that each step is also an
/// `alert.<action>` audit event and so a leaf of the integrity log, and that a step moves
/// an alert only as ``ReviewAction/nextState(from:alert:)`` allows, refusing it otherwise
/// with ``ArchiveError/Code/conflict`` (``ArchiveError/Code/notFound`` for an unknown alert).
public protocol ReviewStore: Sendable {
    /// Records `steps` in order (a later step sees the state an earlier one left), all or none.
    @discardableResult
    func review(_ steps: [ReviewStep], actor: String) async throws -> [AlertReview]

    /// The review steps of an alert, oldest first.
    func reviews(alertID: Int64) async throws -> [AlertReview]

    /// Coaching notes, newest first: at most `limit`, those addressed to `employee` when given.
    func coachingNotes(employee: String?, limit: Int) async throws -> [AlertReview]

    /// The alert with id `id` and who owns it.
    func alert(id: Int64) async throws -> QueuedAlert?

    /// The review queue: alerts passing `filter`, newest first, and how many pass in all.
    func alertQueue(_ filter: AlertFilter) async throws -> (alerts: [QueuedAlert], total: Int)

    /// The alerts raised on each of `messageIDs` (messages without one are absent).
    func alerts(forMessages messageIDs: [Int64]) async throws -> [Int64: [QueuedAlert]]
}

extension ReviewStore {
    /// Records one review step: updates the alert's state or owner and appends an
    /// `alert.<action>` audit event, with a checkpoint. A step that cannot be recorded
    /// changes nothing.
    @discardableResult
    public func review(alertID: Int64, action: ReviewAction, actor: String, detail: [(String, JSONValue)], assignee: String? = nil) async throws
        -> AlertReview
    {
        try await review([ReviewStep(alertID: alertID, action: action, detail: detail, assignee: assignee)], actor: actor)[0]
    }

    /// The newest `limit` coaching notes, to anyone.
    public func coachingNotes(limit: Int = 500) async throws -> [AlertReview] {
        try await coachingNotes(employee: nil, limit: limit)
    }
}
