public import ChatVaultCore

/// The evaluator's memory as a ``PolicyState``: what a batch needs is restored from the
/// archive, and the changes each message makes are taken to be stored with the batch.
extension PolicyEvaluator {
    /// Starts recording the state changes of each evaluation for ``takeChanges()``.
    public mutating func recordChanges() {
        if journal == nil { journal = [] }
    }

    /// The state changes made since the last call, in order (none when not recording).
    public mutating func takeChanges() -> [PolicyStateChange] {
        guard let changes = journal else { return [] }
        journal = []
        return changes
    }

    /// Reverts `changes` (taken from the last evaluation), e.g. for a message that turns out
    /// to be archived already: a duplicate counts nothing and marks nothing.
    public mutating func undo(_ changes: [PolicyStateChange]) {
        for change in changes.reversed() {
            switch change {
            case .personalUse(let key):
                if let count = personalCounts[key] { personalCounts[key] = Swift.max(0, count - 1) }
            case .wallBreached(let key, let wall):
                guard let slot = conversationSlots[key] else { continue }
                conversationStates[slot].breachedWalls.remove(wall)
                conversationStates[slot].wallsSettled = false
            case .contactAlerted(let key, let handle):
                guard let slot = conversationSlots[key] else { continue }
                conversationStates[slot].alertedContacts.remove(handle)
                conversationStates[slot].contactsSettled = false
            case .sampled(let key, _):
                guard let slot = conversationSlots[key] else { continue }
                conversationStates[slot].sampled = false
            }
        }
    }

    /// The parts of the state `messages` need that the evaluator does not hold yet.
    public mutating func missingState(for messages: some Sequence<Message>) -> PolicyStateKeys {
        var keys = PolicyStateKeys()
        for message in messages {
            let conversation = PolicyState.ConversationKey(platform: message.platform, id: message.conversation)
            if conversationSlots[conversation] == nil { keys.conversations.insert(conversation) }
            guard policy.personalUse != nil, message.kind == .message || message.kind == .edit else { continue }
            let day = PolicyState.PersonDay(
                person: participant(message.sender, platform: message.platform).person, day: clock.local(message.sentAt).day)
            if personalCounts[day] == nil { keys.personDays.insert(day) }
        }
        return keys
    }

    /// Takes on `state` for each of its keys, replacing what the evaluator held for them.
    public mutating func restore(_ state: PolicyState) {
        for (key, count) in state.personalCounts { personalCounts[key] = count }
        for (key, remembered) in state.conversations {
            var conversation = ConversationState(groupCount: groups.count, wallCount: wallGroups.count)
            for handle in remembered.participants {
                let id = participantID(handle, platform: key.platform)
                conversation.add(id, participants[Int(id)])
            }
            conversation.breachedWalls = remembered.breachedWalls
            conversation.alertedContacts = remembered.alertedContacts
            conversation.sampled = remembered.sampled != nil
            conversationStates[slot(for: key)] = conversation
        }
    }

    /// What the evaluator remembers, as a ``PolicyState`` (participants by handle; a draw
    /// made shows as `sampled: true`, since the evaluator keeps only that it was made).
    public var state: PolicyState {
        var state = PolicyState(personalCounts: personalCounts)
        for (key, slot) in conversationSlots {
            let conversation = conversationStates[slot]
            state.conversations[key] = PolicyState.Conversation(
                participants: conversation.handles.map { Handle(id: $0) }, breachedWalls: conversation.breachedWalls,
                alertedContacts: conversation.alertedContacts, sampled: conversation.sampled ? true : nil)
        }
        return state
    }

    /// How many conversations and person-days the evaluator holds.
    public var rememberedCount: Int { conversationSlots.count + personalCounts.count }

    /// Forgets all conversations and counts (not the directory); what a later batch needs
    /// is restored again.
    public mutating func forget() {
        conversationSlots = [:]
        conversationStates = []
        personalCounts = [:]
    }
}
