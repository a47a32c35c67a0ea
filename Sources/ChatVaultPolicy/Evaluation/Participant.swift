/// A handle in a conversation as the policy sees it: the person behind it (when the
/// directory knows them), their groups, and whether they are outside the company.
///
/// Resolved once per platform and handle; conversations refer to it by its index in the
/// evaluator's table.
struct Participant: Sendable {
    var handle: String
    /// The handle lowercased, as approved-contact entries are compared.
    var folded: String
    /// The employee id, or the handle when the directory does not know it.
    var person: String
    /// ``person`` as an index into the evaluator's table of people.
    var personID: Int32
    var memberships: Set<String>
    var isExternal: Bool
    /// The policy's groups (those its rules and walls name) among ``memberships``, as
    /// indices into ``CompiledPolicy/groups``, ascending.
    var groups: [Int32]
    /// The walls this participant stands on: the wall's index and its side(s) (1 first, 2 second).
    var walls: [(wall: Int32, sides: UInt8)]

    func isMember(of group: Int32) -> Bool { groups.contains(group) }
}

/// A platform and a handle on it, the key a participant is resolved under.
struct ParticipantKey: Hashable, Sendable {
    var platform: String
    var handle: String
}

/// Who of a conversation stands on each side of one wall: the first person seen there and
/// whether another was seen too, enough to know whether two different people face each other.
struct WallSides: Sendable {
    private var first: Int32 = -1
    private var firstMany = false
    private var second: Int32 = -1
    private var secondMany = false

    mutating func add(person: Int32, sides: UInt8) {
        if sides & 1 != 0 {
            if first < 0 { first = person } else if first != person { firstMany = true }
        }
        if sides & 2 != 0 {
            if second < 0 { second = person } else if second != person { secondMany = true }
        }
    }

    /// ``EthicalWall/isBreached(by:)`` for the people seen: both sides taken, by at least two people.
    var isBreached: Bool { first >= 0 && second >= 0 && (firstMany || secondMany || first != second) }
}

/// What the evaluator remembers about one conversation across its messages, with the
/// aggregates rules, walls and contacts ask about kept up to date as people join, so a
/// message costs the same in a channel of thousands as in a direct chat.
struct ConversationState: Sendable {
    /// Handles in the order they joined (alerts list them).
    private(set) var handles: [String] = []
    /// Participant indices, in the same order.
    private(set) var members: [Int32] = []
    private var memberSet: Set<Int32> = []
    var breachedWalls: Set<String> = []
    var alertedContacts: Set<String> = []
    var sampled = false
    /// External participants, in join order.
    private(set) var externals: [Int32] = []
    /// Per policy group, how many participants are in it.
    private(set) var groupCounts: [Int32] = []
    /// The groups of the internal participants.
    private(set) var internalGroups: Set<String> = []
    private(set) var wallSides: [WallSides] = []
    /// Nothing changed since walls were last checked: checking again would raise nothing.
    var wallsSettled = false
    /// Nothing changed since contacts were last checked: checking again would raise nothing.
    var contactsSettled = false

    init(groupCount: Int, wallCount: Int) {
        groupCounts = [Int32](repeating: 0, count: groupCount)
        wallSides = [WallSides](repeating: WallSides(), count: wallCount)
    }

    /// Adds participant `id` unless already present; `participant` is read only for a newcomer.
    mutating func add(_ id: Int32, _ participant: @autoclosure () -> Participant) {
        guard memberSet.insert(id).inserted else { return }
        let participant = participant()
        handles.append(participant.handle)
        members.append(id)
        for group in participant.groups { groupCounts[Int(group)] += 1 }
        for (wall, sides) in participant.walls {
            let before = wallSides[Int(wall)].isBreached
            wallSides[Int(wall)].add(person: participant.personID, sides: sides)
            if !before && wallSides[Int(wall)].isBreached { wallsSettled = false }
        }
        if participant.isExternal {
            externals.append(id)
            contactsSettled = false
        } else if !participant.memberships.isSubset(of: internalGroups) {
            internalGroups.formUnion(participant.memberships)
            contactsSettled = false
        }
    }

    /// Whether a participant other than the sender (`sender`, a participant) is in `group`.
    func hasOther(in group: Int32, than sender: Participant) -> Bool {
        groupCounts[Int(group)] > (sender.isMember(of: group) ? 1 : 0)
    }
}
