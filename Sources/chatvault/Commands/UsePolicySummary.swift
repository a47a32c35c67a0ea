import ChatVaultCore
import ChatVaultPolicy
import Foundation

/// A readable account of the IM-use part of a policy.
struct UsePolicySummary {
    var policy: UsePolicy

    var lines: [String] {
        var out = ["IM-use policy (version \(policy.version.prefix(12))…): \(policy.rules.count) rules, \(policy.lexicons.count) lexicons"]
        for rule in policy.rules {
            let query = rule.query.map { " match \($0)" } ?? ""
            out.append("  \(Terminal.safe(rule.name)) [\(rule.severity.rawValue), \(rule.action.rawValue)]\(Terminal.safe(query))")
            if let tip = rule.senderTip { out.append("    tip: \(Terminal.safe(tip))\(rule.tip == nil ? " (default)" : "")") }
        }
        for wall in policy.walls { out.append("  wall \(Terminal.safe(wall.name)): \(wall.first) | \(wall.second) [\(wall.severity.rawValue)]") }
        if !policy.approvedContacts.isEmpty {
            out.append("  approved contacts for: \(policy.approvedContacts.keys.sorted().joined(separator: ", "))")
        }
        if let personal = policy.personalUse { out.append("  personal use: \(personal.dailyAllowance) a day, match \(personal.query)") }
        if let sampling = policy.sampling { out.append("  sampling: \(sampling.rate) (groups: \(sampling.groupRates.count))") }
        out.append("  time zone: \(policy.hours.timeZone.identifier); disclaimers: \(policy.disclaimers.count)")
        return out
    }

    var json: JSONValue {
        .object([
            ("version", .string(policy.version)),
            (
                "rules",
                .array(
                    policy.rules.map { rule in
                        .object([
                            ("name", .string(rule.name)), ("severity", .string(rule.severity.rawValue)), ("action", .string(rule.action.rawValue)),
                            ("match", rule.query.map { .string($0.description) } ?? .null),
                            ("tip", rule.senderTip.map(JSONValue.string) ?? .null),
                        ])
                    })
            ),
            (
                "walls",
                .array(policy.walls.map { .object([("name", .string($0.name)), ("between", .array([.string($0.first), .string($0.second)]))]) })
            ),
            ("lexicons", .array(policy.lexicons.keys.sorted().map(JSONValue.string))),
        ])
    }
}
