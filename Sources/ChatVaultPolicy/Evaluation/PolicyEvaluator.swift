public import ChatVaultCore

/// Evaluates a ``UsePolicy`` message by message and raises alerts.
///
/// Rules look at one message; walls, approved contacts, personal-use allowances and
/// sampling look at the conversation or the person's day so far, which the evaluator
/// remembers. Randomness (sampling) comes only from the injected `seed`.
///
/// What it remembers is a ``PolicyState``: a pipeline restores the part a batch needs
/// from the archive, and takes the changes each message made (``takeChanges()``) to
/// store them with the batch (see `PolicyEvaluator+State.swift`).
///
/// Speed: the policy is compiled once (all lexicon words in one trie, groups and walls
/// as indices), handles are resolved once per run, and each conversation keeps what
/// rules, walls and contacts ask about up to date as people join, so a message costs one
/// scan of its text and a few table lookups however large the conversation.
public struct PolicyEvaluator: Sendable {
    public let policy: UsePolicy
    let directory: Directory
    let seed: UInt64
    var matcher: LexiconMatcher
    /// For each rule, its query's index in ``matcher``.
    let ruleQuery: [Int?]
    let ruleConditions: [CompiledConditions]
    let personalQuery: Int?
    /// The groups the policy's rules and walls name; conditions and walls refer to them by index.
    let groups: [String]
    /// Each wall's two groups as indices into ``groups``.
    let wallGroups: [(first: Int32, second: Int32)]
    var conversationSlots: [PolicyState.ConversationKey: Int] = [:]
    var conversationStates: [ConversationState] = []
    var personalCounts: [PolicyState.PersonDay: Int] = [:]
    var participantIDs: [ParticipantKey: Int32] = [:]
    var participants: [Participant] = []
    var personIDs: [String: Int32] = [:]
    var clock: LocalClock
    /// The last platform seen and its lowercased form (messages come from few platforms).
    var lastPlatform = ("", "")
    /// Per query, the generation it last held in and its spans then.
    var heldStamp: [UInt32]
    var heldSpans: [[CompiledQuery.Span]]
    var generation: UInt32 = 0
    /// The state changes made since the last ``takeChanges()``; `nil` when not recorded.
    var journal: [PolicyStateChange]?

    /// - Parameters:
    ///   - directory: the vault's directory; people listed in the policy file are added to it.
    ///   - seed: the sampling seed (the same seed draws the same conversations).
    public init(policy: UsePolicy, directory: Directory = Directory(), seed: UInt64) throws(LexiconError) {
        self.policy = policy
        var merged = directory
        for person in policy.directory.people { merged.add(person) }
        self.directory = merged
        self.seed = seed
        var queries: [LexiconQuery] = []
        var ruleQuery: [Int?] = []
        for rule in policy.rules {
            if let query = rule.query {
                ruleQuery.append(queries.count)
                queries.append(query)
            } else {
                ruleQuery.append(nil)
            }
        }
        if let personal = policy.personalUse {
            personalQuery = queries.count
            queries.append(personal.query)
        } else {
            personalQuery = nil
        }
        self.ruleQuery = ruleQuery
        var groups: [String] = []
        var groupIndex: [String: Int32] = [:]
        func group(_ name: String) -> Int32 {
            if let index = groupIndex[name] { return index }
            groupIndex[name] = Int32(groups.count)
            groups.append(name)
            return Int32(groups.count - 1)
        }
        ruleConditions = policy.rules.map { CompiledConditions($0.conditions, group: group) }
        wallGroups = policy.walls.map { (group($0.first), group($0.second)) }
        self.groups = groups
        clock = LocalClock(hours: policy.hours)
        matcher = try LexiconMatcher(queries: queries, lexicons: policy.lexicons, disclaimers: policy.disclaimers)
        heldStamp = [UInt32](repeating: 0, count: queries.count)
        heldSpans = [[CompiledQuery.Span]](repeating: [], count: queries.count)
    }

    /// Whether a conversation has been seen (evaluated, remembered or restored) by this evaluator.
    public func knows(platform: String, conversation: String) -> Bool {
        conversationSlots[PolicyState.ConversationKey(platform: platform, id: conversation)] != nil
    }

    /// Seeds a conversation with participants known from earlier imports, so a wall is
    /// breached when someone new joins people archived before.
    public mutating func remember(platform: String, conversation: String, participants handles: [Handle]) {
        let slot = slot(for: PolicyState.ConversationKey(platform: platform, id: conversation))
        for handle in handles {
            let id = participantID(handle, platform: platform)
            let participant = participants[Int(id)]
            conversationStates[slot].add(id, participant)
        }
    }

    /// The alerts `message` raises, in rule order, then walls, contacts, personal use and sampling.
    public mutating func evaluate(_ message: Message, conversationKind: Conversation.Kind? = nil) -> [Alert] {
        let conversationKey = PolicyState.ConversationKey(platform: message.platform, id: message.conversation)
        let slot = slot(for: conversationKey)
        // Swapped out of the table so updating it neither copies nor retains its storage.
        var state = ConversationState(groupCount: 0, wallCount: 0)
        swap(&state, &conversationStates[slot])
        defer { swap(&state, &conversationStates[slot]) }
        let senderID = participantID(message.sender, platform: message.platform)
        let sender = participants[Int(senderID)]
        state.add(senderID, sender)
        for recipient in message.recipients {
            let id = participantID(recipient, platform: message.platform)
            state.add(id, participants[Int(id)])
        }

        var alerts: [Alert] = []
        func raise(_ rule: String, _ severity: Alert.Severity, _ action: Alert.Action, _ description: String, _ matches: [Alert.Match] = []) {
            alerts.append(
                Alert(
                    rule: rule, severity: severity, action: action, description: description, message: message.dedupKey,
                    participants: state.handles, matches: matches, policyVersion: policy.version, raisedAt: message.sentAt))
        }

        if message.kind == .message || message.kind == .edit {
            let kind = conversationKind ?? (message.recipients.count == 1 ? .direct : .group)
            if lastPlatform.0 != message.platform { lastPlatform = (message.platform, message.platform.lowercased()) }
            var facts = MessageFacts(platform: lastPlatform.1, kind: kind)
            let held = loadHeldQueries(message.text)
            var scalars: [Unicode.Scalar]?
            for index in ruleQuery.indices {
                var spans: [CompiledQuery.Span] = []
                if let query = ruleQuery[index] {
                    guard heldStamp[query] == held else { continue }
                    spans = heldSpans[query]
                }
                guard ruleConditions[index].holds(for: message, &facts, sender: sender, state: state, hours: policy.hours, clock: &clock)
                else { continue }
                if !spans.isEmpty, scalars == nil { scalars = Array(message.text.unicodeScalars) }
                let rule = policy.rules[index]
                raise(rule.name, rule.severity, rule.action, rule.description, spans.isEmpty ? [] : matcher.matches(spans, in: scalars!))
            }
            if let personal = policy.personalUse, let query = personalQuery, heldStamp[query] == held {
                let day = facts.local(message.sentAt, clock: &clock).day
                let key = PolicyState.PersonDay(person: sender.person, day: day)
                let count = personalCounts[key, default: 0] + 1
                personalCounts[key] = count
                journal?.append(.personalUse(key))
                if count == personal.dailyAllowance + 1 {
                    if scalars == nil { scalars = Array(message.text.unicodeScalars) }
                    raise(
                        UsePolicy.personalUseRule, personal.severity, .flag, "more than \(personal.dailyAllowance) personal messages on \(day)",
                        matcher.matches(heldSpans[query], in: scalars!))
                }
            }
        }

        if !policy.walls.isEmpty, !state.wallsSettled {
            for (index, wall) in policy.walls.enumerated()
            where state.wallSides[index].isBreached && !state.breachedWalls.contains(wall.name) {
                state.breachedWalls.insert(wall.name)
                journal?.append(.wallBreached(conversationKey, wall: wall.name))
                raise(UsePolicy.wallRulePrefix + wall.name, wall.severity, .flag, wall.description)
            }
            state.wallsSettled = true
        }

        if !policy.approvedContacts.isEmpty, !state.contactsSettled {
            let lists = state.internalGroups.compactMap { policy.approvedContacts[$0] }
            if !lists.isEmpty {
                for id in state.externals {
                    let contact = participants[Int(id)]
                    guard !state.alertedContacts.contains(contact.handle) else { continue }
                    if !lists.contains(where: { $0.contains { Self.contact(folded: contact.folded, matches: $0) } }) {
                        state.alertedContacts.insert(contact.handle)
                        journal?.append(.contactAlerted(conversationKey, handle: contact.handle))
                        raise(
                            UsePolicy.contactRule, .medium, .flag,
                            "external contact \(contact.handle) is not approved for \(state.internalGroups.sorted().joined(separator: ", "))")
                    }
                }
            }
            state.contactsSettled = true
        }

        if let sampling = policy.sampling, !state.sampled {
            state.sampled = true
            let drawn = sampling.draws(conversation: conversationKey.description, groups: state.internalGroups, seed: seed)
            journal?.append(.sampled(conversationKey, drawn: drawn))
            if drawn { raise(UsePolicy.samplingRule, .low, .flag, "conversation drawn for random review") }
        }
        return alerts
    }

    /// Scans `text` and marks the queries that hold for it in ``heldStamp`` (with their
    /// spans in ``heldSpans``); returns the stamp they carry.
    private mutating func loadHeldQueries(_ text: String) -> UInt32 {
        generation &+= 1
        if generation == 0 {
            for i in heldStamp.indices { heldStamp[i] = 0 }
            generation = 1
        }
        matcher.load(text)
        for query in matcher.candidates {
            let outcome = matcher.holds(query)
            if outcome.matched {
                heldStamp[query] = generation
                heldSpans[query] = outcome.spans
            }
        }
        return generation
    }

    /// `bob@client.example` against `bob@client.example` or `*@client.example`.
    static func contact(_ handle: String, matches pattern: String) -> Bool {
        contact(folded: handle.lowercased(), matches: pattern)
    }

    /// ``contact(_:matches:)`` for a handle already lowercased.
    static func contact(folded handle: String, matches pattern: String) -> Bool {
        if pattern.hasPrefix("*") { return handle.hasSuffix(pattern.dropFirst()) }
        return handle == pattern
    }

    /// The conversation's index in ``conversationStates``, added empty when new.
    mutating func slot(for key: PolicyState.ConversationKey) -> Int {
        if let slot = conversationSlots[key] { return slot }
        let slot = conversationStates.count
        conversationSlots[key] = slot
        conversationStates.append(ConversationState(groupCount: groups.count, wallCount: wallGroups.count))
        return slot
    }

    /// The participant behind `handle` on `platform`, resolved through the directory once.
    mutating func participant(_ handle: Handle, platform: String) -> Participant {
        participants[Int(participantID(handle, platform: platform))]
    }

    /// The index in ``participants`` of `handle` on `platform`, resolved once.
    mutating func participantID(_ handle: Handle, platform: String) -> Int32 {
        let key = ParticipantKey(platform: platform, handle: handle.id)
        if let known = participantIDs[key] { return known }
        var result: Participant
        if let person = directory.person(for: handle, platform: platform) {
            result = Participant(
                handle: handle.id, folded: handle.id.lowercased(), person: person.employeeID, personID: 0, memberships: person.memberships,
                isExternal: false, groups: [], walls: [])
        } else {
            var external = false
            if !policy.companyDomains.isEmpty, let domain = handle.domain {
                external = !policy.companyDomains.contains(where: { domain == $0 || domain.hasSuffix("." + $0) })
            }
            result = Participant(
                handle: handle.id, folded: handle.id.lowercased(), person: handle.id, personID: 0, memberships: [], isExternal: external,
                groups: [], walls: [])
        }
        if let known = personIDs[result.person] {
            result.personID = known
        } else {
            result.personID = Int32(personIDs.count)
            personIDs[result.person] = result.personID
        }
        result.groups = groups.indices.filter { result.memberships.contains(groups[$0]) }.map { Int32($0) }
        for (index, wall) in wallGroups.enumerated() {
            let sides: UInt8 = (result.isMember(of: wall.first) ? 1 : 0) | (result.isMember(of: wall.second) ? 2 : 0)
            if sides != 0 { result.walls.append((Int32(index), sides)) }
        }
        let id = Int32(participants.count)
        participants.append(result)
        participantIDs[key] = id
        return id
    }
}
