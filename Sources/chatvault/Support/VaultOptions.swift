import ArgumentParser
import ChatVaultArchive
import ChatVaultCore
import Foundation

/// Options every command that touches a vault shares.
struct VaultOptions: ParsableArguments {
    @Option(name: .long, help: "The vault directory (default: $CHATVAULT_VAULT, else ./vault).")
    var vault: String?

    @Option(name: .long, help: "Who is acting, for the audit trail (default: $CHATVAULT_ACTOR, else the OS user).")
    var actor: String?

    var directory: URL {
        let path = vault ?? ProcessInfo.processInfo.environment["CHATVAULT_VAULT"] ?? "vault"
        return URL(fileURLWithPath: path)
    }

    var actorName: String {
        if let actor, !actor.isEmpty { return actor }
        let environment = ProcessInfo.processInfo.environment
        if let actor = environment["CHATVAULT_ACTOR"], !actor.isEmpty { return actor }
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return "os:\(user)" }
        return "os:uid-\(getuid())"
    }

    func openVault() throws -> Vault {
        do {
            return try Vault.open(at: directory)
        } catch let failure as Vault.Failure {
            throw CLIError(failure.description)
        }
    }

    func openArchive() throws -> any ArchiveBackend {
        let vault = try openVault()
        return try vault.openArchive()
    }
}

/// An error shown to the person as one line, with exit code 2.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension AsyncParsableCommand {
    /// Runs `body`, printing a clear one-line message for expected failures.
    func reportingErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(2)
        }
    }
}
