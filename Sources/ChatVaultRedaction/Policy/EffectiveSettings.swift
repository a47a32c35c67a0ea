/// The recognizer and keyword-list settings for one message, overrides applied, with the
/// answers the hot path asks for precomputed: whether anything runs at all.
struct EffectiveSettings: Sendable {
    let recognizers: [PIIType: RecognizerSetting]
    let lists: [RecognizerSetting]
    /// Whether each recognizer is on, by `PIIType.allCases` index: an array read instead of
    /// a dictionary lookup per recognizer per message.
    private let enabled: [Bool]
    let anyRecognizer: Bool
    let anyList: Bool

    init(policy: RedactionPolicy, platform: String?, conversation: String?) {
        (recognizers, lists) = policy.effective(platform: platform, conversation: conversation)
        let recognizers = recognizers
        enabled = PIIType.allCases.map { recognizers[$0]?.enabled ?? false }
        anyRecognizer = enabled.contains(true)
        anyList = lists.contains(where: \.enabled)
    }

    func isOn(_ type: PIIType) -> Bool { enabled[type.index] }
}

extension PIIType {
    /// Position in `allCases`.
    fileprivate var index: Int {
        switch self {
        case .creditCard: 0
        case .usSSN: 1
        case .iban: 2
        case .bankAccount: 3
        case .phoneNumber: 4
        case .emailAddress: 5
        case .dateOfBirth: 6
        case .passport: 7
        case .ipAddress: 8
        case .person: 9
        }
    }
}
