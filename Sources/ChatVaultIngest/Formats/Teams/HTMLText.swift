/// Readable text from the HTML of a chat message: tags dropped, block ends and `<br>` as
/// line breaks, entities decoded. Not a renderer — enough to search and read a Teams body.
enum HTMLText {
    static func text(_ html: String) -> String {
        var out = ""
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            out += decode(rest[..<open])
            guard let close = rest[open...].firstIndex(of: ">") else {
                rest = rest[open...]
                break
            }
            let tag = rest[rest.index(after: open)..<close].lowercased()
            let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber })
            if ["br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"].contains(String(name)), tag.hasPrefix("/") || name == "br" {
                if !out.isEmpty, !out.hasSuffix("\n") { out += "\n" }
            }
            rest = rest[rest.index(after: close)...]
        }
        out += decode(rest)
        return out.trimmingCharacters(in: " \n")
    }

    private static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let tail = rest[amp...]
            if let semi = tail.prefix(12).firstIndex(of: ";") {
                let entity = tail[tail.index(after: amp)..<semi]
                if let decoded = character(String(entity)) {
                    out.append(decoded)
                    rest = tail[tail.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = tail.dropFirst()
        }
        return out + rest
    }

    private static func character(_ entity: String) -> Character? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        default:
            guard entity.hasPrefix("#") else { return nil }
            let digits = entity.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let drop: (Character) -> Bool = { set.contains($0) }
        return String(self.drop(while: drop).reversed().drop(while: drop).reversed())
    }
}
