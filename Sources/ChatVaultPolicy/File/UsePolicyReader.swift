import ChatVaultCore
import ChatVaultRedaction
import Foundation
import Yams

/// Turns the YAML nodes of the IM-use keys into values, each error naming its line.
struct UsePolicyReader {
    let reader: PolicyYAMLReader

    func query(_ node: Node) throws -> LexiconQuery {
        let text = try reader.string(node, what: "a query")
        do {
            return try LexiconQuery.parse(text)
        } catch {
            throw reader.error(node, "query '\(text)': \(error.description)")
        }
    }

    /// A lexicon entry is a word, a phrase or a prefix (`guarant*`), taken literally.
    func lexiconEntry(_ node: Node) throws -> LexiconQuery {
        var text = try reader.string(node, what: "a lexicon entry")
        let isPrefix = text.hasSuffix("*")
        if isPrefix { text.removeLast() }
        guard !WordFolding.words(text).isEmpty else { throw reader.error(node, "lexicon entry '\(text)' has no letters or digits") }
        return .term(.init(text: text, isPrefix: isPrefix))
    }

    func severity(_ node: Node) throws -> Alert.Severity {
        let text = try reader.string(node, what: "severity").lowercased()
        guard let severity = Alert.Severity(rawValue: text) else {
            throw reader.error(node, "unknown severity '\(text)'; expected low, medium, high or critical")
        }
        return severity
    }

    func strings(_ node: Node, what: String) throws -> [String] {
        if node.scalar != nil { return [try reader.string(node, what: what)] }
        return try reader.sequence(node, what: what).map { try reader.string($0, what: what) }
    }

    func rule(_ node: Node, hours: inout BusinessHours) throws -> (Rule, Node?) {
        var rule = Rule(name: "", line: node.mark?.line)
        var queryNode: Node?
        var tipNode: Node?
        var hasWhen = false
        for (key, value) in try reader.mapping(node, what: "a rule") {
            switch try reader.string(key, what: "a key") {
            case "name": rule.name = try reader.string(value, what: "name")
            case "description": rule.description = try reader.string(value, what: "description")
            case "severity": rule.severity = try severity(value)
            case "action":
                let text = try reader.string(value, what: "action").lowercased()
                guard let action = Alert.Action(rawValue: text) else {
                    throw reader.error(value, "unknown action '\(text)'; expected flag, warn, redact or block")
                }
                rule.action = action
            case "tip":
                let text = try reader.string(value, what: "tip").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { throw reader.error(value, "tip is empty; leave it out for the default tip") }
                guard text.count <= Rule.maxTipLength else {
                    throw reader.error(value, "tip has \(text.count) characters; the limit is \(Rule.maxTipLength)")
                }
                guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" }) else {
                    throw reader.error(value, "tip contains a control character")
                }
                rule.tip = text
                tipNode = value
            case "match":
                rule.query = try query(value)
                queryNode = value
            case "when":
                rule.conditions = try conditions(value)
                hasWhen = true
            default:
                throw reader.error(
                    key, "unknown key '\(key.string ?? "")' in a rule; expected name, description, severity, action, tip, match or when")
            }
        }
        guard !rule.name.isEmpty else { throw reader.error(node, "a rule needs a name") }
        guard rule.query != nil || (hasWhen && !rule.conditions.isEmpty) else {
            throw reader.error(node, "rule '\(rule.name)' needs a match query, a when condition, or both")
        }
        if rule.action == .redact && rule.query == nil {
            throw reader.error(node, "rule '\(rule.name)': action redact needs a match query (the words to mask)")
        }
        if let tipNode, rule.action == .flag {
            throw reader.error(tipNode, "rule '\(rule.name)': a tip is shown to the sender only for action warn, redact or block, not flag")
        }
        return (rule, queryNode)
    }

    func conditions(_ node: Node) throws -> RuleConditions {
        var c = RuleConditions()
        for (key, value) in try reader.mapping(node, what: "when") {
            let name = try reader.string(key, what: "a key")
            func flag() throws -> Bool {
                guard let b = reader.bool(value) else { throw reader.error(value, "\(name) must be true or false") }
                return b
            }
            func count() throws -> Int {
                guard let n = value.int, n >= 0 else { throw reader.error(value, "\(name) must be a whole number") }
                return n
            }
            switch name {
            case "sender_group": c.senderGroups = Set(try strings(value, what: name).map { $0.lowercased() })
            case "recipient_group": c.recipientGroups = Set(try strings(value, what: name).map { $0.lowercased() })
            case "external": c.external = try flag()
            case "sender_external": c.senderExternal = try flag()
            case "platform": c.platforms = Set(try strings(value, what: name).map { $0.lowercased() })
            case "conversation":
                c.conversationKinds = Set(
                    try strings(value, what: name).map { text in
                        guard let kind = Conversation.Kind(rawValue: text.lowercased()) else {
                            throw reader.error(value, "unknown conversation kind '\(text)'; expected direct, group or channel")
                        }
                        return kind
                    })
            case "after_hours": c.afterHours = try flag()
            case "days":
                c.weekdays = Set(
                    try strings(value, what: name).map { text in
                        guard let day = BusinessHours.dayNames[String(text.lowercased().prefix(3))] else {
                            throw reader.error(value, "unknown day '\(text)'; expected mon, tue, wed, thu, fri, sat or sun")
                        }
                        return day
                    })
            case "time":
                let text = try reader.string(value, what: name)
                guard let window = TimeWindow(text) else { throw reader.error(value, "time must be written HH:MM-HH:MM, found '\(text)'") }
                c.timeWindow = window
            case "min_length": c.minLength = try count()
            case "max_length": c.maxLength = try count()
            case "attachment": c.attachmentTypes = try strings(value, what: name).map { $0.lowercased() }
            default:
                throw reader.error(
                    key,
                    "unknown condition '\(name)'; expected sender_group, recipient_group, external, sender_external, platform, conversation, after_hours, days, time, min_length, max_length or attachment"
                )
            }
        }
        return c
    }

    func hours(_ node: Node, into hours: inout BusinessHours) throws {
        for (key, value) in try reader.mapping(node, what: "hours") {
            switch try reader.string(key, what: "a key") {
            case "days":
                hours.days = Set(
                    try strings(value, what: "days").map { text in
                        guard let day = BusinessHours.dayNames[String(text.lowercased().prefix(3))] else {
                            throw reader.error(value, "unknown day '\(text)'")
                        }
                        return day
                    })
            case "time":
                let text = try reader.string(value, what: "time")
                guard let window = TimeWindow(text) else { throw reader.error(value, "time must be written HH:MM-HH:MM, found '\(text)'") }
                hours.window = window
            default: throw reader.error(key, "unknown key '\(key.string ?? "")' in hours; expected days or time")
            }
        }
    }

    func wall(_ node: Node) throws -> EthicalWall {
        var name: String?
        var sides: [String] = []
        var severity = Alert.Severity.critical
        var description = ""
        for (key, value) in try reader.mapping(node, what: "a wall") {
            switch try reader.string(key, what: "a key") {
            case "name": name = try reader.string(value, what: "name")
            case "between":
                sides = try strings(value, what: "between")
                guard sides.count == 2, sides[0].lowercased() != sides[1].lowercased() else {
                    throw reader.error(value, "between must name two different groups")
                }
            case "severity": severity = try self.severity(value)
            case "description": description = try reader.string(value, what: "description")
            default: throw reader.error(key, "unknown key '\(key.string ?? "")' in a wall; expected name, between, severity or description")
            }
        }
        guard sides.count == 2 else { throw reader.error(node, "a wall needs between: [group, group]") }
        let wallName = name ?? "\(sides[0])-\(sides[1])"
        return EthicalWall(name: wallName, between: sides[0], and: sides[1], severity: severity, description: description)
    }

    func personalUse(_ node: Node) throws -> (PersonalUse, Node) {
        var queryNode: Node?
        var query: LexiconQuery?
        var allowance = 0
        var severity = Alert.Severity.low
        for (key, value) in try reader.mapping(node, what: "personal_use") {
            switch try reader.string(key, what: "a key") {
            case "match":
                query = try self.query(value)
                queryNode = value
            case "daily_allowance":
                guard let n = value.int, n >= 0 else { throw reader.error(value, "daily_allowance must be a whole number") }
                allowance = n
            case "severity": severity = try self.severity(value)
            default: throw reader.error(key, "unknown key '\(key.string ?? "")' in personal_use; expected match, daily_allowance or severity")
            }
        }
        guard let query, let queryNode else { throw reader.error(node, "personal_use needs a match query") }
        return (PersonalUse(query: query, dailyAllowance: allowance, severity: severity), queryNode)
    }

    func sampling(_ node: Node) throws -> Sampling {
        var sampling = Sampling()
        func share(_ value: Node) throws -> Double {
            guard let d = value.float, d >= 0, d <= 1 else { throw reader.error(value, "a sampling share must be a number from 0 to 1") }
            return d
        }
        for (key, value) in try reader.mapping(node, what: "sampling") {
            switch try reader.string(key, what: "a key") {
            case "rate": sampling.rate = try share(value)
            case "groups":
                for (group, rate) in try reader.mapping(value, what: "sampling groups") {
                    sampling.groupRates[try reader.string(group, what: "a group").lowercased()] = try share(rate)
                }
            default: throw reader.error(key, "unknown key '\(key.string ?? "")' in sampling; expected rate or groups")
            }
        }
        return sampling
    }

    func directory(_ node: Node) throws -> Directory {
        var directory = Directory()
        for item in try reader.sequence(node, what: "directory") {
            var person = DirectoryPerson(employeeID: "", name: "")
            for (key, value) in try reader.mapping(item, what: "a person") {
                switch try reader.string(key, what: "a key") {
                case "employee_id": person.employeeID = try reader.string(value, what: "employee_id")
                case "name": person.name = try reader.string(value, what: "name")
                case "emails": person.emails = try strings(value, what: "emails")
                case "department": person.department = try reader.string(value, what: "department")
                case "groups": person.groups = try strings(value, what: "groups")
                case "handles":
                    for (platform, ids) in try reader.mapping(value, what: "handles") {
                        person.handles[try reader.string(platform, what: "a platform")] = try strings(ids, what: "handles")
                    }
                default:
                    throw reader.error(
                        key, "unknown key '\(key.string ?? "")' in a person; expected employee_id, name, emails, handles, department or groups")
                }
            }
            guard !person.employeeID.isEmpty else { throw reader.error(item, "a person needs an employee_id") }
            directory.add(person)
        }
        return directory
    }
}
