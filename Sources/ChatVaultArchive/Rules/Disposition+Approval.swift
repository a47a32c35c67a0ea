extension Disposition.State {
    /// Where approval by `actor` takes a disposition in this state: a proposed one is
    /// carried out (``Disposition/State/completed``) when `actor` is not its proposer.
    ///
    /// - Throws: ``ArchiveError`` with code ``ArchiveError/Code/conflict`` when disposition
    ///   `id` is already completed or `actor` proposed it (the two-person rule).
    public func approved(by actor: String, proposedBy: String, disposition id: Int64) throws -> Disposition.State {
        switch self {
        case .completed:
            throw ArchiveError.conflict("disposition \(id) is already completed")
        case .proposed:
            guard TwoPersonRule.permits(proposer: proposedBy, confirmer: actor) else {
                throw ArchiveError.conflict("disposition \(id) was proposed by \(actor); a second officer must approve it (two-person rule)")
            }
            return .completed
        }
    }
}
