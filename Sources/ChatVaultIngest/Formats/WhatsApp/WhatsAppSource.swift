import ChatVaultArchive
import ChatVaultCore
import Crypto

/// Reads an exported WhatsApp chat message by message; positions are line numbers, so
/// errors read `FILE:LINE: reason`.
final class WhatsAppSource: MessageSource {
    let chat: WhatsAppChat
    let conversation: String
    /// The zip the chat came in, to hash the media a message names.
    let media: SafeZip?
    private var lineIndex = 0
    /// Messages already seen in each minute, for source ids that stay stable across runs.
    private var perMinute: [Int64: Int] = [:]

    init(chat: WhatsAppChat, conversation: String, media: SafeZip?) {
        self.chat = chat
        self.conversation = conversation
        self.media = media
    }

    func next() throws -> SourceItem? {
        while lineIndex < chat.lines.count {
            let number = lineIndex + 1
            let range = chat.lines[lineIndex]
            lineIndex += 1
            let header = chat.bytes.withUnsafeBufferPointer { WhatsAppHeader.parse(UnsafeBufferPointer(rebasing: $0[range])) }
            guard let header else {
                if chat.bytes[range].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                return SourceItem(
                    .failure(InputError(source: chat.source, line: number, reason: "text before the first message header")), position: number)
            }
            var text = String(decoding: chat.bytes[(range.lowerBound + header.bodyStart)..<range.upperBound], as: UTF8.self)
            while lineIndex < chat.lines.count {
                let following = chat.lines[lineIndex]
                let isHeader = chat.bytes.withUnsafeBufferPointer { WhatsAppHeader.parse(UnsafeBufferPointer(rebasing: $0[following])) != nil }
                if isHeader { break }
                text += "\n" + String(decoding: chat.bytes[following], as: UTF8.self)
                lineIndex += 1
            }
            guard let micro = header.microseconds(dayFirst: chat.dayFirst) else {
                let order = chat.dayFirst ? "day-first" : "month-first"
                let reason = "the date is impossible read \(order) (\(header.first)/\(header.second)/\(header.third)); set the date order explicitly"
                return SourceItem(.failure(InputError(source: chat.source, line: number, reason: reason)), position: number)
            }
            return SourceItem(.success(message(text, at: Timestamp(microseconds: micro), line: number)), position: number)
        }
        return nil
    }

    private func message(_ body: String, at sentAt: Timestamp, line number: Int) -> IncomingMessage {
        let line = WhatsAppLine(body)
        let minute = sentAt.microseconds / 60_000_000
        let ordinal = perMinute[minute, default: 0]
        perMinute[minute] = ordinal + 1
        let digest = SHA256.hash(data: Array("\(sentAt.microseconds)|\(line.sender)|\(ordinal)".utf8))
        let sourceID = Array(digest.prefix(16)).hexString
        var message = Message(
            platform: "whatsapp", conversation: conversation, sourceID: sourceID, kind: line.kind,
            sender: Handle(id: line.sender, displayName: line.sender == WhatsAppLine.system ? "WhatsApp" : line.sender), sentAt: sentAt,
            text: line.text, deleted: line.deleted)
        var contents: [String: [UInt8]] = [:]
        message.attachments = line.attachments.map { name in
            let (attachment, bytes) = self.attachment(name)
            if let bytes, let sha256 = attachment.sha256 { contents[sha256] = bytes }
            return attachment
        }
        return IncomingMessage(
            message: message, conversationName: conversation, conversationKind: chat.isGroup ? .group : .direct, origin: "\(chat.source):\(number)",
            contents: contents)
    }

    /// The attachment named `name`, with its hash, size and content when the zip holds the file.
    private func attachment(_ name: String) -> (Attachment, [UInt8]?) {
        guard let media, media.paths.contains(name), let bytes = try? media.read(name) else { return (Attachment(name: name), nil) }
        let digest = SHA256.hash(data: bytes)
        let hex = Array(digest).hexString
        return (Attachment(name: name, sha256: hex, size: Int64(bytes.count), mediaType: MediaType.guess(name)), Array(bytes))
    }
}
