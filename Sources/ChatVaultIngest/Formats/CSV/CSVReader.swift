import ChatVaultCore

/// Splits CSV text into records by RFC 4180: fields separated by a delimiter, quoted
/// fields may hold delimiters, doubled quotes and line breaks, records end at LF or CRLF.
/// Each record knows the line it starts on; an unterminated quote is reported at the
/// line where it opened and ends the file, since no later record boundary can be trusted.
struct CSVReader {
    struct Record {
        var line: Int
        var fields: [[UInt8]]
    }

    let source: String
    let bytes: [UInt8]
    let delimiter: UInt8
    private var index: Int
    private var line = 1

    init(bytes: [UInt8], source: String, delimiter: UInt8) {
        self.bytes = bytes
        self.source = source
        self.delimiter = delimiter
        index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    }

    /// The next record that is not blank; `nil` at the end.
    mutating func next() -> Result<Record, InputError>? {
        while index < bytes.count {
            let start = line
            switch record() {
            case .success(let fields):
                if fields.count == 1 && fields[0].isEmpty { continue }
                return .success(Record(line: start, fields: fields))
            case .failure(let error): return .failure(error)
            }
        }
        return nil
    }

    private mutating func record() -> Result<[[UInt8]], InputError> {
        var fields: [[UInt8]] = []
        while true {
            var field: [UInt8] = []
            if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                let opened = line
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: "\"") {
                        if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\"") {
                            field.append(byte)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                    index += 1
                }
                guard closed else {
                    return .failure(InputError(source: source, line: opened, reason: "a quoted field is never closed (unterminated quote)"))
                }
                if index < bytes.count, bytes[index] != delimiter, bytes[index] != 0x0A, bytes[index] != 0x0D {
                    let at = line
                    skipLine()
                    return .failure(
                        InputError(source: source, line: at, reason: "text after a closing quote; a quote inside a field must be doubled"))
                }
            } else {
                while index < bytes.count, bytes[index] != delimiter, bytes[index] != 0x0A {
                    field.append(bytes[index])
                    index += 1
                }
            }
            if index < bytes.count && bytes[index] == 0x0D && (index + 1 == bytes.count || bytes[index + 1] == 0x0A) { index += 1 }
            if field.last == 0x0D && (index == bytes.count || bytes[index] == 0x0A) { field.removeLast() }
            fields.append(field)
            guard index < bytes.count else { return .success(fields) }
            if bytes[index] == 0x0A {
                index += 1
                line += 1
                return .success(fields)
            }
            index += 1  // the delimiter
        }
    }

    private mutating func skipLine() {
        while index < bytes.count && bytes[index] != 0x0A { index += 1 }
        if index < bytes.count {
            index += 1
            line += 1
        }
    }

    /// The delimiter of a file: comma, unless the header line has none and has
    /// semicolons or tabs (spreadsheets in many locales write `;`).
    static func delimiter(of bytes: [UInt8]) -> UInt8 {
        let header = bytes.prefix { $0 != 0x0A }
        if header.contains(UInt8(ascii: ",")) { return UInt8(ascii: ",") }
        if header.contains(UInt8(ascii: ";")) { return UInt8(ascii: ";") }
        if header.contains(0x09) { return 0x09 }
        return UInt8(ascii: ",")
    }
}
