import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import ChatVaultServer
import Foundation
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the compliance console and REST API, and capture the vault's live sources.",
        discussion: """
            Listens where the "server" object of the vault's config.json says (default 127.0.0.1:8080),
            overridden by $CHATVAULT_HOST / $CHATVAULT_PORT and then --host / --port. Sign-in needs an
            account: `chatvault user add NAME --role officer`. SIGTERM or SIGINT stops it gracefully.
            """)

    @OptionGroup var options: VaultOptions

    @Option(help: "Address to listen on.")
    var host: String?

    @Option(help: "Port to listen on.")
    var port: Int?

    @Flag(help: "Do not run the live sources configured in the vault.")
    var noCapture = false

    func run() async throws {
        try await reportingErrors {
            let vault = try options.openVault()
            var configuration = try ServerConfiguration.load(vaultDirectory: vault.directory)
            if let host { configuration.host = host }
            if let port { configuration.port = port }
            let logger = Logging.Logger(label: "chatvault")
            Terminal.out("ChatVault console on http://\(configuration.host):\(configuration.port)/ (vault \(vault.directory.path))")
            if try await AccountStore(vaultDirectory: vault.directory).users.isEmpty {
                Terminal.out("No console account yet: create one with `chatvault user add NAME --role officer` (the password is read from stdin).")
            }
            try await ServeRunner.run(vault: vault, configuration: configuration, logger: logger, capture: !noCapture)
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage console accounts.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or change an account (the password is read from stdin or an environment variable).")

        @OptionGroup var options: VaultOptions

        @Argument(help: "The user name.")
        var name: String

        @Option(help: "admin, officer, reviewer or auditor.")
        var role: String

        @Option(help: "Directory groups whose alerts a reviewer sees (comma-separated).")
        var groups = ""

        @Option(help: "Read the password from this environment variable instead of stdin.")
        var passwordEnv: String?

        func run() async throws {
            try await reportingErrors {
                let vault = try options.openVault()
                guard let role = Role(rawValue: role), Role.people.contains(role) else {
                    throw CLIError("--role must be admin, officer, reviewer or auditor")
                }
                let password: String?
                if let passwordEnv {
                    guard let value = ProcessInfo.processInfo.environment[passwordEnv] else { throw CLIError("\(passwordEnv) is not set") }
                    password = value
                } else {
                    password = Terminal.readSecret(prompt: "Password for \(name) (at least 12 characters, not shown): ")
                }
                // The server's cost, so a CLI-made hash takes as long to check as the decoy does.
                let cost = try ServerConfiguration.load(vaultDirectory: vault.directory).bcryptCost
                let accounts = try AccountStore(vaultDirectory: vault.directory, bcryptCost: UInt8(clamping: cost))
                let groupList = groups.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                try await vault.openArchive().recordAudit(
                    action: "console.user.save", actor: options.actorName,
                    detail: .object([("user", .string(name)), ("user_role", .string(role.rawValue)), ("via", .string("cli"))]))
                do {
                    try await accounts.setUser(name: name, role: role, password: password, groups: groupList)
                } catch let failure as AccountStore.Failure {
                    throw CLIError(failure.description)
                }
                Terminal.out("saved \(name) (\(role.rawValue))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts and API tokens.")

        @OptionGroup var options: VaultOptions

        func run() async throws {
            try await reportingErrors {
                let accounts = try AccountStore(vaultDirectory: try options.openVault().directory)
                for user in await accounts.users {
                    Terminal.out(
                        "\(Terminal.safe(user.name))\t\(user.role.rawValue)\t\(user.groups.joined(separator: ","))\(user.disabled ? "\tdisabled" : "")"
                    )
                }
                for token in await accounts.tokens {
                    Terminal.out("token \(Terminal.safe(token.name))\t\(token.role.rawValue)\t\(token.source ?? "")")
                }
            }
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create an API token for an integration (printed once), or --revoke one.")

    @OptionGroup var options: VaultOptions

    @Argument(help: "The token's name.")
    var name: String

    @Option(help: "ingest, gateway, auditor, officer or reviewer.")
    var role = "ingest"

    @Option(help: "For ingest and gateway tokens: the source name its messages are recorded under.")
    var source: String?

    @Option(name: .customLong("platform"), help: "For ingest and gateway tokens: a platform it may write to (repeatable; default: the source name).")
    var platforms: [String] = []

    @Option(
        name: .customLong("conversation"),
        help:
            "For ingest and gateway tokens: a conversation it may write to, platform:id or platform:prefix* (repeatable; default: any on its platforms)."
    )
    var conversations: [String] = []

    @Flag(help: "Revoke the token with this name instead of creating one.")
    var revoke = false

    func run() async throws {
        try await reportingErrors {
            let vault = try options.openVault()
            if revoke {
                try await vault.openArchive().recordAudit(
                    action: "console.token.revoke", actor: options.actorName, detail: .object([("token", .string(name)), ("via", .string("cli"))]))
                guard try await AccountStore(vaultDirectory: vault.directory).revokeToken(name: name) else {
                    throw CLIError("no token named \(name)")
                }
                Terminal.out("revoked \(name)")
                return
            }
            guard let role = Role(rawValue: role), role != .admin else {
                throw CLIError("--role must be ingest, gateway, auditor, officer or reviewer")
            }
            var scope: IngestScope?
            if role == .ingest || role == .gateway {
                do {
                    scope = try IngestScope.validated(platforms: platforms.isEmpty ? [source ?? name] : platforms, conversations: conversations)
                } catch let error as ScopeError {
                    throw CLIError(error.description)
                }
            } else if !platforms.isEmpty || !conversations.isEmpty {
                throw CLIError("--platform and --conversation are for ingest and gateway tokens")
            }
            try await vault.openArchive().recordAudit(
                action: "console.token.create", actor: options.actorName,
                detail: .object([
                    ("token", .string(name)), ("token_role", .string(role.rawValue)), ("via", .string("cli")),
                    ("platforms", .array((scope?.platforms ?? []).map(JSONValue.string))),
                    ("conversations", .array((scope?.conversations ?? []).map(JSONValue.string))),
                ]))
            let accounts = try AccountStore(vaultDirectory: vault.directory)
            do {
                Terminal.out(
                    try await accounts.createToken(
                        name: name, role: role, source: source ?? name, createdBy: options.actorName, platforms: scope?.platforms,
                        conversations: scope.map { $0.conversations.isEmpty ? nil : $0.conversations } ?? nil))
            } catch let failure as AccountStore.Failure {
                throw CLIError(failure.description)
            }
        }
    }
}
