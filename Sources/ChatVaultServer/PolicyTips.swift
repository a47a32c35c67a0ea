import ChatVaultArchive
import ChatVaultPolicy
import Synchronization

/// The policy tips of the vault's rules, read from its policy file and kept until an
/// alert names another policy version (the file was changed with `policy set`).
final class PolicyTips: Sendable {
    private struct Loaded {
        var version: String
        var tips: [String: String]
        var readAt: ContinuousClock.Instant
    }

    private let vault: Vault
    private let loaded = Mutex<Loaded?>(nil)

    init(vault: Vault) {
        self.vault = vault
    }

    /// The tip rule `rule` of policy `version` names, or `nil` (the default of its action).
    func tip(rule: String, version: String) -> String? {
        let now = ContinuousClock.now
        let cached = loaded.withLock { $0 }
        if let cached, cached.version == version { return cached.tips[rule] }
        // The file no longer holds the version that raised the alert (changed while the server
        // runs): the default tip, and the file is read again at most once a second.
        if let cached, now - cached.readAt < .seconds(1) { return nil }
        guard let text = try? vault.policyText(), let policy = try? UsePolicy.load(yaml: text, source: "policy.yaml") else { return nil }
        let fresh = Loaded(
            version: policy.version,
            tips: Dictionary(policy.rules.compactMap { rule in rule.tip.map { (rule.name, $0) } }, uniquingKeysWith: { a, _ in a }), readAt: now)
        loaded.withLock { $0 = fresh }
        return fresh.version == version ? fresh.tips[rule] : nil
    }
}
