import ArgumentParser
import ChatVaultCapture
import Foundation

struct CaptureXMPP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xmpp",
        abstract: "Capture an XMPP account and rooms through their message archives (XEP-0313).",
        discussion: """
            Logs in with STARTTLS (certificate verified; --ca-file for a private CA) and SASL, reads the \
            account's own archive and each --archive room JID from the saved cursors, then polls every \
            --poll-seconds. Options override a configured --source.
            """
    )

    @OptionGroup var options: VaultOptions

    @Option(help: "Run this source from the vault's config.json.")
    var source: String?

    @Option(help: "The source's name (its state file and audit events).")
    var name: String?

    @Option(help: "Server host (default: the domain).")
    var host: String?

    @Option(help: "Server port (default 5222).")
    var port: Int?

    @Option(help: "The XMPP domain.")
    var domain: String?

    @Option(help: "The account: local part or bare JID.")
    var username: String?

    @Option(name: .customLong("password-env"), help: "Environment variable holding the password.")
    var passwordEnv: String?

    @Option(name: .customLong("password-file"), help: "File holding the password.")
    var passwordFile: String?

    @Option(name: .customLong("ca-file"), help: "PEM file of the CA that signed the server's certificate.")
    var caFile: String?

    @Option(
        name: .customLong("archive"), help: "An archive to read: the account's bare JID or a MUC room JID (repeatable; default: the account's own).")
    var archives: [String] = []

    @Option(name: .customLong("poll-seconds"), help: "Seconds between polls (default 30).")
    var pollSeconds: Double?

    @Option(name: .customLong("silence-hours"), help: "Report a gap after this many hours without a message.")
    var silenceHours: Double?

    @Option(name: .customLong("max-backoff"), help: "Longest wait in seconds between reconnection attempts.")
    var maxBackoff: Double = 30

    @Option(name: .customLong("page-size"), help: "Messages asked for per archive page (and stored per batch).")
    var pageSize = 100

    @Flag(help: "Catch up with every archive once and exit.")
    var once = false

    func validate() throws {
        if source == nil && username == nil { throw ValidationError("give --username (and --domain) or --source NAME") }
        if let pollSeconds, !(pollSeconds > 0 && pollSeconds.isFinite) { throw ValidationError("--poll-seconds must be a positive number") }
        if !(maxBackoff > 0 && maxBackoff.isFinite) { throw ValidationError("--max-backoff must be a positive number") }
        if let silenceHours, !(silenceHours > 0 && silenceHours.isFinite) { throw ValidationError("--silence-hours must be a positive number") }
        if !(1...1000).contains(pageSize) { throw ValidationError("--page-size must be 1 to 1000") }
    }

    func run() async throws {
        try await reportingErrors {
            var configuration =
                try source.map { try CaptureRun.configured($0, kind: "xmpp", options: options) }
                ?? SourceConfiguration(name: name ?? "xmpp", kind: "xmpp")
            if let name { configuration.name = name }
            if let host { configuration.host = host }
            if let port { configuration.port = port }
            if let domain { configuration.domain = domain }
            if let username { configuration.username = username }
            if let passwordEnv { configuration.passwordEnv = passwordEnv }
            // Paths given on the command line are relative to the working directory, not the vault.
            if let passwordFile { configuration.passwordFile = Self.absolute(passwordFile) }
            if let caFile { configuration.caFile = Self.absolute(caFile) }
            if !archives.isEmpty { configuration.archives = archives }
            if let pollSeconds { configuration.pollSeconds = pollSeconds }
            if let silenceHours { configuration.silenceHours = silenceHours }
            let connector = XMPPConnector(configuration: configuration, catchUpOnly: once, pageSize: pageSize)
            try await CaptureRun.run(connector, options: options, once: once, maxBackoff: maxBackoff)
        }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
