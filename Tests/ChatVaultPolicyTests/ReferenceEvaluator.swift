import ChatVaultCore
import ChatVaultPolicy

/// The policy evaluated the plain way, as ``PolicyEvaluator`` did before it was made fast:
/// `Calendar` for every local time, string-keyed participants, and walls, contacts and
/// group conditions worked out from every participant of the conversation on every message.
/// Only public API is used, so the fast path is checked against an independent reading.
struct ReferenceEvaluator {
    struct Person {
        var handle: String
        var person: String
        var memberships: Set<String>
        var isExternal: Bool
    }

    struct Conversation {
        var participants: [String: Person] = [:]
        var order: [String] = []
        var breachedWalls: Set<String> = []
        var alertedContacts: Set<String> = []
        var sampled = false

        mutating func add(_ person: Person) {
            if participants.updateValue(person, forKey: person.handle) == nil { order.append(person.handle) }
        }
    }

    let policy: UsePolicy
    let directory: Directory
    let seed: UInt64
    var matcher: LexiconMatcher
    let ruleQuery: [Int?]
    let personalQuery: Int?
    var conversations: [PolicyState.ConversationKey: Conversation] = [:]
    var personalCounts: [PolicyState.PersonDay: Int] = [:]

    init(policy: UsePolicy, directory: Directory, seed: UInt64) throws {
        self.policy = policy
        var merged = directory
        for person in policy.directory.people { merged.add(person) }
        self.directory = merged
        self.seed = seed
        var queries: [LexiconQuery] = []
        var ruleQuery: [Int?] = []
        for rule in policy.rules {
            ruleQuery.append(rule.query.map { _ in queries.count })
            if let query = rule.query { queries.append(query) }
        }
        personalQuery = policy.personalUse.map { _ in queries.count }
        if let personal = policy.personalUse { queries.append(personal.query) }
        self.ruleQuery = ruleQuery
        matcher = try LexiconMatcher(queries: queries, lexicons: policy.lexicons, disclaimers: policy.disclaimers)
    }

    func person(_ handle: Handle, platform: String) -> Person {
        if let person = directory.person(for: handle, platform: platform) {
            return Person(handle: handle.id, person: person.employeeID, memberships: person.memberships, isExternal: false)
        }
        var external = false
        if !policy.companyDomains.isEmpty, let domain = handle.domain {
            external = !policy.companyDomains.contains(where: { domain == $0 || domain.hasSuffix("." + $0) })
        }
        return Person(handle: handle.id, person: handle.id, memberships: [], isExternal: external)
    }

    mutating func evaluate(_ message: Message, conversationKind: ChatVaultCore.Conversation.Kind? = nil) -> [Alert] {
        let key = PolicyState.ConversationKey(platform: message.platform, id: message.conversation)
        var state = conversations[key] ?? Conversation()
        let sender = person(message.sender, platform: message.platform)
        state.add(sender)
        for recipient in message.recipients { state.add(person(recipient, platform: message.platform)) }
        defer { conversations[key] = state }
        var alerts: [Alert] = []
        func raise(_ rule: String, _ severity: Alert.Severity, _ action: Alert.Action, _ description: String, _ matches: [Alert.Match] = []) {
            alerts.append(
                Alert(
                    rule: rule, severity: severity, action: action, description: description, message: message.dedupKey,
                    participants: state.order, matches: matches, policyVersion: policy.version, raisedAt: message.sentAt))
        }
        if message.kind == .message || message.kind == .edit {
            let kind = conversationKind ?? (message.recipients.count == 1 ? .direct : .group)
            let held = Dictionary(uniqueKeysWithValues: matcher.evaluate(message.text).map { ($0.query, $0.matches) })
            let local = policy.hours.local(message.sentAt)
            for (index, rule) in policy.rules.enumerated() {
                var matches: [Alert.Match] = []
                if let query = ruleQuery[index] {
                    guard let found = held[query] else { continue }
                    matches = found
                }
                guard satisfies(rule.conditions, message, kind: kind, sender: sender, state: state, local: local) else { continue }
                raise(rule.name, rule.severity, rule.action, rule.description, matches)
            }
            if let personal = policy.personalUse, let query = personalQuery, let matches = held[query] {
                let day = PolicyState.PersonDay(person: sender.person, day: local.day)
                personalCounts[day, default: 0] += 1
                if personalCounts[day] == personal.dailyAllowance + 1 {
                    raise(
                        UsePolicy.personalUseRule, personal.severity, .flag, "more than \(personal.dailyAllowance) personal messages on \(local.day)",
                        matches)
                }
            }
        }
        let members = state.order.compactMap { state.participants[$0] }
        for wall in policy.walls where !state.breachedWalls.contains(wall.name) {
            if wall.isBreached(by: members.map { (person: $0.person, groups: $0.memberships) }) {
                state.breachedWalls.insert(wall.name)
                raise(UsePolicy.wallRulePrefix + wall.name, wall.severity, .flag, wall.description)
            }
        }
        let internalGroups = members.filter { !$0.isExternal }.reduce(into: Set<String>()) { $0.formUnion($1.memberships) }
        let lists = internalGroups.compactMap { policy.approvedContacts[$0] }
        if !lists.isEmpty {
            for member in members where member.isExternal && !state.alertedContacts.contains(member.handle) {
                let handle = member.handle.lowercased()
                let approved = lists.contains { list in
                    list.contains { $0.hasPrefix("*") ? handle.hasSuffix($0.dropFirst()) : handle == $0 }
                }
                if !approved {
                    state.alertedContacts.insert(member.handle)
                    raise(
                        UsePolicy.contactRule, .medium, .flag,
                        "external contact \(member.handle) is not approved for \(internalGroups.sorted().joined(separator: ", "))")
                }
            }
        }
        if let sampling = policy.sampling, !state.sampled {
            state.sampled = true
            if sampling.draws(conversation: key.description, groups: internalGroups, seed: seed) {
                raise(UsePolicy.samplingRule, .low, .flag, "conversation drawn for random review")
            }
        }
        return alerts
    }

    func satisfies(
        _ c: RuleConditions, _ message: Message, kind: ChatVaultCore.Conversation.Kind, sender: Person, state: Conversation,
        local: (weekday: Int, minute: Int, day: String)
    ) -> Bool {
        let everyone = Array(state.participants.values)
        if !c.platforms.isEmpty, !c.platforms.contains(message.platform.lowercased()) { return false }
        if !c.conversationKinds.isEmpty, !c.conversationKinds.contains(kind) { return false }
        if !c.senderGroups.isEmpty, c.senderGroups.isDisjoint(with: sender.memberships) { return false }
        if !c.recipientGroups.isEmpty,
            !everyone.contains(where: { $0.handle != sender.handle && !c.recipientGroups.isDisjoint(with: $0.memberships) })
        {
            return false
        }
        if let external = c.external, everyone.contains(where: \.isExternal) != external { return false }
        if let senderExternal = c.senderExternal, sender.isExternal != senderExternal { return false }
        let length = message.text.unicodeScalars.count
        if let min = c.minLength, length < min { return false }
        if let max = c.maxLength, length > max { return false }
        if !c.attachmentTypes.isEmpty {
            let found = message.attachments.contains { attachment in
                let name = attachment.name.lowercased()
                let media = (attachment.mediaType ?? "").lowercased()
                return c.attachmentTypes.contains { type in
                    if type.contains("/") { return type.hasSuffix("/*") ? media.hasPrefix(type.dropLast()) : media == type }
                    return name.hasSuffix(type.hasPrefix(".") ? type : "." + type)
                }
            }
            if !found { return false }
        }
        if let afterHours = c.afterHours {
            let outside = !policy.hours.days.contains(local.weekday) || !policy.hours.window.contains(minuteOfDay: local.minute)
            if outside != afterHours { return false }
        }
        if !c.weekdays.isEmpty, !c.weekdays.contains(local.weekday) { return false }
        if let window = c.timeWindow, !window.contains(minuteOfDay: local.minute) { return false }
        return true
    }

    /// What the reference remembers, in ``PolicyState``'s shape.
    var state: PolicyState {
        var state = PolicyState(personalCounts: personalCounts)
        for (key, conversation) in conversations {
            state.conversations[key] = PolicyState.Conversation(
                participants: conversation.order.map { Handle(id: $0) }, breachedWalls: conversation.breachedWalls,
                alertedContacts: conversation.alertedContacts, sampled: conversation.sampled ? true : nil)
        }
        return state
    }
}
