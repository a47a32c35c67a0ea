import Yams

extension PolicyYAMLReader {
    /// `portions:` — a list of rules, each
    /// `{ id, start: [markers], phrases: [..], end: [markers], end_phrases: [..], max_messages, max_minutes }`.
    func portionRules(_ node: Node) throws -> [PortionRule] {
        var rules: [PortionRule] = []
        for item in try sequence(node, what: "portions") {
            let rule = try portionRule(item)
            if rules.contains(where: { $0.id == rule.id }) { throw error(item, "portion id '\(rule.id)' is used twice") }
            rules.append(rule)
        }
        return rules
    }

    private func portionRule(_ node: Node) throws -> PortionRule {
        let fields = try mapping(node, what: "a portion")
        var rule = PortionRule(id: "")
        var minutes: Int?
        var seconds: Int?
        for (key, value) in fields {
            switch try string(key, what: "a key") {
            case "id": rule.id = try string(value, what: "id")
            case "start": rule.startMarkers = try markers(value, what: "start")
            case "end": rule.endMarkers = try markers(value, what: "end")
            case "phrases": rule.startPhrases = try phrases(value, what: "phrases")
            case "end_phrases": rule.endPhrases = try phrases(value, what: "end_phrases")
            case "max_messages":
                guard let count = value.int, (1...1000).contains(count) else {
                    throw error(value, "max_messages must be a whole number from 1 to 1000")
                }
                rule.maxMessages = count
            case "max_minutes":
                guard let count = value.int, (1...1440).contains(count) else {
                    throw error(value, "max_minutes must be a whole number from 1 to 1440")
                }
                minutes = count
            case "max_seconds":
                guard let count = value.int, (1...86_400).contains(count) else {
                    throw error(value, "max_seconds must be a whole number from 1 to 86400")
                }
                seconds = count
            default:
                throw error(
                    key,
                    "unknown key '\(key.string ?? "")' in a portion; expected id, start, phrases, end, end_phrases, max_messages, max_minutes or max_seconds"
                )
            }
        }
        guard !rule.id.isEmpty else { throw error(node, "a portion needs an id") }
        guard !rule.startMarkers.isEmpty || !rule.startPhrases.isEmpty else {
            throw error(node, "portion '\(rule.id)' needs a start marker or a phrase that opens it")
        }
        if minutes != nil, seconds != nil { throw error(node, "portion '\(rule.id)' gives both max_minutes and max_seconds; give one") }
        if let minutes { rule.maxSeconds = minutes * 60 }
        if let seconds { rule.maxSeconds = seconds }
        return rule
    }

    private func markers(_ node: Node, what: String) throws -> [String] {
        let items = node.scalar != nil ? [node] : try sequence(node, what: what)
        return try items.map { item in
            let marker = try string(item, what: "a marker")
            guard !PortionMatcher.folded(marker).isEmpty else { throw error(item, "a marker must not be empty") }
            return marker
        }
    }

    private func phrases(_ node: Node, what: String) throws -> [String] {
        let items = node.scalar != nil ? [node] : try sequence(node, what: what)
        return try items.map { item in
            let phrase = try string(item, what: "a phrase")
            guard KeywordPattern(phrase) != nil else { throw error(item, "phrase '\(phrase)' has no letters or digits") }
            return phrase
        }
    }

    /// `attachments: { unreadable: keep | metadata_only }`.
    func unreadableAttachments(_ node: Node) throws -> UnreadableAttachments {
        var result = UnreadableAttachments.keep
        for (key, value) in try mapping(node, what: "attachments") {
            switch try string(key, what: "a key") {
            case "unreadable":
                let name = try string(value, what: "unreadable")
                guard let setting = UnreadableAttachments(rawValue: name.lowercased()) else {
                    throw error(value, "unknown setting '\(name)' for unreadable attachments; expected keep or metadata_only")
                }
                result = setting
            default: throw error(key, "unknown key '\(key.string ?? "")' in attachments; expected unreadable")
            }
        }
        return result
    }
}
