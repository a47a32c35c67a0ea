/// A value a recognizer or keyword list found, in scalar offsets of the input text.
struct Detection: Sendable, Equatable {
    var start: Int
    var end: Int
    /// Gold type name, e.g. `CREDIT_CARD` or `KEYWORD`.
    var type: String
    /// Rule id, e.g. `pii.credit_card` or `keyword.project-falcon`.
    var rule: String
    /// How sure the recognizer is: a checksum beats a format, a format beats a cue.
    var strength: Int
    /// For a keyword find, the index of its list in the policy; -1 for a recognizer's.
    var list: Int = -1
    /// The recognizer's type, so the operator is found without parsing `type`.
    var pii: PIIType?

    init(start: Int, end: Int, type: String, rule: String, strength: Int, list: Int = -1) {
        self.start = start
        self.end = end
        self.type = type
        self.rule = rule
        self.strength = strength
        self.list = list
        self.pii = nil
    }

    /// A recognizer's find, typed and ruled by its type.
    init(start: Int, end: Int, pii: PIIType, strength: Int) {
        self.start = start
        self.end = end
        self.type = pii.rawValue
        self.rule = pii.ruleID
        self.strength = strength
        self.pii = pii
    }

    static let checksum = 3
    static let format = 2
    static let cue = 1
    /// Administrator keyword lists are obeyed over any recognizer.
    static let keyword = 4

    var length: Int { end - start }
}
