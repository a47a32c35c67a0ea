import ChatVaultCore
import Foundation

/// The part of a chat line after the date: who wrote it and what it says, or the system
/// notice it is (joins, leaves, security code changes), with media and deletion noted.
struct WhatsAppLine {
    static let system = "system"

    var sender: String
    var text: String
    var kind: Message.Kind = .message
    var deleted = false
    /// File names the message refers to; `<Media omitted>` is named as such.
    var attachments: [String] = []

    init(_ body: String) {
        if let colon = body.firstIndex(of: ":"), !Self.isNotice(body[..<colon]) {
            sender = String(body[..<colon]).trimmingSpaces
            text = String(body[body.index(after: colon)...])
            if text.hasPrefix(" ") { text.removeFirst() }
            noteMediaAndDeletion()
        } else {
            text = body
            (kind, sender) = Self.notice(body)
        }
    }

    private mutating func noteMediaAndDeletion() {
        // Every marker fits on a short first line; most messages are ruled out at once.
        guard let first = text.utf8.first,
            first == UInt8(ascii: "<") || first == UInt8(ascii: "T") || first == UInt8(ascii: "t")
                || first == UInt8(ascii: "Y") || first == UInt8(ascii: "y") || first == UInt8(ascii: " ") || text.contains(" (file attached)")
        else { return }
        let trimmed = text.trimmingSpaces
        let lower = trimmed.lowercased()
        if lower == "this message was deleted" || lower == "you deleted this message" || lower == "this message was deleted." {
            deleted = true
        } else if lower == "<media omitted>" || lower == "<médias omis>" || lower == "<medien ausgeschlossen>" {
            attachments = ["media omitted from the export"]
        } else if lower.hasPrefix("<attached: "), trimmed.hasSuffix(">") {
            attachments = [String(trimmed.dropFirst("<attached: ".count).dropLast())]
        } else if lower.hasSuffix(" (file attached)") {
            attachments = [String(trimmed.prefix(while: { $0 != "\n" }).dropLast(" (file attached)".count))]
        }
    }

    /// Whether a would-be sender is really the start of a notice such as
    /// `Alice changed the subject to "a: b"`.
    private static func isNotice<S: StringProtocol>(_ prefix: S) -> Bool {
        prefix.contains(" changed ") || prefix.contains(" created group") || prefix.contains(" added ") || prefix.contains(" removed ")
            || prefix.hasPrefix("Messages and calls are") || prefix.contains("\n")
    }

    private static func notice(_ body: String) -> (Message.Kind, String) {
        for (marker, kind) in [
            (" joined using this group's invite link", Message.Kind.join), (" joined", .join), (" added ", .join), (" left", .leave),
            (" removed ", .leave),
        ] {
            if let range = body.range(of: marker) {
                let name = String(body[..<range.lowerBound]).trimmingSpaces
                if kind == .leave && marker == " left" && range.upperBound != body.endIndex && body[range.upperBound...].trimmingSpaces != "" {
                    continue
                }
                return (kind, name.isEmpty || name.count > 100 ? system : name)
            }
        }
        return (.system, system)
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var start = startIndex
        var end = endIndex
        while start < end, self[start] == " " { start = index(after: start) }
        while end > start, self[index(before: end)] == " " { end = index(before: end) }
        return String(self[start..<end])
    }
}
