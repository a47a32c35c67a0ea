import ChatVaultCore

/// A whole JSON file of an export, parsed with ChatVault's strict parser so that damage
/// is reported as `FILE:LINE: reason` and never crashes the import.
struct JSONDocument {
    let source: String
    let bytes: [UInt8]
    let root: JSONValue

    /// Deep enough for every chat export we know; a 10^6-deep document is refused at
    /// this depth instead of exhausting the stack.
    static let maxDepth = 64

    init(bytes: [UInt8], source: String) throws(InputError) {
        self.source = source
        self.bytes = bytes
        guard bytes.contains(where: { !Self.isSpace($0) }) else { throw InputError(source: source, line: 1, reason: "empty file, expected JSON") }
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        let result: Result<JSONValue, JSONParser.Failure> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParser.Failure) -> JSONValue in
                try JSONParser(maxDepth: Self.maxDepth).parse(UnsafeBufferPointer(rebasing: buffer[start...]))
            }
        }
        switch result {
        case .success(let value): root = value
        case .failure(let failure):
            let offset = start + failure.offset
            throw InputError(source: source, line: Self.line(at: offset, in: bytes), reason: "not valid JSON: \(failure.reason)")
        }
    }

    /// The 1-based line of each element of the top-level array, so an error about the
    /// N-th message can name its line.
    func elementLines() -> [Int] {
        var lines: [Int] = []
        var line = 1
        var depth = 0
        var inString = false
        var escaped = false
        var expectingElement = false
        for byte in bytes {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if expectingElement, depth == 1, !Self.isSpace(byte), byte != UInt8(ascii: "]") {
                lines.append(line)
                expectingElement = false
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth == 1 && byte == UInt8(ascii: "[") { expectingElement = true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectingElement = true }
            default: break
            }
        }
        return lines
    }

    static func line(at offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for byte in bytes[..<min(offset, bytes.count)] where byte == 0x0A { line += 1 }
        return line
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}

extension JSONValue {
    /// The member named `key`, matching case-insensitively: Teams exports write Graph's
    /// `camelCase` names in `PascalCase`.
    func field(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        if let exact = members.last(where: { $0.key == key }) { return exact.value }
        let lower = key.lowercased()
        return members.last(where: { $0.key.lowercased() == lower })?.value
    }

    /// A non-empty string or number member, as text.
    func text(_ key: String) -> String? {
        guard let value = field(key), let text = value.scalarText, !text.isEmpty else { return nil }
        return text
    }

    var objectMembers: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }
}
