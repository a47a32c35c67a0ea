extension LegalHold.State {
    /// Where a release call by `actor` takes a hold in this state, under the two-person
    /// rule: an active hold has its release proposed; a proposed release is confirmed by
    /// anyone but its proposer (`proposedBy`). A released hold stays released.
    ///
    /// - Throws: ``ArchiveError`` with code ``ArchiveError/Code/conflict`` when the hold
    ///   is already released or `actor` proposed the release; hold `id` names it.
    public func released(by actor: String, proposedBy: String?, hold id: Int64) throws -> LegalHold.State {
        switch self {
        case .active:
            return .releaseProposed
        case .releaseProposed:
            guard TwoPersonRule.permits(proposer: proposedBy ?? "", confirmer: actor) else {
                throw ArchiveError.conflict("hold \(id): its release was proposed by \(actor); a second officer must confirm it")
            }
            return .released
        case .released:
            throw ArchiveError.conflict("hold \(id) is already released")
        }
    }
}
