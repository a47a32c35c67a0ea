public import ChatVaultArchive
public import ChatVaultCore
public import ChatVaultPolicy
import Crypto
public import Foundation

/// The pipeline stage that polices IM use: after redaction and before the archive, each
/// message is evaluated against the vault's rules, walls, contact lists and sampling,
/// and the alerts go into the archive with the batch. A rule with action `redact` masks
/// its matched words (same length, so earlier redaction positions stay valid).
///
/// The evaluator remembers conversations and people's days across batches, so the
/// stage is a reference shared by the batches of one import; only one batch is read at
/// a time, and a lock keeps that true.
public final class PolicyStage: @unchecked Sendable {
    private var evaluator: PolicyEvaluator
    private let lock = NSLock()

    public init(evaluator: PolicyEvaluator) {
        self.evaluator = evaluator
    }

    /// The policy's version (SHA-256 of the file).
    public var version: String { evaluator.policy.version }

    /// The vault's stage, or `nil` when its policy file has no IM-use rules.
    public static func forVault(_ vault: Vault) throws -> PolicyStage? {
        guard let text = try vault.policyText() else { return nil }
        let policy = try UsePolicy.load(yaml: text, source: vault.policyURL.path)
        guard policy.hasRules else { return nil }
        let directory = try loadDirectory(of: vault)
        return PolicyStage(evaluator: try PolicyEvaluator(policy: policy, directory: directory, seed: try samplingSeed(of: vault)))
    }

    /// Where `chatvault directory import` keeps the people of a vault.
    public static func directoryURL(of vault: Vault) -> URL { vault.directory.appendingPathComponent("directory.json") }

    public static func loadDirectory(of vault: Vault) throws -> Directory {
        let url = directoryURL(of: vault)
        guard let data = FileManager.default.contents(atPath: url.path) else { return Directory() }
        return Directory(people: try JSONDecoder().decode([DirectoryPerson].self, from: data))
    }

    /// A seed derived from the vault's secret: the same vault always draws the same conversations.
    public static func samplingSeed(of vault: Vault) throws -> UInt64 {
        let digest = Array(SHA256.hash(data: Array("chatvault.sampling".utf8) + (try vault.redactionSecret())))
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Whether the stage has not seen the message's conversation in this run yet.
    public func needsHistory(of message: Message) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return !evaluator.knows(platform: message.platform, conversation: message.conversation)
    }

    /// Adds the participants the archive already holds for the message's conversation.
    public func remember(_ message: Message, participants: [Handle]) {
        lock.lock()
        defer { lock.unlock() }
        evaluator.remember(platform: message.platform, conversation: message.conversation, participants: participants)
    }

    /// Evaluates one (already redacted) message; masks what `redact` rules matched.
    public func apply(to incoming: inout IncomingMessage) -> [Alert] {
        lock.lock()
        defer { lock.unlock() }
        var alerts = evaluator.evaluate(incoming.message, conversationKind: incoming.conversationKind)
        guard alerts.contains(where: { $0.action == .redact && !$0.matches.isEmpty }) else { return alerts }
        var scalars = Array(incoming.message.text.unicodeScalars)
        for index in alerts.indices where alerts[index].action == .redact {
            for (m, match) in alerts[index].matches.enumerated() {
                for offset in match.start..<min(match.end, scalars.count) where SearchTextScalar.isWord(scalars[offset]) { scalars[offset] = "•" }
                alerts[index].matches[m].text = String(String.UnicodeScalarView(scalars[match.start..<min(match.end, scalars.count)]))
                incoming.message.redactions.append(
                    Redaction(rule: "policy.\(alerts[index].rule)", type: "POLICY", start: match.start, end: match.end, operation: .mask))
            }
        }
        incoming.message.text = String(String.UnicodeScalarView(scalars))
        return alerts
    }
}

enum SearchTextScalar {
    static func isWord(_ scalar: Unicode.Scalar) -> Bool { SearchText.isWordScalar(scalar) }
}
