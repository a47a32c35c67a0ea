import ChatVaultCore

/// The lines of one exported chat, cleaned of direction marks, with the date order
/// settled for the whole file before the first message is read.
struct WhatsAppChat {
    let source: String
    /// Byte ranges of the lines in ``bytes`` (without line ends).
    let lines: [Range<Int>]
    let bytes: [UInt8]
    let dayFirst: Bool
    /// Whether more than two people write in the chat.
    let isGroup: Bool

    init(bytes raw: [UInt8], source: String, dateOrder: WhatsAppExport.DateOrder) throws(InputError) {
        self.source = source
        guard String(validating: raw, as: UTF8.self) != nil else {
            var line = 1
            var start = 0
            for (index, byte) in raw.enumerated() where byte == 0x0A {
                if String(validating: raw[start..<index], as: UTF8.self) == nil { break }
                line += 1
                start = index + 1
            }
            throw InputError(source: source, line: line, reason: "invalid UTF-8")
        }
        let cleaned = Self.clean(raw)
        bytes = cleaned
        var lines: [Range<Int>] = []
        var start = cleaned.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        for index in cleaned.indices where cleaned[index] == 0x0A {
            lines.append(start..<(index > start && cleaned[index - 1] == 0x0D ? index - 1 : index))
            start = index + 1
        }
        if start < cleaned.count { lines.append(start..<cleaned.count) }
        self.lines = lines

        var firstAbove12 = false, secondAbove12 = false, dots = false, headers = 0
        var senders: Set<ArraySlice<UInt8>> = []
        cleaned.withUnsafeBufferPointer { buffer in
            for range in lines {
                guard let header = WhatsAppHeader.parse(UnsafeBufferPointer(rebasing: buffer[range])) else { continue }
                headers += 1
                if !header.isYearFirst {
                    if header.first > 12 { firstAbove12 = true }
                    if header.second > 12 { secondAbove12 = true }
                    if buffer[range.lowerBound + (buffer[range.lowerBound] == UInt8(ascii: "[") ? 1 : 0) + header.firstDigits] == UInt8(ascii: ".") {
                        dots = true
                    }
                }
                let body = cleaned[(range.lowerBound + header.bodyStart)..<range.upperBound]
                if senders.count < 3, let colon = body.firstIndex(of: UInt8(ascii: ":")) {
                    senders.insert(cleaned[body.startIndex..<colon])
                }
            }
        }
        guard headers > 0 else {
            throw InputError(
                source: source, line: 1, reason: lines.isEmpty ? "empty file" : "not a WhatsApp chat: no line starts with a date and time")
        }
        switch dateOrder {
        case .dayFirst: dayFirst = true
        case .monthFirst: dayFirst = false
        case .auto: dayFirst = firstAbove12 || (!secondAbove12 && dots)
        }
        isGroup = senders.count > 2
    }

    /// The bytes without the invisible direction marks exports contain (U+200E, U+200F,
    /// U+202A–U+202E), with U+202F and U+00A0 (the spaces before AM/PM) made plain spaces.
    static func clean(_ raw: [UInt8]) -> [UInt8] {
        guard raw.contains(0xE2) || raw.contains(0xC2) else { return raw }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            if raw[i] == 0xE2, i + 2 < raw.count, raw[i + 1] == 0x80 {
                switch raw[i + 2] {
                case 0x8E, 0x8F, 0xAA...0xAE:
                    i += 3
                    continue
                case 0xAF:
                    out.append(0x20)
                    i += 3
                    continue
                default: break
                }
            } else if raw[i] == 0xC2, i + 1 < raw.count, raw[i + 1] == 0xA0 {
                out.append(0x20)
                i += 2
                continue
            }
            out.append(raw[i])
            i += 1
        }
        return out
    }
}
