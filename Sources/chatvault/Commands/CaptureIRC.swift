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

    @Option(help: "Run this source from the vault's config.json (options override its fields).")
    var source: String?

    @Option(help: "HOST:PORT of the IRC server (default 127.0.0.1:6667).")
    var server: String?

    @Flag(help: "Connect with TLS.")
    var tls = false

    @Option(name: .customLong("ca-file"), help: "PEM file of the CA that signed the server's certificate.")
    var caFile: String?

    @Option(help: "The logger's nick (default chatvault).")
    var nick: String?

    @Option(name: .customLong("channel"), help: "A channel to join (repeatable).")
    var channels: [String] = []

    @Option(name: .customLong("password-env"), help: "Environment variable holding the server password, if it needs one.")
    var passwordEnv: String?

    @Flag(
        name: .customLong("allow-plaintext-password"),
        help: "Send the server password although TLS is off (it crosses the network in clear).")
    var allowPlaintextPassword = false

    @Option(help: "The source's name (its state file and audit events; default irc).")
    var name: String?

    @Option(name: .customLong("max-backoff"), help: "Longest wait in seconds between reconnection attempts.")
    var maxBackoff: Double = 30

    func validate() throws {
        if source == nil, channels.isEmpty { throw ValidationError("give at least one --channel '#name' (or --source NAME)") }
        guard channels.allSatisfy({ $0.hasPrefix("#") || $0.hasPrefix("&") }) else { throw ValidationError("channels start with # or &") }
        if let server {
            guard let colon = server.lastIndex(of: ":"), Int(server[server.index(after: colon)...]) != nil else {
                throw ValidationError("--server must be HOST:PORT")
            }
        }
        guard maxBackoff >= 0.5 else { throw ValidationError("--max-backoff must be at least 0.5") }
    }

    func run() async throws {
        try await reportingErrors {
            var configuration =
                try source.map { try CaptureRun.configured($0, kind: "irc", options: options) } ?? SourceConfiguration(name: "irc", kind: "irc")
            if let name { configuration.name = name }
            if source == nil || server != nil {
                let address = server ?? "127.0.0.1:6667"
                let colon = address.lastIndex(of: ":")!
                configuration.host = String(address[..<colon]).trimmingCharacters(in: ["[", "]"])
                configuration.port = Int(address[address.index(after: colon)...])
            }
            if tls { configuration.tls = true }
            if let caFile { configuration.caFile = caFile }
            if let nick { configuration.username = nick } else if source == nil { configuration.username = "chatvault" }
            if !channels.isEmpty { configuration.archives = channels }
            if let passwordEnv { configuration.passwordEnv = passwordEnv }
            if allowPlaintextPassword { configuration.allowPlaintextPassword = true }
            try await CaptureRun.run(IRCConnector(configuration: configuration), options: options, once: false, maxBackoff: maxBackoff)
        }
    }
}
