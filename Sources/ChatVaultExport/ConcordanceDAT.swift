/// A Concordance DAT load file: UTF-8 with a byte-order mark, CRLF rows, every value
/// quoted with þ (U+00FE) and fields separated by U+0014, a header row first.
///
/// Concordance has no escape for its delimiters, so a value loses them: þ and U+0014 become
/// U+FFFD, a line break becomes ® (U+00AE, Concordance's newline mark), other control
/// characters U+FFFD. Message bodies are never in the DAT, only in the native files.
enum ConcordanceDAT {
    static let quote: Character = "\u{00FE}"
    static let separator: Character = "\u{0014}"
    static let newline: Character = "\u{00AE}"

    static let fields = [
        "DOCID", "PARENTID", "DATESENT", "FROM", "TO", "SUBJECT", "PLATFORM", "CONVERSATION", "KIND", "DELETED", "RECORDID", "FILENAME",
        "NATIVE",
    ]

    /// The header row, preceded by the UTF-8 byte-order mark.
    static var header: String { "\u{FEFF}" + row(fields) }

    static func row(_ values: [String]) -> String {
        values.map { String(quote) + clean($0) + String(quote) }.joined(separator: String(separator)) + "\r\n"
    }

    static func clean(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        var previousWasCR = false
        for scalar in value.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\n":
                if !previousWasCR { out.append(newline) }
            case "\r": out.append(newline)
            case "\t": out.unicodeScalars.append(scalar)
            case "\u{00FE}", "\u{0014}": out += "\u{FFFD}"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
