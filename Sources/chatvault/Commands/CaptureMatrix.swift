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
    @OptionGroup var capture: CaptureOptions

    @Option(help: "The homeserver's base URL (without --source).")
    var homeserver = "http://127.0.0.1:8008"

    @Option(name: .customLong("token-env"), help: "Environment variable holding the admin access token.")
    var tokenEnv: String?

    @Option(name: .customLong("token-file"), help: "File holding the admin access token (relative: inside the vault).")
    var tokenFile: String?

    @Option(name: .customLong("room"), help: "A room id to capture (repeatable; default: every room on the server).")
    var rooms: [String] = []

    @Option(help: "The source name for the state file (without --source).")
    var name = "matrix"

    @Option(name: .customLong("poll-seconds"), help: "Seconds between polls for new events (default 2).")
    var pollSeconds: Double?

    @Flag(help: "Catch up once and exit.")
    var once = false

    func validate() throws {
        if let pollSeconds, !(0.05...3600).contains(pollSeconds) { throw ValidationError("--poll-seconds must be between 0.05 and 3600") }
        guard let url = URL(string: homeserver), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ValidationError("--homeserver must be an http:// or https:// URL")
        }
    }

    func run() async throws {
        try await reportingErrors {
            var configuration: SourceConfiguration
            if let source = capture.source {
                configuration = try CaptureSession.configured(source, kind: "matrix", vault: options.directory)
            } else {
                configuration = SourceConfiguration(name: name, kind: "matrix")
                let url = URL(string: homeserver)!
                configuration.tls = url.scheme == "https"
                configuration.host = url.host
                configuration.port = url.port
                configuration.archives = rooms
            }
            if let tokenEnv { configuration.tokenEnv = tokenEnv }
            if let tokenFile { configuration.tokenFile = tokenFile }
            if let pollSeconds { configuration.pollSeconds = pollSeconds }
            guard configuration.tokenEnv != nil || configuration.tokenFile != nil || configuration.password != nil else {
                throw CLIError("no access token: give --token-env VAR or --token-file FILE")
            }
            try await CaptureSession.run(MatrixConnector(configuration: configuration, once: once), vault: options, capture: capture, once: once)
        }
    }
}
