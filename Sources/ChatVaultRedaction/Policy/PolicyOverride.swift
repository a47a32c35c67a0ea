/// Changes to the policy for one platform, one conversation, or one conversation on one
/// platform. Overrides for a platform apply first, then those naming a conversation, in
/// file order; a later override wins.
public struct PolicyOverride: Sendable, Hashable {
    /// A partial change: whatever is `nil` keeps its current value.
    public struct Change: Sendable, Hashable {
        public var enabled: Bool?
        public var `operator`: RedactionOperator?

        public init(enabled: Bool? = nil, operator: RedactionOperator? = nil) {
            self.enabled = enabled
            self.operator = `operator`
        }

        func applied(to setting: RecognizerSetting) -> RecognizerSetting {
            RecognizerSetting(enabled: enabled ?? setting.enabled, operator: self.operator ?? setting.operator)
        }
    }

    public var platform: String?
    public var conversation: String?
    public var recognizers: [PIIType: Change]
    /// Changes to keyword lists, by list id.
    public var keywordLists: [String: Change]

    public init(platform: String? = nil, conversation: String? = nil, recognizers: [PIIType: Change] = [:], keywordLists: [String: Change] = [:]) {
        self.platform = platform
        self.conversation = conversation
        self.recognizers = recognizers
        self.keywordLists = keywordLists
    }

    func applies(platform: String?, conversation: String?) -> Bool {
        if let wanted = self.platform, wanted.lowercased() != platform?.lowercased() { return false }
        if let wanted = self.conversation, wanted != conversation { return false }
        return self.platform != nil || self.conversation != nil
    }
}
