import ChatVaultCore
import Foundation

/// An IRC log written by irssi, weechat, ZNC, supybot/limnoria, dircproxy or a client
/// with the same layouts (see `docs/IMPORT.md`). Positions are line numbers.
///
/// The channel is the `#name` in the file name (`#chan_20240301.log`,
/// `irc.libera.#chan.weechatlog`), else the parent folder when it is a channel (ZNC's
/// `#chan/2024-03-01.log`), else the first channel the log names in a join line, else the
/// file name without its date. Dates come from the line itself, else from the last
/// day-change line, else from a `YYYY-MM-DD` or `YYYYMMDD` in the file name.
public struct IRCExport: ImportFormat {
    public var maxBytes: Int

    public init(maxBytes: Int = 256 << 20) {
        self.maxBytes = maxBytes
    }

    public var name: String { "irc" }

    public func open(_ path: String) throws -> any MessageSource {
        let bytes = try WholeFile.read(path, limit: maxBytes)
        guard bytes.contains(where: { !JSONDocument.isSpace($0) }) else {
            throw InputError(source: path, line: 1, reason: "empty file, expected IRC log lines")
        }
        let lines = IRCSource.lines(of: bytes)
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let folder = url.deletingLastPathComponent().lastPathComponent
        let channel =
            Self.channel(fromName: stem) ?? (folder.hasPrefix("#") ? folder.lowercased() : nil) ?? Self.firstJoinedChannel(lines)
            ?? Self.undated(stem)
        return IRCSource(source: path, lines: lines, channel: channel, fileDays: Self.date(inName: stem))
    }

    public func recognizes(_ path: String) -> Bool {
        let lower = path.lowercased()
        guard [".log", ".txt", ".weechatlog", ".irc"].contains(where: { lower.hasSuffix($0) }) else { return false }
        let head = WholeFile.head(path, count: 4096)
        let lines = head.split(separator: 0x0A, omittingEmptySubsequences: true).prefix(5)
        guard let first = lines.first(where: { !$0.allSatisfy(JSONDocument.isSpace) }) else { return false }
        return IRCLine.parse(IRCSource.decode(Array(first))) != nil
    }

    /// `#chan` from `#chan_20240301`, `#chan.2024-03-01`, `irc.libera.#chan`.
    static func channel(fromName stem: String) -> String? {
        guard let hash = stem.firstIndex(where: { $0 == "#" }) else { return nil }
        let name = undated(String(stem[hash...]))
        return name.count > 1 ? name.lowercased() : nil
    }

    /// The name without a leading or trailing date and the separators around it.
    static func undated(_ stem: String) -> String {
        var name = stem
        if let m = name.firstMatch(of: #/[_.-]?\d{4}-?\d{2}-?\d{2}[_.-]?/#) { name.removeSubrange(m.range) }
        return name.isEmpty ? "irc" : name
    }

    static func date(inName stem: String) -> Int64? {
        guard let m = stem.firstMatch(of: #/(\d{4})-?(\d{2})-?(\d{2})/#) else { return nil }
        return IRCLine.days(year: Int(m.1)!, month: Int(m.2)!, day: Int(m.3)!)
    }

    private static func firstJoinedChannel(_ lines: [String]) -> String? {
        for line in lines.prefix(10_000) {
            if case .event(_, .join(_, let channel?))? = IRCLine.parse(line)?.kind { return channel }
        }
        return nil
    }
}
