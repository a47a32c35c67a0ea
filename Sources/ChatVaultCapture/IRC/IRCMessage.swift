/// One IRC protocol line (RFC 1459 / 2812 with IRCv3 message tags), parsed from untrusted bytes.
///
/// `@tag=value;tag2 :nick!user@host COMMAND param param :trailing`. Tag values are
/// unescaped, the command is upper-cased, at most 15 parameters are kept. Bytes that are
/// not UTF-8 are read as Latin-1 (what older clients send).
public struct IRCMessage: Sendable, Equatable {
    public var tags: [String: String]
    /// The source: a nick (`nick!user@host`) or a server name.
    public var prefix: String?
    public var command: String
    public var parameters: [String]

    /// The longest line without tags (RFC 1459: 512 bytes including CR LF).
    public static let maxBodyLength = 512
    /// The longest tag section (IRCv3: 8191 bytes including `@` and the space).
    public static let maxTagsLength = 8191
    /// Longest line the connector reads; longer lines are dropped whole.
    public static let maxLineLength = maxBodyLength + maxTagsLength

    public init(tags: [String: String] = [:], prefix: String? = nil, command: String, parameters: [String] = []) {
        self.tags = tags
        self.prefix = prefix
        self.command = command
        self.parameters = parameters
    }

    /// The nick of a `nick!user@host` prefix (or the whole prefix when it has no `!`).
    public var nick: String? {
        guard let prefix else { return nil }
        return String(prefix.prefix { $0 != "!" && $0 != "@" })
    }

    /// Whether the prefix names a user rather than a server.
    public var isFromUser: Bool { prefix?.contains("!") ?? false }

    /// Parses one line (without CR LF); `nil` for an empty, overlong or command-less line.
    public static func parse(_ bytes: some Collection<UInt8>) -> IRCMessage? {
        var line = Array(bytes)
        while let last = line.last, last == 0x0D || last == 0x0A { line.removeLast() }
        guard !line.isEmpty, line.count <= maxLineLength else { return nil }
        var index = 0
        var tags: [String: String] = [:]
        if line[0] == UInt8(ascii: "@") {
            let end = line.firstIndex(of: 0x20) ?? line.count
            guard end <= maxTagsLength else { return nil }
            tags = parseTags(line[1..<end])
            index = end
        }
        guard line.count - index <= maxBodyLength else { return nil }
        func skipSpaces() { while index < line.count, line[index] == 0x20 { index += 1 } }
        skipSpaces()
        var prefix: String?
        if index < line.count, line[index] == UInt8(ascii: ":") {
            let end = line[index...].firstIndex(of: 0x20) ?? line.count
            prefix = decode(line[(index + 1)..<end])
            index = end
            skipSpaces()
        }
        let commandEnd = line[index...].firstIndex(of: 0x20) ?? line.count
        let command = decode(line[index..<commandEnd]).uppercased()
        guard !command.isEmpty, command.allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        index = commandEnd
        var parameters: [String] = []
        while index < line.count, parameters.count < 15 {
            skipSpaces()
            guard index < line.count else { break }
            if line[index] == UInt8(ascii: ":") {
                parameters.append(decode(line[(index + 1)...]))
                break
            }
            let end = line[index...].firstIndex(of: 0x20) ?? line.count
            parameters.append(decode(line[index..<end]))
            index = end
        }
        return IRCMessage(tags: tags, prefix: prefix.flatMap { $0.isEmpty ? nil : $0 }, command: command, parameters: parameters)
    }

    static func parseTags(_ bytes: ArraySlice<UInt8>) -> [String: String] {
        var tags: [String: String] = [:]
        for item in bytes.split(separator: UInt8(ascii: ";")) where tags.count < 64 {
            let parts = item.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let key = decode(parts[0])
            guard !key.isEmpty else { continue }
            tags[key] = parts.count > 1 ? unescapeTag(decode(parts[1])) : ""
        }
        return tags
    }

    /// IRCv3 tag value escapes: `\:` `\s` `\\` `\r` `\n`; a lone trailing `\` is dropped.
    static func unescapeTag(_ value: String) -> String {
        guard value.contains("\\") else { return value }
        var result = ""
        var escaped = false
        for character in value {
            if escaped {
                switch character {
                case ":": result.append(";")
                case "s": result.append(" ")
                case "r": result.append("\r")
                case "n": result.append("\n")
                default: result.append(character)
                }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// UTF-8, else Latin-1 (every byte a character).
    static func decode(_ bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// The line as sent to the server: parameters are stripped of CR, LF and NUL so a
    /// value cannot start a second command; the last one is sent as trailing.
    public var serialized: String {
        func safe(_ text: String) -> String {
            // By scalar: "\r\n" is one Character, which a Character filter would not match.
            String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }))
        }
        var parts = [command]
        for (position, parameter) in parameters.enumerated() {
            let value = safe(parameter)
            if position == parameters.count - 1, value.isEmpty || value.contains(" ") || value.hasPrefix(":") {
                parts.append(":" + value)
            } else {
                parts.append(value)
            }
        }
        return parts.joined(separator: " ")
    }
}

/// mIRC formatting and other control characters in message text.
public enum IRCText {
    /// The text without formatting codes (bold, colour with its `fg,bg` digits, hex colour,
    /// italic, underline, strike-through, monospace, reverse, reset) and without any other
    /// control character; tabs become spaces.
    public static func plain(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        func digits(_ limit: Int, _ allowed: (Unicode.Scalar) -> Bool) -> Int {
            var count = 0
            while count < limit, index + count < scalars.count, allowed(scalars[index + count]) { count += 1 }
            return count
        }
        let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        let isHex: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) }
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar.value {
            case 0x03, 0x04:
                let valid = scalar.value == 0x03 ? isDigit : isHex
                let width = scalar.value == 0x03 ? 2 : 6
                let foreground = digits(width, valid)
                index += foreground
                if foreground > 0, index < scalars.count, scalars[index] == ",", index + 1 < scalars.count, valid(scalars[index + 1]) {
                    index += 1
                    index += digits(width, valid)
                }
            case 0x09:
                result.append(" ")
            case 0x00..<0x20, 0x7F, 0x80..<0xA0:
                continue
            default:
                result.append(scalar)
            }
        }
        scalars = []
        return String(result)
    }

    /// A CTCP request (`\u{1}ACTION waves\u{1}`) as its command and argument, else `nil`.
    public static func ctcp(_ text: String) -> (command: String, argument: String)? {
        guard text.hasPrefix("\u{1}") else { return nil }
        var body = text.dropFirst()
        if body.hasSuffix("\u{1}") { body = body.dropLast() }
        let command = body.prefix { $0 != " " }
        let argument = body.dropFirst(command.count).drop { $0 == " " }
        return (String(command).uppercased(), String(argument))
    }
}
