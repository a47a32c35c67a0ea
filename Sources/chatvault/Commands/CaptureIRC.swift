import ArgumentParser
import ChatVaultCapture
import Foundation

struct CaptureIRC: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "irc",
        abstract: "Log IRC channels, and private messages to the logger, into the vault.",
        discussion: """
            Connects as --nick, joins each --channel and archives messages, notices, actions, \
            joins, parts and quits until stopped. IRC keeps no history: what is said while the \
            logger is not connected is lost, and is recorded as a "down" gap of the source.
            """)

    @OptionGroup var options: VaultOptions
    @OptionGroup var capture: CaptureOptions

    @Option(help: "HOST:PORT of the IRC server (without --source).")
    var server = "127.0.0.1:6667"

    @Flag(help: "Connect with TLS.")
    var tls = false

    @Option(name: .customLong("ca-file"), help: "PEM file of the CA that signed the server's certificate.")
    var caFile: String?

    @Option(help: "The logger's nick.")
    var nick = "chatvault"

    @Option(name: .customLong("channel"), help: "A channel to join (repeatable).")
    var channels: [String] = []

    @Option(name: .customLong("password-env"), help: "Environment variable holding the server password, if it needs one.")
    var passwordEnv: String?

    @Option(help: "The source name for the state file (without --source).")
    var name = "irc"

    func validate() throws {
        if capture.source == nil {
            guard channels.allSatisfy({ $0.hasPrefix("#") || $0.hasPrefix("&") }), !channels.isEmpty else {
                throw ValidationError("give at least one --channel '#name' (or --source NAME)")
            }
            guard let colon = server.lastIndex(of: ":"), Int(server[server.index(after: colon)...]) != nil else {
                throw ValidationError("--server must be HOST:PORT")
            }
        }
    }

    func run() async throws {
        try await reportingErrors {
            var configuration: SourceConfiguration
            if let source = capture.source {
                configuration = try CaptureSession.configured(source, kind: "irc", vault: options.directory)
            } else {
                configuration = SourceConfiguration(name: name, kind: "irc")
                let colon = server.lastIndex(of: ":")!
                configuration.host = String(server[..<colon]).trimmingCharacters(in: ["[", "]"])
                configuration.port = Int(server[server.index(after: colon)...])
                configuration.tls = tls
                configuration.caFile = caFile
                configuration.username = nick
                configuration.archives = channels
                configuration.passwordEnv = passwordEnv
            }
            try await CaptureSession.run(IRCConnector(configuration: configuration), vault: options, capture: capture, once: false)
        }
    }
}
