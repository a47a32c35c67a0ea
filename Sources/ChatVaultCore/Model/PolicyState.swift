/// What the IM-use policy remembers between messages, kept in the archive so that every
/// path (an import, an ingest request, a live capture batch, a gateway decision) raises
/// the same alerts as one import of everything would.
///
/// The state is about people and conversations, not about a policy version: personal-use
/// counts are per person per local day, walls are remembered by name, contacts by
/// handle, and a conversation is drawn for sampling once. The participants of a
/// conversation are not part of it: the archive keeps them with the messages.
public struct PolicyState: Sendable, Hashable {
    /// A conversation, as `platform` and the platform's id kept apart (an id may hold `:`).
    public struct ConversationKey: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var platform: String
        public var id: String

        public init(platform: String, id: String) {
            self.platform = platform
            self.id = id
        }

        public static func < (a: Self, b: Self) -> Bool { (a.platform, a.id) < (b.platform, b.id) }
        public var description: String { platform + ":" + id }
    }

    /// One person's local day (`YYYY-MM-DD` in the policy's time zone).
    public struct PersonDay: Sendable, Hashable, Comparable {
        /// The employee id, or the handle when the directory does not know it.
        public var person: String
        public var day: String

        public init(person: String, day: String) {
            self.person = person
            self.day = day
        }

        public static func < (a: Self, b: Self) -> Bool { (a.person, a.day) < (b.person, b.day) }
    }

    /// What is remembered about one conversation.
    public struct Conversation: Sendable, Hashable {
        /// Everyone archived in the conversation so far (read from the archive's records).
        public var participants: [Handle]
        /// Walls (by name) that already raised their alert here.
        public var breachedWalls: Set<String>
        /// External handles that already raised their approved-contact alert here.
        public var alertedContacts: Set<String>
        /// Whether the conversation was drawn for review; `nil` when no draw was made yet.
        public var sampled: Bool?

        public init(participants: [Handle] = [], breachedWalls: Set<String> = [], alertedContacts: Set<String> = [], sampled: Bool? = nil) {
            self.participants = participants
            self.breachedWalls = breachedWalls
            self.alertedContacts = alertedContacts
            self.sampled = sampled
        }
    }

    /// Personal messages counted per person and day; a missing key counts zero.
    public var personalCounts: [PersonDay: Int]
    /// Conversations with something remembered; a missing key is a conversation never seen.
    public var conversations: [ConversationKey: Conversation]

    public init(personalCounts: [PersonDay: Int] = [:], conversations: [ConversationKey: Conversation] = [:]) {
        self.personalCounts = personalCounts
        self.conversations = conversations
    }

    /// The state after `changes`, in order. Every backend stores the same result.
    public func applying(_ changes: some Sequence<PolicyStateChange>) -> PolicyState {
        var state = self
        for change in changes { state.apply(change) }
        return state
    }

    public mutating func apply(_ change: PolicyStateChange) {
        switch change {
        case .personalUse(let key):
            personalCounts[key, default: 0] += 1
        case .wallBreached(let conversation, let wall):
            conversations[conversation, default: Conversation()].breachedWalls.insert(wall)
        case .contactAlerted(let conversation, let handle):
            conversations[conversation, default: Conversation()].alertedContacts.insert(handle)
        case .sampled(let conversation, let drawn):
            // The first draw stands: a later one (from a batch evaluated on old state) never replaces it.
            if conversations[conversation]?.sampled == nil { conversations[conversation, default: Conversation()].sampled = drawn }
        }
    }
}

/// One change the policy made to its state while evaluating a message.
public enum PolicyStateChange: Sendable, Hashable {
    /// One more personal message for the person on that day.
    case personalUse(PolicyState.PersonDay)
    case wallBreached(PolicyState.ConversationKey, wall: String)
    case contactAlerted(PolicyState.ConversationKey, handle: String)
    case sampled(PolicyState.ConversationKey, drawn: Bool)
}

/// The parts of the state a batch needs: the conversations its messages are in and the
/// senders' days.
public struct PolicyStateKeys: Sendable, Hashable {
    public var conversations: Set<PolicyState.ConversationKey>
    public var personDays: Set<PolicyState.PersonDay>

    public init(conversations: Set<PolicyState.ConversationKey> = [], personDays: Set<PolicyState.PersonDay> = []) {
        self.conversations = conversations
        self.personDays = personDays
    }

    public var isEmpty: Bool { conversations.isEmpty && personDays.isEmpty }
}

/// The state changes of one batch, to be stored in the same transaction as its messages.
///
/// `basis` is the state generation the batch was evaluated on: a store refuses the delta
/// (``PolicyStateConflict``) when another batch was stored since, so two writers never
/// both decide on the same old count.
public struct PolicyStateDelta: Sendable, Hashable {
    public var basis: Int64
    public var changes: [PolicyStateChange]

    public init(basis: Int64, changes: [PolicyStateChange] = []) {
        self.basis = basis
        self.changes = changes
    }

    /// Personal-use increments summed per person and day.
    public var personalIncrements: [PolicyState.PersonDay: Int] {
        var counts: [PolicyState.PersonDay: Int] = [:]
        for case .personalUse(let key) in changes { counts[key, default: 0] += 1 }
        return counts
    }
}

/// Refused: the policy state changed since the batch was evaluated. Evaluate it again on
/// the current state and retry.
public struct PolicyStateConflict: Error, Sendable, Hashable, CustomStringConvertible {
    public var expected: Int64
    public var found: Int64

    public init(expected: Int64, found: Int64) {
        self.expected = expected
        self.found = found
    }

    public var description: String { "policy state changed while the batch was evaluated (generation \(expected), now \(found))" }
}
