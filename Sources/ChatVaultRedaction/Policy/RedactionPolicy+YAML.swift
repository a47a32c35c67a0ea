import Yams

extension RedactionPolicy {
    /// The top-level keys of the redaction part of a policy file.
    public static let redactionKeys: Set<String> = [
        "version", "cue_window", "recognizers", "keywords", "allow", "overrides", "portions", "attachments", "redact_known_people",
    ]

    /// The top-level keys of the IM-use part of the same file (rules, lexicons, walls…), which
    /// this loader skips: one policy file per vault holds both parts.
    public static let useKeys: Set<String> = [
        "lexicons", "rules", "walls", "disclaimers", "approved_contacts", "personal_use", "sampling", "hours", "time_zone",
        "company_domains", "directory",
    ]

    /// Reads a policy file. Recognizers the file does not mention keep their defaults.
    /// - Parameter source: the file name used in errors, `policy.yaml:12: reason`.
    /// - Throws: ``PolicyError`` naming the line of the first problem.
    public static func load(yaml: String, source: String) throws -> RedactionPolicy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw PolicyYAMLReader.policyError(from: error, yaml: yaml, source: source)
        }
        var policy = RedactionPolicy.default
        guard let root else { return policy }
        let reader = PolicyYAMLReader(source: source)
        let mapping = try reader.mapping(root, what: "the policy")
        for (key, value) in mapping {
            let name = try reader.string(key, what: "a key")
            switch name {
            case "version":
                guard value.int == 1 else { throw reader.error(value, "unsupported policy version '\(value.string ?? "")'; expected 1") }
            case "cue_window":
                guard let window = value.int, (0...10).contains(window) else {
                    throw reader.error(value, "cue_window must be a whole number from 0 to 10")
                }
                policy.cueWindow = window
            case "recognizers":
                for (typeNode, settingNode) in try reader.mapping(value, what: "recognizers") {
                    let type = try reader.piiType(typeNode)
                    let change = try reader.change(settingNode, what: "recognizer '\(type.key)'")
                    policy.recognizers[type] = change.applied(to: policy.recognizers[type]!)
                }
            case "keywords":
                policy.keywordLists = try reader.sequence(value, what: "keywords").map(reader.keywordList)
                var seen: Set<String> = []
                for (index, list) in policy.keywordLists.enumerated() where !seen.insert(list.id).inserted {
                    throw reader.error(try reader.sequence(value, what: "keywords")[index], "keyword list id '\(list.id)' is used twice")
                }
            case "allow":
                policy.allow = try reader.sequence(value, what: "allow").map { try reader.string($0, what: "an allowed value") }
            case "overrides":
                policy.overrides = try reader.sequence(value, what: "overrides").map(reader.override)
            case "portions":
                policy.portions = try reader.portionRules(value)
            case "attachments":
                policy.unreadableAttachments = try reader.unreadableAttachments(value)
            case "redact_known_people":
                guard let flag = value.bool else { throw reader.error(value, "redact_known_people must be true or false") }
                policy.redactKnownPeople = flag
            case _ where Self.useKeys.contains(name):
                continue  // the IM-use part of the same file (ChatVaultPolicy reads it)
            default:
                let expected = "version, cue_window, recognizers, keywords, allow, overrides, portions, attachments or redact_known_people"
                throw reader.error(key, "unknown key '\(name)'; expected \(expected)")
            }
        }
        let listIDs = Set(policy.keywordLists.map(\.id))
        for (index, override) in policy.overrides.enumerated() {
            for id in override.keywordLists.keys where !listIDs.contains(id) {
                let node = mapping["overrides"]?.sequence?[index]
                throw reader.error(node, "override names keyword list '\(id)', which the policy does not define")
            }
        }
        return policy
    }
}
