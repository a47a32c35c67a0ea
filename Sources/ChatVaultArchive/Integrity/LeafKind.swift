/// The kinds of record that are leaves of the integrity log.
package enum LeafKind: UInt8, CaseIterable {
    case conversation = 1
    case message = 2
    case audit = 3
    case blob = 4
    case alert = 5
    case tombstone = 6

    package var name: String {
        switch self {
        case .conversation: return "conversation"
        case .message: return "message"
        case .audit: return "audit"
        case .blob: return "attachment"
        case .alert: return "alert"
        case .tombstone: return "tombstone"
        }
    }
}
