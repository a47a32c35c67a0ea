public import ChatVaultCore
import Crypto
public import Foundation

/// The IM-use part of a vault's policy file: named rules over lexicons and metadata,
/// ethical walls, approved external contacts, personal use and review sampling.
///
/// The same file holds the redaction part (``ChatVaultRedaction/RedactionPolicy``); each
/// loader skips the other's keys.
public struct UsePolicy: Sendable {
    /// Named lists of words, phrases and prefixes, referred to as `@name` in queries.
    public var lexicons: [String: [LexiconQuery]] = [:]
    public var rules: [Rule] = []
    public var walls: [EthicalWall] = []
    /// Standard text (signatures, legal footers) never matched by any rule.
    public var disclaimers: [String] = []
    /// Per group, the external contacts its members may talk with (`*@client.example` allowed).
    public var approvedContacts: [String: [String]] = [:]
    public var personalUse: PersonalUse?
    public var sampling: Sampling?
    public var hours = BusinessHours()
    /// The company's email domains: a handle with another domain is external.
    public var companyDomains: Set<String> = []
    /// People listed in the file itself (in addition to the vault's imported directory).
    public var directory = Directory()
    /// SHA-256 (hex) of the policy file, recorded with every alert.
    public var version: String = ""

    public init() {}

    /// Whether the policy asks for any evaluation at all.
    public var hasRules: Bool {
        !rules.isEmpty || !walls.isEmpty || !approvedContacts.isEmpty || personalUse != nil
            || (sampling.map { $0.rate > 0 || !$0.groupRates.isEmpty } ?? false)
    }

    /// The SHA-256 of a policy file's text, as hex.
    public static func version(of text: String) -> String {
        Array(SHA256.hash(data: Array(text.utf8))).hexString
    }

    /// Rule names raised for things other than rules: walls, contacts, personal use, sampling.
    public static let wallRulePrefix = "wall."
    public static let contactRule = "external-contact"
    public static let personalUseRule = "personal-use"
    public static let samplingRule = "sampling"
}
