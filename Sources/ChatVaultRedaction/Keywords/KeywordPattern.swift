/// One keyword phrase in normal form. A trailing `*` makes it a prefix: `guarant*`
/// matches `guarantee` and `guaranteed`.
struct KeywordPattern: Sendable, Hashable {
    var scalars: [UInt32]
    var isPrefix: Bool

    init?(_ phrase: String) {
        var text = Substring(phrase)
        while text.last == " " { text = text.dropLast() }
        isPrefix = text.hasSuffix("*")
        if isPrefix { text = text.dropLast() }
        scalars = NormalizedText.phrase(String(text))
        guard !scalars.isEmpty else { return nil }
    }
}
