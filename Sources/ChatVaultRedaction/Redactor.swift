/// Removes personal data and listed keywords from a message before anything is stored.
///
/// Build one per policy and reuse it: the keyword lists are compiled once into a single
/// automaton. `redact` is a pure function of the text, so one redactor serves any number of
/// threads.
///
/// ```swift
/// let redactor = Redactor(policy: .default, secret: vaultKey)
/// let outcome = redactor.redact("card 4111 1111 1111 1111 pls")
/// outcome.text  // "card •••• •••• •••• 1111 pls"
/// ```
public struct Redactor: Sendable {
    public let policy: RedactionPolicy
    private let automaton: KeywordAutomaton
    private let allowList: AllowList
    let hasher: KeyedHash

    /// - Parameter secret: the vault's key for the hash operator's HMAC.
    public init(policy: RedactionPolicy, secret: [UInt8]) {
        self.policy = policy
        automaton = KeywordAutomaton(lists: policy.keywordLists.map(\.phrases))
        allowList = AllowList(policy.allow)
        hasher = KeyedHash(secret: secret)
    }

    /// Redacts one message under the policy, with the overrides for its platform
    /// (`slack`, `teams`…) and conversation applied.
    public func redact(_ text: String, platform: String? = nil, conversation: String? = nil) -> RedactionOutcome {
        let (recognizers, lists) = policy.effective(platform: platform, conversation: conversation)
        let scanned = ScannedText(text)
        let found = detections(in: scanned, recognizers: recognizers, lists: lists)
        return outcome(for: scanned, detections: found, recognizers: recognizers, lists: lists)
    }

    /// What the enabled recognizers and lists find, allow-listed values removed and
    /// overlapping finds merged, in text order.
    func detections(in text: ScannedText, recognizers: [PIIType: RecognizerSetting], lists: [RecognizerSetting]) -> [Detection] {
        var found: [Detection] = []
        let window = policy.cueWindow
        func on(_ type: PIIType) -> Bool { recognizers[type]?.enabled ?? false }
        if on(.emailAddress) { EmailRecognizer.scan(text, into: &found) }
        if on(.creditCard) { CardRecognizer.scan(text, into: &found) }
        if on(.iban) { IBANRecognizer.scan(text, into: &found) }
        if on(.usSSN) { SSNRecognizer.scan(text, cueWindow: window, into: &found) }
        if on(.phoneNumber) { PhoneRecognizer.scan(text, cueWindow: window, into: &found) }
        if on(.ipAddress) { IPAddressRecognizer.scan(text, cueWindow: window, into: &found) }
        if on(.dateOfBirth) { DateOfBirthRecognizer.scan(text, cueWindow: window, into: &found) }
        if on(.passport) { PassportRecognizer.scan(text, cueWindow: window, into: &found) }
        if on(.bankAccount) { BankAccountRecognizer.scan(text, cueWindow: window, into: &found) }
        if on(.person) { PersonRecognizer.scan(text, into: &found) }
        if !automaton.isEmpty {
            for match in automaton.matches(in: NormalizedText(text.scalars)) where lists[match.list].enabled {
                let list = policy.keywordLists[match.list]
                found.append(Detection(start: match.start, end: match.end, type: list.type, rule: list.ruleID, strength: Detection.keyword))
            }
        }
        if !allowList.isEmpty {
            found.removeAll { allowList.allows(text.string($0.start, $0.end)) }
        }
        return Self.merged(found)
    }

    /// Overlapping finds become one span covering all of them, typed by the surest find,
    /// so no part of a value survives because two recognizers disagreed on its edges.
    static func merged(_ detections: [Detection]) -> [Detection] {
        let sorted = detections.sorted { ($0.start, -$0.end) < ($1.start, -$1.end) }
        var result: [Detection] = []
        for detection in sorted {
            guard var last = result.last, detection.start < last.end else {
                result.append(detection)
                continue
            }
            let best = (detection.strength, detection.length) > (last.strength, last.length) ? detection : last
            let start = last.start
            let end = max(last.end, detection.end)
            last = best
            last.start = start
            last.end = end
            result[result.count - 1] = last
        }
        return result
    }
}
