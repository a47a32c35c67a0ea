import ChatVaultCore
import Crypto

/// Reads a CSV file record by record; positions are the line each record starts on.
///
/// A record without an `id` column value gets the first 16 bytes (hex) of SHA-256 over
/// its mapped fields and the number of identical records before it, so re-importing the
/// file adds nothing and two identical rows stay two messages.
final class CSVSource: MessageSource {
    private var reader: CSVReader
    private let columns: [CSVMapping.Field: Int]
    private let width: Int
    private let conversation: String
    private var seen: [String: Int] = [:]
    private var finished = false

    init(reader: CSVReader, columns: [CSVMapping.Field: Int], width: Int, conversation: String) {
        self.reader = reader
        self.columns = columns
        self.width = width
        self.conversation = conversation
    }

    func next() throws -> SourceItem? {
        guard !finished, let result = reader.next() else { return nil }
        switch result {
        case .failure(let error):
            if error.reason.contains("unterminated") { finished = true }
            return SourceItem(.failure(error), position: error.line ?? 0)
        case .success(let record):
            return SourceItem(message(record), position: record.line)
        }
    }

    private func message(_ record: CSVReader.Record) -> Result<IncomingMessage, InputError> {
        func fail(_ reason: String) -> Result<IncomingMessage, InputError> {
            .failure(InputError(source: reader.source, line: record.line, reason: reason))
        }
        var values: [CSVMapping.Field: String] = [:]
        for (field, index) in columns {
            guard index < record.fields.count else {
                return fail("the record has \(record.fields.count) fields, so no \(field.rawValue) (column \(index + 1) of \(width))")
            }
            guard let value = String(validating: record.fields[index], as: UTF8.self) else {
                return fail("\(field.rawValue) (column \(index + 1)) is not valid UTF-8")
            }
            values[field] = value
        }
        for field in [CSVMapping.Field.sentAt, .sender] where (values[field] ?? "").allSatisfy(\.isWhitespace) {
            return fail("missing \(field.rawValue) (column \(columns[field].map { $0 + 1 } ?? 0))")
        }
        guard let sentAt = Self.timestamp(values[.sentAt] ?? "") else {
            return fail("\(CSVMapping.Field.sentAt.rawValue) is not a date-time (ISO 8601, YYYY/MM/DD hh:mm[:ss], or Unix seconds/ms)")
        }
        let conversation = Self.nonEmpty(values[.conversation]) ?? self.conversation
        let sourceID = Self.nonEmpty(values[.id]) ?? hashID(values)
        let sender = values[.sender]!
        let message = Message(
            platform: Self.nonEmpty(values[.platform]) ?? "csv", conversation: conversation, sourceID: sourceID,
            sender: Handle(id: sender, displayName: Self.nonEmpty(values[.senderName])), sentAt: sentAt, text: values[.text] ?? "",
            replyTo: Self.nonEmpty(values[.replyTo]), thread: Self.nonEmpty(values[.thread]))
        return .success(
            IncomingMessage(
                message: message, conversationName: Self.nonEmpty(values[.conversationName]) ?? conversation,
                origin: "\(reader.source):\(record.line)"))
    }

    private func hashID(_ values: [CSVMapping.Field: String]) -> String {
        let key = CSVMapping.Field.allCases.map { values[$0] ?? "" }.joined(separator: "\u{1F}")
        let ordinal = seen[key, default: 0]
        seen[key] = ordinal + 1
        let digest = SHA256.hash(data: Array("\(key)\u{1E}\(ordinal)".utf8))
        return Array(digest.prefix(16)).hexString
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.allSatisfy(\.isWhitespace) else { return nil }
        return value
    }

    /// ISO 8601 (with `T` or a space), `YYYY/MM/DD hh:mm[:ss]`, or a Unix time in seconds
    /// (10 digits or fewer, fractions allowed), milliseconds (13) or microseconds (16).
    static func timestamp(_ raw: String) -> Timestamp? {
        let text = String(raw.filter { !$0.isWhitespace || $0 == " " }).trimmingPrefix(while: { $0 == " " })
        let value = String(text.reversed().trimmingPrefix(while: { $0 == " " }).reversed())
        if let iso = Timestamp(iso8601: value) { return iso }
        if value.count >= 10, value.prefix(10).filter({ $0 == "/" }).count == 2,
            let iso = Timestamp(iso8601: value.replacing("/", with: "-", maxReplacements: 2))
        {
            return iso
        }
        if let seconds = Double(value), value.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            let digits = value.prefix { $0 != "." }.count
            switch digits {
            case ...11: return Timestamp(secondsSince1970: seconds)
            case 12...14: return Timestamp(microseconds: Int64(seconds * 1000))
            case 15...17: return Timestamp(microseconds: Int64(seconds))
            default: return nil
            }
        }
        return nil
    }
}
