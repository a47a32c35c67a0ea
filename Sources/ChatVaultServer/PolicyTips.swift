import ChatVaultArchive
import ChatVaultPolicy
import Synchronization

/// The policy tips of the vault's rules, read from its policy file and kept until an
/// alert names another policy version (the file was changed with `policy set`).
final class PolicyTips: Sendable {
    private struct Loaded {
        var version: String
        var tips: [String: String]
    }

    private let vault: Vault
    private let loaded = Mutex<Loaded?>(nil)

    init(vault: Vault) {
        self.vault = vault
    }

    /// The tip rule `rule` of policy `version` names, or `nil` (the default of its action).
    func tip(rule: String, version: String) -> String? {
        if let tips = loaded.withLock({ $0?.version == version ? $0?.tips : nil }) { return tips[rule] }
        guard let text = try? vault.policyText(), let policy = try? UsePolicy.load(yaml: text, source: "policy.yaml") else { return nil }
        let fresh = Loaded(
            version: policy.version,
            tips: Dictionary(policy.rules.compactMap { rule in rule.tip.map { (rule.name, $0) } }, uniquingKeysWith: { a, _ in a }))
        loaded.withLock { $0 = fresh }
        return fresh.version == version ? fresh.tips[rule] : nil
    }
}
