/// Words and phrases an administrator never wants archived.
///
/// Each phrase is matched whole-word on normalised text (NFKC, case and diacritics folded,
/// invisible characters removed, runs of spaces and punctuation between words collapsed),
/// so `P​r​o​j​e​c​t  Falcon` and `ＰＲＯＪＥＣＴ falcon` both match `project falcon`.
/// A trailing `*` matches any word continuing the prefix: `guarant*` finds `guaranteed`.
public struct KeywordList: Sendable, Hashable {
    /// Appears in the rule id: `keyword.<id>`.
    public var id: String
    /// The type recorded and shown in the label, `KEYWORD` unless set.
    public var type: String
    public var setting: RecognizerSetting
    public var phrases: [String]

    public init(id: String, type: String = "KEYWORD", operator: RedactionOperator = .replace(), enabled: Bool = true, phrases: [String]) {
        self.id = id
        self.type = type
        self.setting = RecognizerSetting(enabled: enabled, operator: `operator`)
        self.phrases = phrases
    }

    public var ruleID: String { "keyword." + id }
}
