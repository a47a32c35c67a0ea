/// The formats `chatvault import --format` knows, and detection for `--format auto`.
public enum ImportFormats {
    /// Every format, in the order `auto` tries them (the most specific first).
    public static let all: [any ImportFormat] = [
        MattermostExport(), SlackExport(), WhatsAppExport(), TeamsExport(), DiscordExport(), TelegramExport(), IRCExport(), CSVExport(),
        ChatVaultJSONL(),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) -> (any ImportFormat)? {
        all.first { $0.name == name }
    }

    /// The format an export at `path` looks like, if any.
    public static func detect(_ path: String) -> (any ImportFormat)? {
        all.first { $0.recognizes(path) }
    }
}
