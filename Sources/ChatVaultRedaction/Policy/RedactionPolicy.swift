/// What the redactor removes and how: which recognizers run with which operator, the
/// administrator's keyword lists, values never to redact, and per-platform or
/// per-conversation overrides.
///
/// Written as YAML (see `docs/REDACTION.md`) and read with ``load(yaml:source:)``:
///
/// ```yaml
/// version: 1
/// cue_window: 3                 # tokens between a cue word and its value
/// recognizers:
///   credit_card: { operator: mask, keep: 4 }
///   us_ssn: { operator: hash }
///   person: off
/// keywords:
///   - id: project-falcon
///     operator: replace
///     phrases: ["project falcon", "falcon*"]
/// allow:
///   - "+1 212 555 0100"         # our switchboard
/// overrides:
///   - platform: slack
///     conversation: C0123
///     recognizers: { phone_number: off }
///     keywords: { project-falcon: { operator: drop } }
/// ```
public struct RedactionPolicy: Sendable, Hashable {
    public var recognizers: [PIIType: RecognizerSetting]
    public var keywordLists: [KeywordList]
    /// Values never redacted, compared on letters and digits only (`+1 (212) 555-0100`
    /// allows `212.555.0100`).
    public var allow: [String]
    /// How many words may stand between a cue (`dob`, `acct #`) and the value it announces.
    public var cueWindow: Int
    public var overrides: [PolicyOverride]
    /// Whether names of the firm's own people (the directory, a workspace's members) are
    /// redacted too (`redact_known_people: true`); by default they stay.
    public var redactKnownPeople = false
    /// Protected portions of conversations (`portions:`), in file order.
    public var portions: [PortionRule] = []
    /// What to keep of an attachment whose text cannot be read (`attachments: { unreadable: … }`).
    public var unreadableAttachments: UnreadableAttachments = .keep

    public init(
        recognizers: [PIIType: RecognizerSetting] = RedactionPolicy.defaultRecognizers, keywordLists: [KeywordList] = [], allow: [String] = [],
        cueWindow: Int = 3, overrides: [PolicyOverride] = []
    ) {
        self.recognizers = recognizers
        self.keywordLists = keywordLists
        self.allow = allow
        self.cueWindow = cueWindow
        self.overrides = overrides
    }

    /// Every recognizer on: numbers that identify an account are masked to their last four,
    /// everything else replaced by its label.
    public static let `default` = RedactionPolicy()

    public static let defaultRecognizers: [PIIType: RecognizerSetting] = {
        var settings: [PIIType: RecognizerSetting] = [:]
        for type in PIIType.allCases {
            switch type {
            case .creditCard, .iban, .bankAccount: settings[type] = RecognizerSetting(operator: .mask(keep: 4))
            default: settings[type] = RecognizerSetting(operator: .replace())
            }
        }
        return settings
    }()

    /// The recognizer and keyword-list settings after the overrides that match.
    func effective(platform: String?, conversation: String?) -> (recognizers: [PIIType: RecognizerSetting], keywordLists: [RecognizerSetting]) {
        var recognizers = self.recognizers
        var lists = keywordLists.map(\.setting)
        let matching =
            overrides.filter { $0.conversation == nil && $0.applies(platform: platform, conversation: conversation) }
            + overrides.filter { $0.conversation != nil && $0.applies(platform: platform, conversation: conversation) }
        for override in matching {
            for (type, change) in override.recognizers {
                recognizers[type] = change.applied(to: recognizers[type] ?? RecognizerSetting(enabled: false, operator: .replace()))
            }
            for (index, list) in keywordLists.enumerated() {
                if let change = override.keywordLists[list.id] { lists[index] = change.applied(to: lists[index]) }
            }
        }
        return (recognizers, lists)
    }
}
