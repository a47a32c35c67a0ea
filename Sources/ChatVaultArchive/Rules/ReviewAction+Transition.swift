public import ChatVaultCore

extension ReviewAction {
    /// The state an alert in `state` is in after this action: escalate, close and reopen
    /// move it (when ``ChatVaultCore/Alert/State/canMove(to:)`` allows); assign, comment
    /// and coach leave it where it is.
    ///
    /// - Throws: ``ArchiveError`` with code ``ArchiveError/Code/conflict`` when the move is
    ///   not allowed (closing a closed alert, reopening an open one); alert `id` names it.
    public func nextState(from state: Alert.State, alert id: Int64) throws -> Alert.State {
        let next: Alert.State
        switch self {
        case .escalate: next = .escalated
        case .close: next = .closed
        case .reopen: next = .open
        case .assign, .comment, .coach: return state
        }
        guard next == state || state.canMove(to: next) else {
            throw ArchiveError.conflict("alert #\(id) is \(state.rawValue) and cannot be moved to \(next.rawValue)")
        }
        return next
    }
}
