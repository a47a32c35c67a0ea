public import ChatVaultCore

/// An information barrier: members of one group must not talk with members of the
/// other (research and trading). Any conversation with people from both sides raises
/// an alert naming the wall, once per conversation.
public struct EthicalWall: Sendable, Hashable {
    public var name: String
    /// The two groups (lowercased).
    public var first: String
    public var second: String
    public var severity: Alert.Severity
    public var description: String

    public init(name: String, between a: String, and b: String, severity: Alert.Severity = .critical, description: String = "") {
        self.name = name
        self.first = a.lowercased()
        self.second = b.lowercased()
        self.severity = severity
        self.description = description.isEmpty ? "ethical wall \(name): \(a) and \(b) must not communicate" : description
    }

    /// Whether people with these memberships stand on both sides (two different people).
    public func isBreached(by memberships: [(person: String, groups: Set<String>)]) -> Bool {
        let left = Set(memberships.filter { $0.groups.contains(first) }.map(\.person))
        let right = Set(memberships.filter { $0.groups.contains(second) }.map(\.person))
        return !left.isEmpty && !right.isEmpty && left.union(right).count >= 2
    }
}

/// Personal use of business chat: messages matching a lexicon of personal topics are
/// allowed up to a number per person per local day; the next one raises an alert.
public struct PersonalUse: Sendable, Hashable {
    public var query: LexiconQuery
    public var dailyAllowance: Int
    public var severity: Alert.Severity

    public init(query: LexiconQuery, dailyAllowance: Int, severity: Alert.Severity = .low) {
        self.query = query
        self.dailyAllowance = dailyAllowance
        self.severity = severity
    }
}

/// Random review sampling: a share of conversations, per group of their internal
/// participants (the highest share applies), is queued for review regardless of hits.
/// The draw is a hash of the seed and the conversation, so it is the same in every
/// run with the same seed and does not depend on import order.
public struct Sampling: Sendable, Hashable {
    public var rate: Double
    public var groupRates: [String: Double]

    public init(rate: Double = 0, groupRates: [String: Double] = [:]) {
        self.rate = rate
        self.groupRates = groupRates
    }

    /// Whether the conversation `key` is drawn, for participants in `groups`, with `seed`.
    public func draws(conversation key: String, groups: Set<String>, seed: UInt64) -> Bool {
        let share = groups.compactMap { groupRates[$0] }.max() ?? rate
        guard share > 0 else { return false }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        // SplitMix64 finaliser: spreads the FNV hash over all bits before scaling to [0, 1).
        var z = hash &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53) < share
    }
}
