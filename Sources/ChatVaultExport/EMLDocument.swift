import ChatVaultCore
import Crypto
import Foundation

/// One conversation's day as an RFC 5322 message: a readable transcript as text and
/// HTML (`multipart/alternative`), and the day's stored attachments attached, so any
/// eDiscovery tool or mail client can open it.
struct EMLDocument {
    var key: String
    var title: String
    var day: String
    var records: [ExportRecord] = []
    /// Attachment contents by SHA-256, as stored in the vault.
    var files: [(name: String, mediaType: String?, bytes: [UInt8])] = []

    func render() -> [UInt8] {
        let digest = Array(SHA256.hash(data: Array("\(key)|\(day)".utf8))).hexString
        let boundary = "cv-" + digest.prefix(24)
        let first = records.first?.sentAt ?? Timestamp(microseconds: 0)
        var text = "\(title) (\(key)), \(day)\n\n"
        var html = HTMLTranscript.header(title: "\(title) — \(day)", key: key)
        for r in records {
            text += "[\(r.sentAt.iso8601)] \(r.who): \(Self.plainLine(r))\n"
            if let deliveredBy = r.deliveredBy { text += "    (delivered by \(deliveredBy))\n" }
            html += HTMLTranscript.row(r)
        }
        html += HTMLTranscript.footer
        var out = ""
        out += "From: \"ChatVault export\" <export@chatvault.invalid>\r\n"
        out += "To: undisclosed-recipients:;\r\n"
        out += "Subject: \(Self.encodedWord("[\(key)] \(title) \(day) (\(records.count) messages)"))\r\n"
        out += "Date: \(Self.rfc5322Date(first))\r\n"
        out += "Message-ID: <\(digest.prefix(32))@chatvault.invalid>\r\n"
        out += "X-ChatVault-Conversation: \(Self.encodedWord(key))\r\n"
        out += "MIME-Version: 1.0\r\n"
        out += "Content-Type: multipart/mixed; boundary=\"\(boundary)\"\r\n\r\n"
        out += "--\(boundary)\r\nContent-Type: multipart/alternative; boundary=\"\(boundary)-alt\"\r\n\r\n"
        out += "--\(boundary)-alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        out += Self.base64Lines(Array(text.utf8))
        out += "--\(boundary)-alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        out += Self.base64Lines(Array(html.utf8))
        out += "--\(boundary)-alt--\r\n"
        for file in files {
            let name = Self.encodedWord(file.name)
            out += "--\(boundary)\r\nContent-Type: \(Self.safeMediaType(file.mediaType)); name=\"\(name)\"\r\n"
            out += "Content-Disposition: attachment; filename=\"\(name)\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            out += Self.base64Lines(file.bytes)
        }
        out += "--\(boundary)--\r\n"
        return Array(out.utf8)
    }

    static func plainLine(_ r: ExportRecord) -> String {
        switch r.kind {
        case "edit": return "(edited \(r.target ?? "?")) " + r.text
        case "delete": return "(deleted \(r.target ?? "?"))"
        case "reaction": return "(reacted \(r.text) to \(r.target ?? "?"))"
        case "join": return "(joined)"
        case "leave": return "(left)"
        default:
            var line = r.text
            if r.deleted { line += " [deleted by the sender]" }
            for earlier in r.editedFrom { line += "\n    earlier version: " + earlier }
            for file in r.attachments { line += "\n    attachment: " + file.name }
            return line
        }
    }

    /// RFC 2047 `=?utf-8?B?…?=`, so any text is a valid header.
    static func encodedWord(_ text: String) -> String {
        "=?utf-8?B?" + Data(text.utf8).base64EncodedString() + "?="
    }

    static func safeMediaType(_ type: String?) -> String {
        guard let type, type.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: ";") }), type.contains("/")
        else { return "application/octet-stream" }
        return type
    }

    static func base64Lines(_ bytes: [UInt8]) -> String {
        let encoded = Data(bytes).base64EncodedString()
        var out = ""
        out.reserveCapacity(encoded.utf8.count + encoded.utf8.count / 76 * 2 + 2)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            out += encoded[index..<end] + "\r\n"
            index = end
        }
        return out
    }

    /// `Fri, 01 Mar 2024 09:00:00 +0000`
    static func rfc5322Date(_ time: Timestamp) -> String {
        let iso = time.iso8601
        let days = Int((time.microseconds / 1_000_000).floorDivided(86_400))
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = iso.prefix(10).split(separator: "-")
        let month = Int(parts[1]) ?? 1
        return "\(weekdays[((days % 7) + 7) % 7]), \(parts[2]) \(months[month - 1]) \(parts[0]) \(iso.dropFirst(11).prefix(8)) +0000"
    }
}

extension Int64 {
    fileprivate func floorDivided(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor < 0) ? q - 1 : q
    }
}
