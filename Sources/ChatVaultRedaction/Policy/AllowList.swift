/// Values the policy never redacts, compared on their letters and digits, case-folded.
/// A phone number also matches with or without its country code (`+1 212 555 0100`
/// allows `(212) 555-0100`).
struct AllowList: Sendable {
    private var values: Set<String>

    init(_ entries: [String]) {
        values = Set(entries.map(Self.canonical).filter { !$0.isEmpty })
    }

    var isEmpty: Bool { values.isEmpty }

    func allows(_ value: String) -> Bool {
        let key = Self.canonical(value)
        if values.contains(key) { return true }
        guard key.count >= 7, key.allSatisfy(\.isNumber) else { return false }
        return values.contains { entry in
            entry.count >= 7 && entry.count != key.count && abs(entry.count - key.count) <= 3 && entry.allSatisfy(\.isNumber)
                && (entry.hasSuffix(key) || key.hasSuffix(entry))
        }
    }

    static func canonical(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter(ScannedText.isAlnum))).lowercased()
    }
}
