import ArgumentParser
import ChatVaultCapture
import Foundation

struct CaptureMatrix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matrix",
        abstract: "Capture the rooms of a Synapse homeserver through its admin API.",
        discussion: """
            Needs the access token of a server admin (--token-env or --token-file, or token_env / \
            token_file in the source's configuration). Reads every room (or each --room) from \
            where the last durable batch ended, then polls for new events. --once catches up \
            and exits.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "Run this source from the vault's config.json (options override its fields).")
    var source: String?

    @Option(help: "The homeserver's base URL (default http://127.0.0.1:8008).")
    var homeserver: String?

    @Option(name: .customLong("token-env"), help: "Environment variable holding the admin access token.")
    var tokenEnv: String?

    @Option(name: .customLong("token-file"), help: "File holding the admin access token (relative: inside the vault).")
    var tokenFile: String?

    @Option(name: .customLong("room"), help: "A room id to capture (repeatable; default: every room on the server).")
    var rooms: [String] = []

    @Option(help: "The source's name (its state file and audit events; default matrix).")
    var name: String?

    @Option(name: .customLong("poll-seconds"), help: "Seconds between polls for new events (default 2).")
    var pollSeconds: Double?

    @Option(name: .customLong("max-backoff"), help: "Longest wait in seconds between reconnection attempts.")
    var maxBackoff: Double = 30

    @Flag(help: "Catch up once and exit.")
    var once = false

    func validate() throws {
        if let pollSeconds, !(0.05...3600).contains(pollSeconds) { throw ValidationError("--poll-seconds must be between 0.05 and 3600") }
        if let homeserver {
            guard let url = URL(string: homeserver), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--homeserver must be an http:// or https:// URL")
            }
        }
        guard maxBackoff >= 0.5 else { throw ValidationError("--max-backoff must be at least 0.5") }
    }

    func run() async throws {
        try await reportingErrors {
            var configuration =
                try source.map { try CaptureRun.configured($0, kind: "matrix", options: options) }
                ?? SourceConfiguration(name: "matrix", kind: "matrix")
            if let name { configuration.name = name }
            if source == nil || homeserver != nil {
                let url = URL(string: homeserver ?? "http://127.0.0.1:8008")!
                configuration.tls = url.scheme == "https"
                configuration.host = url.host
                configuration.port = url.port
            }
            if !rooms.isEmpty { configuration.archives = rooms }
            if let tokenEnv { configuration.tokenEnv = tokenEnv }
            if let tokenFile { configuration.tokenFile = tokenFile }
            if let pollSeconds { configuration.pollSeconds = pollSeconds }
            guard configuration.tokenEnv != nil || configuration.tokenFile != nil || configuration.password != nil else {
                throw CLIError("no access token: give --token-env VAR or --token-file FILE")
            }
            try await CaptureRun.run(MatrixConnector(configuration: configuration, once: once), options: options, once: once, maxBackoff: maxBackoff)
        }
    }
}
