public import ChatVaultArchive
import ChatVaultCapture
import ChatVaultCore
import ChatVaultIngest
import Foundation
import Hummingbird
public import Logging
import ServiceLifecycle

/// Runs `chatvault serve`: the console and API, and the vault's configured live sources,
/// until SIGTERM or SIGINT. On either signal the server stops taking requests and each
/// connector finishes the batch it is storing before the process exits.
public enum ServeRunner {
    public static func run(vault: Vault, configuration: ServerConfiguration, logger: Logger, capture: Bool = true) async throws {
        let archive = try vault.openArchive()
        let server = try ConsoleServer(vault: vault, archive: archive, configuration: configuration, logger: logger)
        var services: [any Service] = []
        if capture {
            var connectors: [any Connector] = []
            for source in try CaptureConfiguration.load(vaultDirectory: vault.directory).sources {
                // A source captured by another process (`chatvault capture`) is left to it.
                do {
                    _ = try SourceLock.acquire(source.name, vault: vault.directory)  // held until the process exits
                } catch {
                    logger.warning("source not started here", metadata: ["source": "\(source.name)", "reason": "\(error)"])
                    continue
                }
                connectors.append(try Connectors.make(source))
            }
            if !connectors.isEmpty {
                services.append(
                    CaptureService(connectors: connectors, ingestor: server.ingestor, store: server.sources, vault: vault, logger: logger))
            }
        }
        try await archive.recordAudit(
            action: "server.start", actor: "chatvault-serve",
            detail: .object([("host", .string(configuration.host)), ("port", .int(configuration.port)), ("sources", .int(services.count))]))
        try await server.application(services: services).runService()
        _ = try? await archive.recordAudit(action: "server.stop", actor: "chatvault-serve", detail: .object([]))
    }
}

/// The live connectors as a service of the server's service group.
struct CaptureService: Service {
    let connectors: [any Connector]
    let ingestor: ChatVaultIngest.Ingestor
    let store: SourceStore
    let vault: Vault
    let logger: Logger

    func run() async throws {
        // Graceful shutdown cancels the runner; a connector finishes its current batch first.
        await cancelWhenGracefulShutdown {
            await CaptureRunner().run(connectors, ingestor: ingestor, store: store, vaultDirectory: vault.directory, logger: logger)
        }
    }
}
