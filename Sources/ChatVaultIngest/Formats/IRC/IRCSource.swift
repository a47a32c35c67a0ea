import ChatVaultCore
import Crypto

/// Reads an IRC log line by line; positions are line numbers.
///
/// IRC has no encoding: a line that is not valid UTF-8 is read as Latin-1 (every byte
/// kept as one character), the usual choice of log viewers for mixed-charset channels.
/// Source ids are the first 16 bytes (hex) of SHA-256 over the time, the line after its
/// stamp and the number of identical lines before it.
final class IRCSource: MessageSource {
    let source: String
    private let lines: [String]
    private let channel: String
    private let fileDays: Int64?
    private var days: Int64?
    private var index = 0
    private var seen: [String: Int] = [:]

    init(source: String, lines: [String], channel: String, fileDays: Int64?) {
        self.source = source
        self.lines = lines
        self.channel = channel
        self.fileDays = fileDays
        days = fileDays
    }

    func next() throws -> SourceItem? {
        while index < lines.count {
            let number = index + 1
            let text = lines[index]
            index += 1
            if text.allSatisfy(\.isWhitespace) { continue }
            func fail(_ reason: String) -> SourceItem {
                SourceItem(.failure(InputError(source: source, line: number, reason: reason)), position: number)
            }
            guard let line = IRCLine.parse(text) else {
                return fail("not an IRC log line ChatVault knows (expected a time stamp such as HH:MM, [HH:MM:SS] or YYYY-MM-DD HH:MM:SS)")
            }
            switch line.kind {
            case .ignored: continue
            case .date(let day): days = day
            case .event(let stamp, let event):
                guard let time = time(of: stamp) else {
                    return fail("a time without a date: add a day-change line or name the file …YYYY-MM-DD.log")
                }
                return SourceItem(.success(message(event, at: time, body: line.body, line: number)), position: number)
            }
        }
        return nil
    }

    private func time(of stamp: IRCLine.Stamp) -> Timestamp? {
        let day: Int64
        let seconds: Int64
        switch stamp {
        case .full(let d, let s):
            day = d
            seconds = s
            days = d
        case .time(let s):
            guard let days else { return nil }
            day = days
            seconds = s
        case .dayMonth(let month, let dayOfMonth, let s):
            guard let known = days ?? fileDays else { return nil }
            let year = Int(Timestamp(microseconds: known * 86_400_000_000).iso8601.prefix(4)) ?? 1970
            guard let d = IRCLine.days(year: year, month: month, day: dayOfMonth) else { return nil }
            day = d
            seconds = s
        }
        return Timestamp(microseconds: (day * 86_400 + seconds) * 1_000_000)
    }

    private func message(_ event: IRCLine.Event, at time: Timestamp, body: String, line: Int) -> IncomingMessage {
        let key = "\(time.microseconds)|\(body)"
        let ordinal = seen[key, default: 0]
        seen[key] = ordinal + 1
        let digest = SHA256.hash(data: Array("\(key)|\(ordinal)".utf8))
        let id = Array(digest.prefix(16)).hexString
        let (kind, nick, text): (Message.Kind, String, String)
        switch event {
        case .message(let who, let said): (kind, nick, text) = (.message, who, said)
        case .action(let who, let did): (kind, nick, text) = (.message, who, did)
        case .join(let who, _): (kind, nick, text) = (.join, who, body)
        case .leave(let who): (kind, nick, text) = (.leave, who, body)
        case .system(let who, let said): (kind, nick, text) = (.system, who ?? "server", said)
        }
        let message = Message(
            platform: "irc", conversation: channel, sourceID: id, kind: kind, sender: Handle(id: nick.isEmpty ? "server" : nick),
            sentAt: time, text: text)
        let conversationKind: Conversation.Kind = channel.hasPrefix("#") || channel.hasPrefix("&") ? .channel : .direct
        return IncomingMessage(message: message, conversationName: channel, conversationKind: conversationKind, origin: "\(source):\(line)")
    }

    /// The file's lines, each decoded as UTF-8 or, failing that, Latin-1.
    static func lines(of bytes: [UInt8]) -> [String] {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        var lines = body.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            decode(Array(line.last == 0x0D ? line.dropLast() : line))
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    static func decode(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
