package import Yams

/// Turns YAML nodes into policy values, with the line of the node in every error.
package struct PolicyYAMLReader {
    package var source: String

    package init(source: String) {
        self.source = source
    }

    package func error(_ node: Node?, _ reason: String) -> PolicyError {
        PolicyError(source: source, line: node?.mark?.line, reason: reason)
    }

    package static func policyError(from error: YamlError, yaml: String, source: String) -> PolicyError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return PolicyError(source: source, line: mark.line, reason: "not valid YAML: \(problem)")
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in yaml.utf8.prefix(offset).filter { $0 == 0x0A }.count + 1 }
            return PolicyError(source: source, line: line, reason: "cannot read the file: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PolicyError(source: source, line: context.mark.line, reason: "duplicate key \(duplicates.joined(separator: ", "))")
        default:
            return PolicyError(source: source, line: nil, reason: "not valid YAML: \(error)")
        }
    }

    package func mapping(_ node: Node, what: String) throws -> Node.Mapping {
        guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping of keys to values") }
        return mapping
    }

    package func sequence(_ node: Node, what: String) throws -> [Node] {
        guard let sequence = node.sequence else { throw error(node, "\(what) must be a list") }
        return Array(sequence)
    }

    package func string(_ node: Node, what: String) throws -> String {
        guard let scalar = node.scalar else { throw error(node, "\(what) must be a single value") }
        return scalar.string
    }

    package func bool(_ node: Node) -> Bool? {
        guard let text = node.scalar?.string.lowercased() else { return nil }
        switch text {
        case "true", "yes", "on", "enabled": return true
        case "false", "no", "off", "disabled": return false
        default: return nil
        }
    }

    func piiType(_ node: Node) throws -> PIIType {
        let name = try string(node, what: "a recognizer name")
        guard let type = PIIType(key: name) else {
            throw error(node, "unknown recognizer '\(name)'; expected one of \(PIIType.allCases.map(\.key).joined(separator: ", "))")
        }
        return type
    }

    /// `off`, `hash`, or `{ enabled: true, operator: mask, keep: 4, label: "…" }`.
    func change(_ node: Node, what: String) throws -> PolicyOverride.Change {
        if let enabled = bool(node) { return PolicyOverride.Change(enabled: enabled) }
        if node.scalar != nil {
            return PolicyOverride.Change(operator: try `operator`(named: node, keep: nil, label: nil))
        }
        return try change(fields: Array(try mapping(node, what: what)), what: what)
    }

    func change(fields: [(Node, Node)], what: String) throws -> PolicyOverride.Change {
        var change = PolicyOverride.Change()
        var keep: Node?
        var label: Node?
        var operatorNode: Node?
        for (key, value) in fields {
            switch try string(key, what: "a key") {
            case "enabled":
                guard let enabled = bool(value) else { throw error(value, "enabled must be true or false") }
                change.enabled = enabled
            case "operator": operatorNode = value
            case "keep": keep = value
            case "label": label = value
            default: throw error(key, "unknown key '\(key.string ?? "")' in \(what); expected enabled, operator, keep or label")
            }
        }
        if let operatorNode {
            change.operator = try `operator`(named: operatorNode, keep: keep, label: label)
        } else if let stray = keep ?? label {
            throw error(stray, "'\(stray == keep ? "keep" : "label")' needs an operator in \(what)")
        }
        return change
    }

    func `operator`(named node: Node, keep: Node?, label: Node?) throws -> RedactionOperator {
        let name = try string(node, what: "an operator").lowercased()
        if name != "mask", let keep { throw error(keep, "'keep' only applies to the mask operator") }
        if name != "replace", let label { throw error(label, "'label' only applies to the replace operator") }
        switch name {
        case "replace": return .replace(label: try label.map { try string($0, what: "a label") })
        case "hash": return .hash
        case "drop": return .drop
        case "mask":
            guard let keep else { return .mask(keep: 4) }
            guard let count = keep.int, (0...8).contains(count) else { throw error(keep, "keep must be a whole number from 0 to 8") }
            return .mask(keep: count)
        default:
            throw error(node, "unknown operator '\(name)'; expected replace, mask, hash or drop")
        }
    }

    func keywordList(_ node: Node) throws -> KeywordList {
        let fields = try mapping(node, what: "a keyword list")
        var id: String?
        var type = "KEYWORD"
        var phrases: [String] = []
        var setting = RecognizerSetting(operator: .replace())
        var settingFields: [(Node, Node)] = []
        for (key, value) in fields {
            switch try string(key, what: "a key") {
            case "id": id = try string(value, what: "id")
            case "type": type = try string(value, what: "type").uppercased()
            case "phrases":
                phrases = try sequence(value, what: "phrases").map { item in
                    let phrase = try string(item, what: "a phrase")
                    guard KeywordPattern(phrase) != nil else { throw error(item, "phrase '\(phrase)' has no letters or digits") }
                    return phrase
                }
            case "enabled", "operator", "keep", "label": settingFields.append((key, value))
            default:
                throw error(key, "unknown key '\(key.string ?? "")' in a keyword list; expected id, type, phrases, enabled, operator, keep or label")
            }
        }
        guard let id, !id.isEmpty else { throw error(node, "a keyword list needs an id") }
        if !settingFields.isEmpty {
            let change = try self.change(fields: settingFields, what: "keyword list '\(id)'")
            setting = change.applied(to: setting)
        }
        var list = KeywordList(id: id, type: type, phrases: phrases)
        list.setting = setting
        return list
    }

    func override(_ node: Node) throws -> PolicyOverride {
        let fields = try mapping(node, what: "an override")
        var result = PolicyOverride()
        for (key, value) in fields {
            switch try string(key, what: "a key") {
            case "platform": result.platform = try string(value, what: "platform")
            case "conversation": result.conversation = try string(value, what: "conversation")
            case "recognizers":
                for (typeNode, changeNode) in try mapping(value, what: "recognizers") {
                    let type = try piiType(typeNode)
                    result.recognizers[type] = try change(changeNode, what: "recognizer '\(type.key)'")
                }
            case "keywords":
                for (idNode, changeNode) in try mapping(value, what: "keywords") {
                    let id = try string(idNode, what: "a keyword list id")
                    result.keywordLists[id] = try change(changeNode, what: "keyword list '\(id)'")
                }
            default: throw error(key, "unknown key '\(key.string ?? "")' in an override; expected platform, conversation, recognizers or keywords")
            }
        }
        guard result.platform != nil || result.conversation != nil else {
            throw error(node, "an override needs a platform, a conversation, or both")
        }
        return result
    }
}
