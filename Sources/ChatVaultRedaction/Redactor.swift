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
    /// The firm's people (directory, workspace members): their names are not redacted
    /// unless the policy says `redact_known_people: true`.
    public var knownPeople = KnownPeople()
    private let automaton: KeywordAutomaton
    private let allowList: AllowList
    let hasher: KeyedHash
    /// The settings when no override applies, worked out once instead of per message.
    private let baseSettings: EffectiveSettings
    /// `keyword.<id>` of each list, built once.
    private let listRuleIDs: [String]

    /// - Parameter secret: the vault's key for the hash operator's HMAC.
    public init(policy: RedactionPolicy, secret: [UInt8]) {
        self.policy = policy
        automaton = KeywordAutomaton(lists: policy.keywordLists.map(\.phrases))
        allowList = AllowList(policy.allow)
        hasher = KeyedHash(secret: secret)
        baseSettings = EffectiveSettings(policy: policy, platform: nil, conversation: nil)
        listRuleIDs = policy.keywordLists.map(\.ruleID)
    }

    /// Redacts one message under the policy, with the overrides for its platform
    /// (`slack`, `teams`…) and conversation applied.
    public func redact(_ text: String, platform: String? = nil, conversation: String? = nil) -> RedactionOutcome {
        let settings = self.settings(platform: platform, conversation: conversation)
        var scanned: ScannedText?
        var found: [Detection] = []
        if settings.anyRecognizer {
            let prepared = ScannedText(text)
            scanned = prepared
            recognize(in: prepared, settings: settings, into: &found)
            // Finds are in the recognizers' view; records and masks are in the text as written.
            if prepared.folding != nil {
                for index in found.indices {
                    let range = prepared.originalRange(found[index].start, found[index].end)
                    found[index].start = range.lowerBound
                    found[index].end = range.upperBound
                }
            }
        }
        if !automaton.isEmpty && settings.anyList {
            keywords(in: text, scanned: scanned, settings: settings, into: &found)
        }
        // Most messages hold nothing to redact: hand the text back without rebuilding it.
        guard !found.isEmpty else { return RedactionOutcome(text: text, redactions: [], originalSpans: [], dropMessage: false) }
        let prepared = scanned ?? ScannedText(text)
        if !allowList.isEmpty {
            found.removeAll { allowList.allows(prepared.originalString($0.start, $0.end)) }
        }
        return outcome(for: prepared, detections: Self.merged(found), recognizers: settings.recognizers, lists: settings.lists)
    }

    private func settings(platform: String?, conversation: String?) -> EffectiveSettings {
        guard platform != nil || conversation != nil,
            policy.overrides.contains(where: { $0.applies(platform: platform, conversation: conversation) })
        else { return baseSettings }
        return EffectiveSettings(policy: policy, platform: platform, conversation: conversation)
    }

    /// What the enabled recognizers find, in no particular order.
    ///
    /// Each recognizer runs only when the message holds the characters its values need
    /// (a digit, `@`, `:`, a capital), and as many digits as its shortest value has (a card
    /// thirteen, an SSN nine, a phone number seven): a decision made for speed, as most
    /// chat lines hold no number and no address, or only a time or a price.
    private func recognize(in text: ScannedText, settings: EffectiveSettings, into found: inout [Detection]) {
        let window = policy.cueWindow
        func on(_ type: PIIType) -> Bool { settings.isOn(type) }
        // Same order as always: merging keeps the first of two equally sure finds.
        let digits = text.digitCount
        if on(.emailAddress) { EmailRecognizer.scan(text, into: &found) }
        if digits >= 13, on(.creditCard) { CardRecognizer.scan(text, into: &found) }
        if digits >= 2, on(.iban) { IBANRecognizer.scan(text, into: &found) }
        if digits >= 9, on(.usSSN) { SSNRecognizer.scan(text, cueWindow: window, into: &found) }
        if digits >= 7, on(.phoneNumber) { PhoneRecognizer.scan(text, cueWindow: window, into: &found) }
        if digits >= 4 && text.dotCount >= 3 || text.colonCount >= 2, on(.ipAddress) {
            IPAddressRecognizer.scan(text, cueWindow: window, into: &found)
        }
        if digits >= 3, on(.dateOfBirth) { DateOfBirthRecognizer.scan(text, cueWindow: window, into: &found) }
        if digits > 0, on(.passport) { PassportRecognizer.scan(text, cueWindow: window, into: &found) }
        if digits >= 6, on(.passport) { NationalIDRecognizer.scan(text, cueWindow: window, into: &found) }
        if digits >= 6, on(.bankAccount) { BankAccountRecognizer.scan(text, cueWindow: window, into: &found) }
        if on(.person) { PersonRecognizer.scan(text, known: policy.redactKnownPeople ? nil : knownPeople, into: &found) }
    }

    /// What the enabled keyword lists find. An ASCII message is read from its UTF-8 bytes;
    /// any other goes through the normal form of its scalars.
    private func keywords(in text: String, scanned: ScannedText?, settings: EffectiveSettings, into found: inout [Detection]) {
        var text = text
        let matches =
            text.withUTF8 { automaton.asciiMatches(in: $0) }
            ?? automaton.matches(in: NormalizedText(scanned?.original ?? Array(text.unicodeScalars)))
        for match in matches where settings.lists[match.list].enabled {
            let list = policy.keywordLists[match.list]
            found.append(
                Detection(
                    start: match.start, end: match.end, type: list.type, rule: listRuleIDs[match.list], strength: Detection.keyword, list: match.list)
            )
        }
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
