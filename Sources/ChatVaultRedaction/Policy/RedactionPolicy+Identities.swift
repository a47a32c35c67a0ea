extension RedactionPolicy {
    /// The recognizers that run over participants' identities (handles and display names).
    ///
    /// An identity stays in the record (it shows who communicated), so names, e-mail
    /// addresses and phone numbers — what a handle *is* on most platforms — are not
    /// touched; a value that never names anyone (a card or account number, an SSN, an IBAN,
    /// a passport number or a date of birth typed into a display name) is.
    public static let identityTypes: Set<PIIType> = [.creditCard, .usSSN, .iban, .bankAccount, .dateOfBirth, .passport]

    /// This policy as it applies to identities: only ``identityTypes``, no keyword lists,
    /// and no `drop` (an identity cannot be left out of its message; the value is replaced
    /// by its label instead). Without a vault secret, `hash` also becomes a label.
    public func forIdentities(hashing: Bool = true) -> RedactionPolicy {
        func adjusted(_ op: RedactionOperator) -> RedactionOperator {
            switch op {
            case .drop: .replace()
            case .hash where !hashing: .replace()
            default: op
            }
        }
        var policy = self
        policy.keywordLists = []
        for type in PIIType.allCases {
            guard Self.identityTypes.contains(type), let setting = recognizers[type] else {
                policy.recognizers[type] = RecognizerSetting(enabled: false, operator: .replace())
                continue
            }
            policy.recognizers[type] = RecognizerSetting(enabled: setting.enabled, operator: adjusted(setting.operator))
        }
        policy.overrides = overrides.map { override in
            var changed = override
            changed.keywordLists = [:]
            changed.recognizers = override.recognizers.filter { Self.identityTypes.contains($0.key) }.mapValues { change in
                PolicyOverride.Change(enabled: change.enabled, operator: change.operator.map(adjusted))
            }
            return changed
        }
        policy.portions = []
        return policy
    }
}
