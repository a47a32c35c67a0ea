public import ChatVaultRedaction
import Foundation
import Yams

extension UsePolicy {
    /// Reads the IM-use part of a policy file (the redaction keys are skipped).
    /// - Parameter source: the file name used in errors, `policy.yaml:12: reason`.
    /// - Throws: ``ChatVaultRedaction/PolicyError`` naming the line of the first problem.
    public static func load(yaml: String, source: String) throws -> UsePolicy {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw PolicyYAMLReader.policyError(from: error, yaml: yaml, source: source)
        }
        var policy = UsePolicy()
        policy.version = version(of: yaml)
        guard let root else { return policy }
        let reader = UsePolicyReader(reader: PolicyYAMLReader(source: source))
        let mapping = try reader.reader.mapping(root, what: "the policy")
        var queryNodes: [(Node, LexiconQuery)] = []
        for (key, value) in mapping {
            let name = try reader.reader.string(key, what: "a key")
            switch name {
            case _ where RedactionPolicy.redactionKeys.contains(name):
                continue  // the redaction part: RedactionPolicy reads it
            case "lexicons":
                for (nameNode, entries) in try reader.reader.mapping(value, what: "lexicons") {
                    let list = try reader.reader.string(nameNode, what: "a lexicon name")
                    policy.lexicons[list] = try reader.reader.sequence(entries, what: "lexicon '\(list)'").map(reader.lexiconEntry)
                }
            case "rules":
                for node in try reader.reader.sequence(value, what: "rules") {
                    let (rule, queryNode) = try reader.rule(node, hours: &policy.hours)
                    guard !policy.rules.contains(where: { $0.name == rule.name }) else {
                        throw reader.reader.error(node, "rule name '\(rule.name)' is used twice")
                    }
                    policy.rules.append(rule)
                    if let query = rule.query, let queryNode { queryNodes.append((queryNode, query)) }
                }
            case "walls":
                policy.walls = try reader.reader.sequence(value, what: "walls").map(reader.wall)
            case "disclaimers":
                policy.disclaimers = try reader.reader.sequence(value, what: "disclaimers").map { try reader.reader.string($0, what: "a disclaimer") }
            case "approved_contacts":
                for (groupNode, contacts) in try reader.reader.mapping(value, what: "approved_contacts") {
                    let group = try reader.reader.string(groupNode, what: "a group").lowercased()
                    policy.approvedContacts[group] = try reader.reader.sequence(contacts, what: "approved contacts of '\(group)'").map {
                        try reader.reader.string($0, what: "a contact").lowercased()
                    }
                }
            case "personal_use":
                let (personal, queryNode) = try reader.personalUse(value)
                policy.personalUse = personal
                queryNodes.append((queryNode, personal.query))
            case "sampling":
                policy.sampling = try reader.sampling(value)
            case "time_zone":
                let identifier = try reader.reader.string(value, what: "time_zone")
                guard let zone = TimeZone(identifier: identifier) else {
                    throw reader.reader.error(value, "unknown time zone '\(identifier)'; expected an IANA name such as America/New_York")
                }
                policy.hours.timeZone = zone
            case "hours":
                try reader.hours(value, into: &policy.hours)
            case "company_domains":
                policy.companyDomains = Set(
                    try reader.reader.sequence(value, what: "company_domains").map { try reader.reader.string($0, what: "a domain").lowercased() })
            case "directory":
                policy.directory = try reader.directory(value)
            default:
                let known = (RedactionPolicy.redactionKeys.union(RedactionPolicy.useKeys)).sorted().joined(separator: ", ")
                throw reader.reader.error(key, "unknown key '\(name)'; expected one of \(known)")
            }
        }
        for (node, query) in queryNodes {
            for list in query.lexiconNames.sorted() where policy.lexicons[list] == nil {
                throw reader.reader.error(node, "the query refers to lexicon '@\(list)', which the policy does not define")
            }
        }
        do {
            _ = try LexiconMatcher(queries: queryNodes.map(\.1), lexicons: policy.lexicons)
        } catch {
            throw PolicyError(source: source, line: mapping["lexicons"]?.mark?.line, reason: error.description)
        }
        return policy
    }
}
