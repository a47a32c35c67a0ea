import ChatVaultCore

/// One line of an IRC log in one of the layouts ChatVault reads: a time stamp (full,
/// day-and-month, or time of day only) and what happened, or a line that sets the date.
struct IRCLine: Equatable {
    enum Stamp: Equatable {
        /// Days since 1970 and seconds into the day.
        case full(days: Int64, seconds: Int64)
        /// dircproxy's `[15 Jan 08:42]`: the year comes from the file.
        case dayMonth(month: Int, day: Int, seconds: Int64)
        /// Time of day only: the date comes from a day-change line or the file name.
        case time(seconds: Int64)
    }

    enum Event: Equatable {
        case message(nick: String, text: String)
        case action(nick: String, text: String)
        case join(nick: String, channel: String?)
        case leave(nick: String)
        case system(nick: String?, text: String)
    }

    enum Kind: Equatable {
        case event(Stamp, Event)
        /// `--- Day changed Fri Mar 01 2024`, `--- Log opened …`, `Session Start: …`.
        case date(days: Int64)
        /// `--- Log closed …` and other lines that carry nothing to archive.
        case ignored
    }

    var kind: Kind
    /// The line after its time stamp, for ids stable across runs.
    var body: String

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The line, or `nil` when it is no IRC log line ChatVault knows.
    static func parse(_ line: String) -> IRCLine? {
        if let dated = dateLine(line) { return dated }
        guard let (stamp, rest, tabbed) = stamp(of: line) else { return nil }
        return IRCLine(kind: .event(stamp, tabbed ? weechat(rest) : event(rest)), body: rest)
    }

    private static func dateLine(_ line: String) -> IRCLine? {
        let pattern = #/^(?:--- (?:Day changed|Log opened)|Session Start:) \w{3},? (\w{3}) (\d{1,2})(?: \d{2}:\d{2}(?::\d{2})?)? (\d{4})/#
        if let match = line.prefixMatch(of: pattern) {
            guard let month = months.firstIndex(of: match.1.lowercased()), let day = Int(match.2), let year = Int(match.3),
                let days = days(year: year, month: month + 1, day: day)
            else { return nil }
            return IRCLine(kind: .date(days: days), body: line)
        }
        if line.hasPrefix("--- Log closed") || line.hasPrefix("Session Close:") || line.hasPrefix("Session Ident:") {
            return IRCLine(kind: .ignored, body: line)
        }
        return nil
    }

    /// The stamp, the rest of the line, and whether the rest is weechat's tab-separated form.
    private static func stamp(of line: String) -> (Stamp, String, Bool)? {
        if let m = line.prefixMatch(of: #/^\[?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?(\t| +)/#)
        {
            guard let days = days(year: Int(m.1)!, month: Int(m.2)!, day: Int(m.3)!), let seconds = seconds(m.4, m.5, m.6) else { return nil }
            return (.full(days: days, seconds: seconds), String(line[m.range.upperBound...]), m.7 == "\t")
        }
        if let m = line.prefixMatch(of: #/^\[(\d{1,2}) (\w{3}) (\d{1,2}):(\d{2})(?::(\d{2}))?\] /#) {
            guard let month = months.firstIndex(of: m.2.lowercased()), let day = Int(m.1), (1...31).contains(day),
                let seconds = seconds(m.3, m.4, m.5)
            else { return nil }
            return (.dayMonth(month: month + 1, day: day, seconds: seconds), String(line[m.range.upperBound...]), false)
        }
        if let m = line.prefixMatch(of: #/^\[?(\d{1,2}):(\d{2})(?::(\d{2}))?\]? /#) {
            guard let seconds = seconds(m.1, m.2, m.3) else { return nil }
            return (.time(seconds: seconds), String(line[m.range.upperBound...]), false)
        }
        return nil
    }

    /// weechat: `PREFIX\tTEXT`, the prefix a nick or `-->`, `<--`, `--`, ` *`.
    private static func weechat(_ rest: String) -> Event {
        guard let tab = rest.firstIndex(of: "\t") else { return event(rest) }
        let prefix = rest[..<tab].trimmingPrefix(while: \.isWhitespace)
        let text = String(rest[rest.index(after: tab)...])
        let first = String(text.prefix { $0 != " " })
        switch prefix {
        case "-->": return .join(nick: first, channel: channel(in: text))
        case "<--": return .leave(nick: first)
        case "*": return .action(nick: first, text: String(text.dropFirst(first.count).drop { $0 == " " }))
        case "--", "=!=", "": return .system(nick: nil, text: text)
        default: return .message(nick: nick(String(prefix)), text: text)
        }
    }

    private static func event(_ raw: String) -> Event {
        let rest = raw.trimmingPrefix(while: { $0 == " " })
        if rest.hasPrefix("<"), let close = rest.firstIndex(of: ">") {
            let who = String(rest[rest.index(after: rest.startIndex)..<close])
            var text = rest[rest.index(after: close)...]
            if text.hasPrefix(" ") { text = text.dropFirst() }
            // dircproxy marks identified (+) and unidentified (-) senders before the text.
            if who.contains("!"), let mark = text.first, mark == "+" || mark == "-" { text = text.dropFirst() }
            return .message(nick: nick(who), text: String(text))
        }
        if rest.hasPrefix("* "), !rest.hasPrefix("* ***") {
            let body = rest.dropFirst(2)
            let first = String(body.prefix { $0 != " " })
            return .action(nick: first, text: String(body.dropFirst(first.count).drop { $0 == " " }))
        }
        if rest.hasPrefix("-"), !rest.hasPrefix("-!-"), !rest.hasPrefix("--"), let close = rest.dropFirst().firstIndex(of: "-"),
            !rest[rest.index(after: rest.startIndex)..<close].contains(" ")
        {
            return .message(
                nick: String(rest[rest.index(after: rest.startIndex)..<close]), text: String(rest[rest.index(after: close)...].drop { $0 == " " }))
        }
        for marker in ["-!- ", "*** ", "--> ", "<-- ", "-- ", "== "] where rest.hasPrefix(marker) {
            return notice(String(rest.dropFirst(marker.count)), marker: marker)
        }
        return .system(nick: nil, text: String(rest))
    }

    /// Joins, parts, quits, nick and topic changes in irssi, supybot, ZNC and dircproxy words.
    private static func notice(_ text: String, marker: String) -> Event {
        if let m = text.prefixMatch(of: #/^(?:Joins|Parts|Quits): (\S+)/#) {
            return text.hasPrefix("Joins") ? .join(nick: nick(String(m.1)), channel: nil) : .leave(nick: nick(String(m.1)))
        }
        let first = nick(String(text.prefix { $0 != " " }))
        if marker == "--> " || text.contains(" has joined") || text.contains(" joined the channel") {
            return .join(nick: first, channel: channel(in: text))
        }
        if marker == "<-- " || text.contains(" has left") || text.contains(" has quit") || text.contains(" left the channel")
            || text.contains(" was kicked")
        {
            return .leave(nick: first)
        }
        let named = [" is now known as ", " changed the topic", " changes topic", " has changed the topic", " sets mode", " set the topic"]
        return .system(nick: named.contains { text.contains($0) } ? first : nil, text: text)
    }

    /// A nick without mode prefixes (`@`, `+`, `%`, `~`, `&`) or `!user@host`.
    static func nick(_ raw: String) -> String {
        let trimmed = raw.trimmingPrefix(while: { " @+%~&".contains($0) })
        return String(trimmed.prefix { $0 != "!" && $0 != " " })
    }

    static func channel(in text: String) -> String? {
        guard let m = text.firstMatch(of: #/(?:^|\s)([#&][^\s,]+)/#) else { return nil }
        return m.1.lowercased()
    }

    static func days(year: Int, month: Int, day: Int) -> Int64? {
        let text = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        guard year >= 1970, year <= 9999, let stamp = Timestamp(iso8601: text) else { return nil }
        return stamp.microseconds / 86_400_000_000
    }

    private static func seconds(_ hour: Substring, _ minute: Substring, _ second: Substring?) -> Int64? {
        guard let h = Int64(hour), let m = Int64(minute), h < 24, m < 60 else { return nil }
        let s = second.flatMap { Int64($0) } ?? 0
        guard s < 61 else { return nil }
        return h * 3600 + m * 60 + min(s, 59)
    }
}
