import ChatVaultCore

/// The parsers of each format run on bytes in memory, without files or an archive, for
/// the fuzz target (`Sources/chatvault-fuzz`) and the random-input tests. Every input
/// must end in messages or ``InputError``s; anything else (a trap, a hang) is a bug.
package enum ParserHarness {
    package static let parsers = ["jsonl", "whatsapp", "slack", "telegram", "discord", "irc", "csv"]

    /// Parses `bytes` as `parser` and returns how many messages and errors came out.
    @discardableResult
    package static func run(_ parser: String, _ bytes: [UInt8]) -> (messages: Int, errors: Int) {
        let source = "fuzz-input"
        var counts = (messages: 0, errors: 0)
        func drain(_ items: some MessageSource) {
            while let item = try? items.next() {
                switch item.result {
                case .success: counts.messages += 1
                case .failure: counts.errors += 1
                }
            }
        }
        do throws(InputError) {
            switch parser {
            case "jsonl":
                let format = ChatVaultJSONL()
                for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
                    let result = Array(line).withUnsafeBufferPointer { format.message(from: $0, source: source, line: index + 1) }
                    if case .success = result { counts.messages += 1 } else { counts.errors += 1 }
                }
            case "whatsapp":
                drain(WhatsAppSource(chat: try WhatsAppChat(bytes: bytes, source: source, dateOrder: .auto), conversation: source, media: nil))
            case "slack":
                let document = try JSONDocument(bytes: bytes, source: source)
                let conversation = SlackDirectory.Conversation(id: "C1", name: "#fuzz", folder: "fuzz", kind: .channel, members: [])
                let mapper = SlackMessageMapper(directory: SlackDirectory(empty: ()), conversation: conversation)
                for item in document.root.arrayValue ?? [document.root] {
                    if case .success = mapper.map(item, origin: source) { counts.messages += 1 } else { counts.errors += 1 }
                }
            case "telegram":
                drain(TelegramSource(chats: try TelegramExport.chats(in: try JSONDocument(bytes: bytes, source: source)), fallbackName: source))
            case "discord":
                drain(try DiscordExport.source(try JSONDocument(bytes: bytes, source: source)))
            case "irc":
                drain(IRCSource(source: source, lines: IRCSource.lines(of: bytes), channel: "#fuzz", fileDays: 19_783))
            case "csv":
                drain(try CSVExport(mapping: CSVMapping()).source(bytes: bytes, path: source))
            default:
                break
            }
        } catch {
            counts.errors += 1
        }
        return counts
    }
}

extension SlackDirectory {
    /// A directory that knows no users or channels, for parsing day files on their own.
    init(empty: Void) {}
}
