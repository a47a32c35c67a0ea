/// Escapes text for XML 1.0 element content and attribute values. Message bodies, names
/// and file names are hostile: nothing reaches the EDRM load file without passing here.
enum XMLEscaping {
    /// Escapes markup characters, writes line breaks and tabs as character references (so
    /// attribute-value normalisation keeps them), and replaces characters XML 1.0 cannot
    /// carry at all (other C0 controls, U+FFFE, U+FFFF) with U+FFFD.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
