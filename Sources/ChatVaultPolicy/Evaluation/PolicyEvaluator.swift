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
public struct PolicyEvaluator: Sendable {
    public let policy: UsePolicy
    let directory: Directory
    let seed: UInt64
    var matcher: LexiconMatcher
    /// For each rule, its query's index in ``matcher``.
    let ruleQuery: [Int?]
    let personalQuery: Int?
    var conversations: [PolicyState.ConversationKey: ConversationState] = [:]
    var personalCounts: [PolicyState.PersonDay: Int] = [:]
    var resolved: [String: Participant] = [:]
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
        matcher = try LexiconMatcher(queries: queries, lexicons: policy.lexicons, disclaimers: policy.disclaimers)
    }

    /// Whether a conversation has been seen (evaluated, remembered or restored) by this evaluator.
    public func knows(platform: String, conversation: String) -> Bool {
        conversations[PolicyState.ConversationKey(platform: platform, id: conversation)] != nil
    }

    /// Seeds a conversation with participants known from earlier imports, so a wall is
    /// breached when someone new joins people archived before.
    public mutating func remember(platform: String, conversation: String, participants handles: [Handle]) {
        let key = PolicyState.ConversationKey(platform: platform, id: conversation)
        var state = conversations.removeValue(forKey: key) ?? ConversationState()
        for handle in handles { state.add(participant(handle, platform: platform)) }
        conversations[key] = state
    }

    /// The alerts `message` raises, in rule order, then walls, contacts, personal use and sampling.
    public mutating func evaluate(_ message: Message, conversationKind: Conversation.Kind? = nil) -> [Alert] {
        let conversationKey = PolicyState.ConversationKey(platform: message.platform, id: message.conversation)
        // Taken out of the dictionary so updating it does not copy its tables.
        var state = conversations.removeValue(forKey: conversationKey) ?? ConversationState()
        let sender = participant(message.sender, platform: message.platform)
        state.add(sender)
        for recipient in message.recipients { state.add(participant(recipient, platform: message.platform)) }
        defer { conversations[conversationKey] = state }

        var alerts: [Alert] = []
        func raise(_ rule: String, _ severity: Alert.Severity, _ action: Alert.Action, _ description: String, _ matches: [Alert.Match] = []) {
            alerts.append(
                Alert(
                    rule: rule, severity: severity, action: action, description: description, message: message.dedupKey,
                    participants: state.handles, matches: matches, policyVersion: policy.version, raisedAt: message.sentAt))
        }

        if message.kind == .message || message.kind == .edit {
            let kind = conversationKind ?? (message.recipients.count == 1 ? .direct : .group)
            var context = RuleContext(message: message, kind: kind, sender: sender, state: state, hours: policy.hours)
            var held: [Int: [CompiledQuery.Span]] = [:]
            for query in matcher.load(message.text) {
                let outcome = matcher.holds(query)
                if outcome.matched { held[query] = outcome.spans }
            }
            var scalars: [Unicode.Scalar]?
            for (index, rule) in policy.rules.enumerated() {
                var spans: [CompiledQuery.Span] = []
                if let query = ruleQuery[index] {
                    guard let found = held[query] else { continue }
                    spans = found
                }
                guard context.satisfies(rule.conditions) else { continue }
                if !spans.isEmpty, scalars == nil { scalars = Array(message.text.unicodeScalars) }
                raise(rule.name, rule.severity, rule.action, rule.description, spans.isEmpty ? [] : matcher.matches(spans, in: scalars!))
            }
            if let personal = policy.personalUse, let query = personalQuery, let spans = held[query] {
                let key = PolicyState.PersonDay(person: sender.person, day: context.local.day)
                let count = personalCounts[key, default: 0] + 1
                personalCounts[key] = count
                journal?.append(.personalUse(key))
                if count == personal.dailyAllowance + 1 {
                    if scalars == nil { scalars = Array(message.text.unicodeScalars) }
                    raise(
                        UsePolicy.personalUseRule, personal.severity, .flag,
                        "more than \(personal.dailyAllowance) personal messages on \(context.local.day)", matcher.matches(spans, in: scalars!))
                }
            }
        }

        if !policy.walls.isEmpty {
            let members = state.handles.compactMap { state.participants[$0] }.map { (person: $0.person, groups: $0.memberships) }
            for wall in policy.walls where !state.breachedWalls.contains(wall.name) && wall.isBreached(by: members) {
                state.breachedWalls.insert(wall.name)
                journal?.append(.wallBreached(conversationKey, wall: wall.name))
                raise(UsePolicy.wallRulePrefix + wall.name, wall.severity, .flag, wall.description)
            }
        }

        if !policy.approvedContacts.isEmpty {
            let internalGroups = state.participants.values.filter { !$0.isExternal }.reduce(into: Set<String>()) { $0.formUnion($1.memberships) }
            let lists = internalGroups.compactMap { policy.approvedContacts[$0] }
            if !lists.isEmpty {
                for handle in state.handles {
                    guard let p = state.participants[handle], p.isExternal, !state.alertedContacts.contains(handle) else { continue }
                    if !lists.contains(where: { $0.contains { Self.contact(handle, matches: $0) } }) {
                        state.alertedContacts.insert(handle)
                        journal?.append(.contactAlerted(conversationKey, handle: handle))
                        raise(
                            UsePolicy.contactRule, .medium, .flag,
                            "external contact \(handle) is not approved for \(internalGroups.sorted().joined(separator: ", "))")
                    }
                }
            }
        }

        if let sampling = policy.sampling, !state.sampled {
            state.sampled = true
            let groups = state.participants.values.filter { !$0.isExternal }.reduce(into: Set<String>()) { $0.formUnion($1.memberships) }
            let drawn = sampling.draws(conversation: conversationKey.description, groups: groups, seed: seed)
            journal?.append(.sampled(conversationKey, drawn: drawn))
            if drawn { raise(UsePolicy.samplingRule, .low, .flag, "conversation drawn for random review") }
        }
        return alerts
    }

    /// `bob@client.example` against `bob@client.example` or `*@client.example`.
    static func contact(_ handle: String, matches pattern: String) -> Bool {
        let handle = handle.lowercased()
        if pattern.hasPrefix("*") { return handle.hasSuffix(pattern.dropFirst()) }
        return handle == pattern
    }

    mutating func participant(_ handle: Handle, platform: String) -> Participant {
        let key = platform + "\u{1F}" + handle.id
        if let known = resolved[key] { return known }
        let result: Participant
        if let person = directory.person(for: handle, platform: platform) {
            result = Participant(handle: handle.id, person: person.employeeID, memberships: person.memberships, isExternal: false)
        } else {
            var external = false
            if !policy.companyDomains.isEmpty, let domain = handle.domain {
                external = !policy.companyDomains.contains(where: { domain == $0 || domain.hasSuffix("." + $0) })
            }
            result = Participant(handle: handle.id, person: handle.id, memberships: [], isExternal: external)
        }
        resolved[key] = result
        return result
    }
}
