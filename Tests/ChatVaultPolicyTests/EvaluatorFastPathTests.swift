import ChatVaultCore
import Foundation
import Testing

@testable import ChatVaultPolicy

/// The fast evaluator raises exactly what the plain reading of the policy raises
/// (``ReferenceEvaluator``) on generated policies and conversations, and its clock tells
/// the same local time as `Calendar`.
struct EvaluatorFastPathTests {
    /// A small seeded generator (SplitMix64), so a failing case can be replayed from its seed.
    struct Random {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
        mutating func some<T>(_ items: [T], upTo count: Int) -> [T] { (0..<below(count + 1)).map { _ in pick(items) } }
    }

    static let words = [
        "buy", "sell", "guaranteed", "return", "profit", "lunch", "holiday", "call", "me", "text", "the", "report", "numbers", "wire", "transfer",
        "ok",
    ]
    static let groupNames = ["research", "trading", "wealth", "sales", "legal"]
    static let zones = ["America/New_York", "Europe/London", "UTC", "Asia/Kolkata", "Australia/Lord_Howe", "America/Caracas", "Europe/Moscow"]
    static let handles = [
        "u0", "u1", "u2", "u3", "u4", "u5", "U6", "rita@bank.example", "x@client.example", "Y@Partner.example", "w@other.example",
        "v@sub.bank.example",
    ]

    static func query(_ random: inout Random, depth: Int = 0) -> String {
        let term = { (random: inout Random) -> String in
            let word = random.pick(words)
            switch random.below(5) {
            case 0: return "\"\(word) \(random.pick(words))\""
            case 1: return String(word.prefix(3)) + "*"
            case 2: return "@list\(random.below(2))"
            default: return word
            }
        }
        guard depth < 2, random.chance(60) else { return term(&random) }
        let a = query(&random, depth: depth + 1)
        let b = query(&random, depth: depth + 1)
        switch random.below(5) {
        case 0: return "(\(a)) AND (\(b))"
        case 1: return "(\(a)) OR (\(b))"
        case 2: return "(\(a)) AND NOT (\(b))"
        case 3: return "\(term(&random)) NEAR/\(random.below(4)) \(term(&random))"
        default: return "\(term(&random)) ONEAR/\(random.below(4)) \(term(&random))"
        }
    }

    static func conditions(_ random: inout Random) -> RuleConditions {
        var c = RuleConditions()
        if random.chance(25) { c.senderGroups = Set(random.some(groupNames, upTo: 2)) }
        if random.chance(25) { c.recipientGroups = Set(random.some(groupNames, upTo: 2)) }
        if random.chance(20) { c.external = random.chance(50) }
        if random.chance(15) { c.senderExternal = random.chance(50) }
        if random.chance(15) { c.platforms = [random.pick(["slack", "teams"])] }
        if random.chance(15) { c.conversationKinds = [random.pick(Conversation.Kind.allCases)] }
        if random.chance(25) { c.afterHours = random.chance(50) }
        if random.chance(10) { c.weekdays = Set(random.some(Array(1...7), upTo: 3)) }
        if random.chance(10) { c.timeWindow = TimeWindow(from: random.below(1440), to: random.below(1440)) }
        if random.chance(10) { c.minLength = random.below(30) }
        if random.chance(10) { c.maxLength = random.below(60) }
        if random.chance(5) { c.attachmentTypes = ["pdf"] }
        return c
    }

    static func policy(_ random: inout Random) throws -> (UsePolicy, Directory) {
        var policy = UsePolicy()
        policy.version = "v\(random.next())"
        policy.lexicons = [
            "list0": [.term(.init(text: "guaranteed")), .term(.init(text: "risk free")), .term(.init(text: "prof", isPrefix: true))],
            "list1": [.term(.init(text: "text me")), .term(.init(text: "lunch"))],
        ]
        policy.rules = try (0..<random.below(8)).map { index in
            var conditions = conditions(&random)
            let query = random.chance(80) || conditions.isEmpty ? try LexiconQuery.parse(query(&random)) : nil
            if query == nil && conditions.isEmpty { conditions.minLength = 0 }
            return Rule(
                name: "r\(index)", description: "rule \(index)", severity: random.pick(Alert.Severity.allCases),
                action: random.pick(Alert.Action.allCases), query: query, conditions: conditions)
        }
        policy.walls = (0..<random.below(3)).map { index in
            let first = random.pick(groupNames)
            let second = random.pick(groupNames.filter { $0 != first })
            return EthicalWall(name: random.chance(20) ? "w" : "w\(index)", between: first, and: second)
        }
        if random.chance(60) {
            policy.approvedContacts = [random.pick(groupNames): random.some(["*@client.example", "y@partner.example", "*@other.example"], upTo: 2)]
        }
        if random.chance(60) { policy.personalUse = PersonalUse(query: try LexiconQuery.parse(query(&random)), dailyAllowance: random.below(3)) }
        if random.chance(60) { policy.sampling = Sampling(rate: 0.3, groupRates: random.chance(50) ? ["trading": 0.9] : [:]) }
        if random.chance(70) { policy.companyDomains = ["bank.example"] }
        if random.chance(30) { policy.disclaimers = ["guaranteed return not promised"] }
        policy.hours = BusinessHours(
            timeZone: TimeZone(identifier: random.pick(zones))!, days: [2, 3, 4, 5, 6], window: TimeWindow(from: 480, to: 1080))
        let people = (0..<6).map { index in
            DirectoryPerson(
                employeeID: "E\(index % 5)", name: "P\(index)", emails: index == 0 ? ["rita@bank.example"] : [],
                handles: ["slack": ["u\(index)"], "Teams": ["u\(index)"]], department: random.chance(70) ? random.pick(groupNames) : nil,
                groups: random.some(groupNames, upTo: 2).map { random.chance(20) ? $0.uppercased() : $0 })
        }
        return (policy, Directory(people: people))
    }

    static func message(_ random: inout Random, index: Int, clock: inout Int64) -> (Message, Conversation.Kind?) {
        let sender = random.pick(handles)
        let recipients = random.chance(40) ? random.some(handles, upTo: 3).map { Handle(id: $0) } : []
        var text = (0..<random.below(12)).map { _ in random.chance(10) ? random.pick(words).uppercased() : random.pick(words) }.joined(separator: " ")
        if random.chance(10) { text += " gu\u{200B}aranteed caf\u{E9} \u{0430}" }
        if random.chance(10) { clock = Int64(1_356_998_400 + random.below(440_000_000)) * 1_000_000 }
        clock += Int64(random.below(7_200_000_000))
        if random.chance(5) { clock += 59_999_500 - clock % 60_000_000 }
        let kinds: [Message.Kind] = [.message, .message, .message, .edit, .reaction, .join]
        let message = Message(
            platform: random.pick(["slack", "Teams"]), conversation: "c\(random.below(4))", sourceID: "\(index)", kind: random.pick(kinds),
            sender: Handle(id: sender), recipients: recipients, sentAt: Timestamp(microseconds: clock), text: text,
            attachments: random.chance(5) ? [Attachment(name: "a.PDF")] : [])
        return (message, random.chance(30) ? random.pick(Conversation.Kind.allCases) : nil)
    }

    @Test func fastEvaluatorRaisesWhatTheReferenceRaises() throws {
        var raised: Set<String> = []
        defer {
            // The generated cases reach every kind of alert, not just rule hits.
            for kind in ["r0", "wall.w0", UsePolicy.contactRule, UsePolicy.personalUseRule, UsePolicy.samplingRule] {
                #expect(raised.contains(kind), "no \(kind) alert generated")
            }
        }
        for seed in 0..<400 as Range<UInt64> {
            var random = Random(state: seed)
            let (policy, directory) = try Self.policy(&random)
            var fast = try PolicyEvaluator(policy: policy, directory: directory, seed: seed)
            var reference = try ReferenceEvaluator(policy: policy, directory: directory, seed: seed)
            fast.recordChanges()
            var clock = Int64(1_700_000_000) * 1_000_000
            for index in 0..<60 {
                if random.chance(5) {
                    // As a pipeline does between batches: forget, then restore what is needed.
                    let saved = fast.state
                    fast.forget()
                    fast.restore(saved)
                }
                let (message, kind) = Self.message(&random, index: index, clock: &clock)
                let expected = reference.evaluate(message, conversationKind: kind)
                let alerts = fast.evaluate(message, conversationKind: kind)
                _ = fast.takeChanges()
                raised.formUnion(alerts.map(\.rule))
                #expect(alerts == expected, "seed \(seed), message \(index)")
                if alerts != expected { return }
            }
            #expect(fast.state == reference.state, "seed \(seed)")
        }
    }

    @Test func undoneMessagesLeaveTheStateAsBefore() throws {
        for seed in 0..<200 as Range<UInt64> {
            var random = Random(state: seed)
            let (policy, directory) = try Self.policy(&random)
            var fast = try PolicyEvaluator(policy: policy, directory: directory, seed: seed)
            var reference = try ReferenceEvaluator(policy: policy, directory: directory, seed: seed)
            fast.recordChanges()
            var clock = Int64(1_700_000_000) * 1_000_000
            for index in 0..<60 {
                let (message, kind) = Self.message(&random, index: index, clock: &clock)
                if random.chance(20) {
                    // A duplicate: evaluated, then undone; the reference never sees it.
                    _ = fast.evaluate(message, conversationKind: kind)
                    fast.undo(fast.takeChanges())
                    var other = message
                    other.sourceID += "-dup"
                    reference.remember(other)
                    continue
                }
                let expected = reference.evaluate(message, conversationKind: kind)
                let alerts = fast.evaluate(message, conversationKind: kind)
                _ = fast.takeChanges()
                #expect(alerts == expected, "seed \(seed), message \(index)")
                if alerts != expected { return }
            }
        }
    }

    @Test func clockTellsCalendarsLocalTime() {
        var random = Random(state: 7)
        for zone in Self.zones {
            let hours = BusinessHours(timeZone: TimeZone(identifier: zone)!)
            var clock = LocalClock(hours: hours)
            var times: [Int64] = (0..<3000).map { _ in Int64(random.below(7_000_000_000)) * 1_000_000 + Int64(random.below(1_000_000)) }
            // Around each transition of 2010–2025, and a run in time order across them.
            var date = Date(timeIntervalSince1970: 1_262_304_000)
            while let next = hours.timeZone.nextDaylightSavingTimeTransition(after: date), next.timeIntervalSince1970 < 1_767_225_600 {
                let seconds = Int64(next.timeIntervalSince1970)
                for delta: Int64 in [-3601, -61, -1, 0, 1, 59, 3600] { times.append((seconds + delta) * 1_000_000) }
                date = next
            }
            times += (0..<2000).map { Int64(1_300_000_000 + $0 * 97_013) * 1_000_000 }
            for micros in times {
                let time = Timestamp(microseconds: micros)
                let fast = clock.local(time)
                let slow = hours.local(time)
                #expect(fast.weekday == slow.weekday && fast.minute == slow.minute && fast.day == slow.day, "\(zone) \(micros)")
            }
        }
    }
}

extension ReferenceEvaluator {
    /// Adds a message's people to its conversation without evaluating it (what an undone
    /// duplicate leaves behind: its participants joined).
    mutating func remember(_ message: Message) {
        let key = PolicyState.ConversationKey(platform: message.platform, id: message.conversation)
        var state = conversations[key] ?? Conversation()
        state.add(person(message.sender, platform: message.platform))
        for recipient in message.recipients { state.add(person(recipient, platform: message.platform)) }
        conversations[key] = state
    }
}
