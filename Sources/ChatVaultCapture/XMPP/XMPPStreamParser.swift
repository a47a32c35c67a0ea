/// An incremental parser for one XMPP stream (RFC 6120 §11): bytes go in as they arrive,
/// complete top-level elements (stanzas) come out.
///
/// It reads only the restricted XML that XMPP allows and refuses the rest: no DOCTYPE, no
/// entity declarations or references beyond the five predefined ones and character
/// references, no comments, CDATA or processing instructions (except the XML declaration).
/// Every stanza is bounded in bytes and depth, so a hostile server cannot make it grow
/// without limit; any violation is an ``XMPPStreamParser/Failure`` and ends the session.
public struct XMPPStreamParser: Sendable {
    public enum Event: Sendable, Hashable {
        /// The stream's root element opened, with its attributes (`id`, `from`, `version`).
        case streamOpened([String: String])
        case stanza(XMLElement)
        case streamClosed
    }

    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { "XML stream: \(reason)" }
    }

    public var maxStanzaBytes: Int
    public var maxDepth: Int
    public var maxAttributes: Int

    private struct Open {
        var qualifiedName: String
        var element: XMLElement
        var prefixes: [String: String]
        var defaultNamespace: String?
    }

    private var buffer: [UInt8] = []
    private var position = 0
    private var stack: [Open] = []
    /// Absolute offset of `buffer[0]` in the stream, and of the open stanza's `<`.
    private var base = 0
    private var stanzaStart: Int?
    private var rootSeen = false
    private var closed = false
    private var rootPrefixes: [String: String] = [:]
    private var rootDefault: String?

    public init(maxStanzaBytes: Int = 1 << 20, maxDepth: Int = 32, maxAttributes: Int = 64) {
        self.maxStanzaBytes = maxStanzaBytes
        self.maxDepth = maxDepth
        self.maxAttributes = maxAttributes
    }

    /// Forgets everything read so far: the stream restarts after STARTTLS and SASL success.
    public mutating func restart() {
        self = XMPPStreamParser(maxStanzaBytes: maxStanzaBytes, maxDepth: maxDepth, maxAttributes: maxAttributes)
    }

    /// Reads `bytes`, returning the events they complete. Bytes of an unfinished tag or
    /// stanza are kept for the next call.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(Failure) -> [Event] where Bytes.Element == UInt8 {
        // Nothing follows the end of the stream.
        if closed { return [] }
        if position > 0 {
            buffer.removeFirst(position)
            base += position
            position = 0
        }
        buffer.append(contentsOf: bytes)
        var events: [Event] = []
        while !closed, position < buffer.count {
            let start = position
            if buffer[position] == UInt8(ascii: "<") {
                guard let end = tagEnd(from: position) else { break }
                let tag = Array(buffer[position...end])
                position = end + 1
                try handleTag(tag, at: base + start, into: &events)
            } else {
                let end = buffer[position...].firstIndex(of: UInt8(ascii: "<")) ?? buffer.count
                let text = Array(buffer[position..<end])
                if end == buffer.count {
                    // An entity or a UTF-8 sequence may be split across chunks: wait for the '<'.
                    break
                }
                position = end
                try handleText(text)
            }
            try checkSize()
        }
        if closed {
            buffer.removeAll()
            position = 0
        }
        try checkSize()
        return events
    }

    /// Fails once the open stanza, or an unfinished tag or text, is larger than allowed.
    private func checkSize() throws(Failure) {
        let pending = buffer.count - position
        let inStanza = stanzaStart.map { base + buffer.count - $0 } ?? 0
        if pending > maxStanzaBytes || inStanza > maxStanzaBytes {
            throw Failure(reason: "stanza larger than \(maxStanzaBytes) bytes")
        }
    }

    /// The index of the `>` ending the tag that starts at `start`, outside quoted values.
    private func tagEnd(from start: Int) -> Int? {
        var quote: UInt8?
        var index = start + 1
        while index < buffer.count {
            let byte = buffer[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index
            }
            index += 1
        }
        return nil
    }

    private mutating func handleText(_ bytes: [UInt8]) throws(Failure) {
        guard !stack.isEmpty else {
            if bytes.allSatisfy(Self.isSpace) { return }
            throw Failure(reason: "text outside the stream element")
        }
        if stack.count == 1 {
            // Whitespace keepalives between stanzas.
            if bytes.allSatisfy(Self.isSpace) { return }
            throw Failure(reason: "text between stanzas")
        }
        let text = try Self.decode(bytes)
        stack[stack.count - 1].element.text += text
    }

    private mutating func handleTag(_ tag: [UInt8], at offset: Int, into events: inout [Event]) throws(Failure) {
        guard tag.count >= 3 else { throw Failure(reason: "empty tag") }
        switch tag[1] {
        case UInt8(ascii: "?"):
            let isDeclaration = tag.starts(with: Array("<?xml ".utf8)) && tag[tag.count - 2] == UInt8(ascii: "?")
            guard isDeclaration, !rootSeen else { throw Failure(reason: "processing instructions are not allowed") }
        case UInt8(ascii: "!"):
            if tag.starts(with: Array("<!DOCTYPE".utf8)) || tag.starts(with: Array("<!ENTITY".utf8)) {
                throw Failure(reason: "DOCTYPE and entity declarations are not allowed")
            }
            throw Failure(reason: "comments, CDATA and declarations are not allowed")
        case UInt8(ascii: "/"):
            let name = try Self.string(Array(tag[2..<(tag.count - 1)])).trimmingTrailingSpace
            guard let open = stack.popLast(), open.qualifiedName == name else {
                throw Failure(reason: "end tag </\(name.prefix(64))> does not match")
            }
            if stack.isEmpty {
                events.append(.streamClosed)
                closed = true
            } else if stack.count == 1 {
                events.append(.stanza(open.element))
                stanzaStart = nil
            } else {
                stack[stack.count - 1].element.children.append(open.element)
            }
        default:
            let selfClosing = tag[tag.count - 2] == UInt8(ascii: "/")
            let inner = Array(tag[1..<(tag.count - (selfClosing ? 2 : 1))])
            try openElement(inner, at: offset, selfClosing: selfClosing, into: &events)
        }
    }

    private mutating func openElement(_ inner: [UInt8], at offset: Int, selfClosing: Bool, into events: inout [Event]) throws(Failure) {
        guard stack.count < maxDepth else { throw Failure(reason: "elements nested deeper than \(maxDepth)") }
        if stack.isEmpty && rootSeen { throw Failure(reason: "a second stream element") }
        let (qualifiedName, rawAttributes) = try parseTag(inner)
        let parentPrefixes = stack.last?.prefixes ?? [:]
        var prefixes = parentPrefixes
        var defaultNamespace = stack.last?.defaultNamespace
        var attributes: [String: String] = [:]
        for (key, value) in rawAttributes {
            if key == "xmlns" {
                defaultNamespace = value
            } else if key.hasPrefix("xmlns:") {
                prefixes[String(key.dropFirst(6))] = value
            } else {
                attributes[key] = value
            }
        }
        var localName = qualifiedName
        var namespace = defaultNamespace
        if let colon = qualifiedName.firstIndex(of: ":") {
            let prefix = String(qualifiedName[..<colon])
            localName = String(qualifiedName[qualifiedName.index(after: colon)...])
            guard let bound = prefixes[prefix] else { throw Failure(reason: "undeclared namespace prefix \(prefix.prefix(64))") }
            namespace = bound
        }
        let open = Open(
            qualifiedName: qualifiedName, element: XMLElement(localName, namespace: namespace, attributes: attributes), prefixes: prefixes,
            defaultNamespace: defaultNamespace)
        if stack.isEmpty {
            rootSeen = true
            guard !selfClosing else {
                events.append(.streamOpened(attributes))
                events.append(.streamClosed)
                closed = true
                return
            }
            events.append(.streamOpened(attributes))
            stack.append(open)
            return
        }
        if selfClosing {
            if stack.count == 1 {
                events.append(.stanza(open.element))
            } else {
                stack[stack.count - 1].element.children.append(open.element)
            }
        } else {
            if stack.count == 1 { stanzaStart = offset }
            stack.append(open)
        }
    }

    /// Splits `name attr="value" …` into the name and the attributes, values decoded.
    private func parseTag(_ bytes: [UInt8]) throws(Failure) -> (String, [(String, String)]) {
        var index = 0
        func skipSpace() { while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 } }
        func name() throws(Failure) -> String {
            let start = index
            while index < bytes.count, !Self.isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: "/") {
                index += 1
            }
            guard index > start else { throw Failure(reason: "missing name in a tag") }
            let text = try Self.string(Array(bytes[start..<index]))
            guard Self.isName(text) else { throw Failure(reason: "invalid name \(text.prefix(64))") }
            return text
        }
        let tagName = try name()
        var attributes: [(String, String)] = []
        var seen = Set<String>()
        while true {
            let before = index
            skipSpace()
            if index == bytes.count { break }
            guard index > before else { throw Failure(reason: "attributes must be separated by space") }
            let key = try name()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw Failure(reason: "attribute \(key) has no value") }
            index += 1
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw Failure(reason: "attribute \(key) value is not quoted")
            }
            let quote = bytes[index]
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != quote { index += 1 }
            guard index < bytes.count else { throw Failure(reason: "attribute \(key) value is not closed") }
            let raw = Array(bytes[start..<index])
            index += 1
            guard !raw.contains(UInt8(ascii: "<")) else { throw Failure(reason: "'<' in attribute \(key)") }
            guard seen.insert(key).inserted else { throw Failure(reason: "duplicate attribute \(key)") }
            guard attributes.count < maxAttributes else { throw Failure(reason: "more than \(maxAttributes) attributes") }
            attributes.append((key, try Self.decode(raw)))
        }
        return (tagName, attributes)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "-", first != ".", !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            !"<>&\"'=/!?;#".unicodeScalars.contains(scalar) && scalar.value > 0x20
        }
    }

    static func string(_ bytes: [UInt8]) throws(Failure) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Failure(reason: "invalid UTF-8") }
        return text
    }

    /// Character data with the predefined entities and character references replaced.
    static func decode(_ bytes: [UInt8]) throws(Failure) -> String {
        let text = try string(bytes)
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].prefix(12).firstIndex(of: ";") else {
                throw Failure(reason: "unterminated entity reference")
            }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                var value: UInt32?
                if entity.hasPrefix("#x") {
                    value = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    value = UInt32(entity.dropFirst(1), radix: 10)
                } else {
                    throw Failure(reason: "undeclared entity &\(entity.prefix(16));")
                }
                guard let value, value != 0, let scalar = Unicode.Scalar(value) else {
                    throw Failure(reason: "invalid character reference &\(entity);")
                }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }
}

extension String {
    fileprivate var trimmingTrailingSpace: String {
        var text = self
        while let last = text.utf8.last, XMPPStreamParser.isSpace(last) { text.removeLast() }
        return text
    }
}
