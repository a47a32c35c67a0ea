import ChatVaultCore

/// Reads the messages of a DiscordChatExporter file; positions are the line each message
/// starts on.
final class DiscordSource: MessageSource {
    private let source: String
    private let messages: [JSONValue]
    private let lines: [Int]
    private let mapper: DiscordMessageMapper
    private var index = 0
    private var pending: [SourceItem] = []

    init(source: String, messages: [JSONValue], lines: [Int], mapper: DiscordMessageMapper) {
        self.source = source
        self.messages = messages
        self.lines = lines
        self.mapper = mapper
    }

    func next() throws -> SourceItem? {
        while pending.isEmpty {
            guard index < messages.count else { return nil }
            let line = index < lines.count ? lines[index] : (lines.last ?? 1)
            defer { index += 1 }
            switch mapper.map(messages[index], origin: "\(source):\(line)") {
            case .success(let events): pending = events.map { SourceItem(.success($0), position: line) }
            case .failure(let failure):
                let error = InputError(source: source, line: line, reason: "message \(index + 1): \(failure.reason)")
                return SourceItem(.failure(error), position: line)
            }
        }
        return pending.removeFirst()
    }
}
