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

    static let checksum = 3
    static let format = 2
    static let cue = 1
    /// Administrator keyword lists are obeyed over any recognizer.
    static let keyword = 4

    var length: Int { end - start }
}
