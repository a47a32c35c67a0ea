/// A handle in a conversation as the policy sees it: the person behind it (when the
/// directory knows them), their groups, and whether they are outside the company.
struct Participant: Sendable, Hashable {
    var handle: String
    /// The employee id, or the handle when the directory does not know it.
    var person: String
    var memberships: Set<String>
    var isExternal: Bool
}

/// What the evaluator remembers about one conversation across its messages.
struct ConversationState: Sendable {
    var participants: [String: Participant] = [:]
    var order: [String] = []
    var breachedWalls: Set<String> = []
    var alertedContacts: Set<String> = []
    var sampled = false

    mutating func add(_ participant: Participant) {
        if participants.updateValue(participant, forKey: participant.handle) == nil { order.append(participant.handle) }
    }

    var handles: [String] { order }
}
