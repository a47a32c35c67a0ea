import ChatVaultCore

/// Reads the chats of a Telegram export message by message; positions are the line each
/// message starts on.
final class TelegramSource: MessageSource {
    private var chats: [TelegramChat]
    private let fallbackName: String
    private var chatIndex = 0
    private var messageIndex = 0
    private var pending: [SourceItem] = []
    private var lastLine = 0

    init(chats: [TelegramChat], fallbackName: String) {
        self.chats = chats
        self.fallbackName = fallbackName
    }

    func next() throws -> SourceItem? {
        while pending.isEmpty {
            guard chatIndex < chats.count else { return nil }
            let chat = chats[chatIndex]
            guard messageIndex < chat.messages.count else {
                chatIndex += 1
                messageIndex = 0
                continue
            }
            let index = messageIndex
            messageIndex += 1
            let line = index < chat.lines.count ? chat.lines[index] : lastLine
            lastLine = max(lastLine, line)
            let conversation = chat.value.text("id") ?? chat.value.text("name") ?? fallbackName
            let mapper = TelegramMessageMapper(
                conversation: conversation, name: chat.value.text("name") ?? conversation, kind: chat.kind,
                origin: "\(chat.source):\(line)")
            switch mapper.map(chat.messages[index], ordinal: index) {
            case .success(let messages): pending += messages.map { SourceItem(.success($0), position: lastLine) }
            case .failure(let failure):
                let error = InputError(source: chat.source, line: line, reason: "message \(index + 1): \(failure.reason)")
                pending.append(SourceItem(.failure(error), position: lastLine))
            }
        }
        return pending.removeFirst()
    }
}
