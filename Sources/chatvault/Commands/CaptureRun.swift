import ChatVaultArchive
import ChatVaultCapture
import ChatVaultCore
import ChatVaultIngest
import Dispatch
import Foundation
import Logging

/// What every `capture <kind>` subcommand does once it has a source configuration: open the
/// vault, then run the connector under ``CaptureRunner`` until SIGTERM/SIGINT, or once.
enum CaptureRun {
    static func run(_ connector: any Connector, options: VaultOptions, once: Bool, maxBackoff: Double) async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["CHATVAULT_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        var logger = Logger(label: "chatvault.capture")
        logger[metadataKey: "source"] = "\(connector.configuration.name)"
        let vault = try options.openVault()
        let archive = try vault.openArchive()
        let ingestor = try Ingestor.forVault(vault, archive: archive, actor: options.actorName)
        let store = SourceStore(vault: vault)
        let configuration = connector.configuration
        let lock: Int32
        do {
            lock = try SourceLock.acquire(configuration.name, vault: vault.directory)
        } catch let refused as SourceLock.Refused {
            throw CLIError(refused.description)
        }
        defer { close(lock) }
        try await archive.recordAudit(
            action: "capture.start", actor: options.actorName,
            detail: .object([("source", .string(configuration.name)), ("kind", .string(configuration.kind)), ("once", .bool(once))]))
        if once {
            let context = CaptureContext(
                configuration: configuration, ingestor: ingestor, store: store, logger: logger, vaultDirectory: vault.directory)
            do {
                try await connector.run(context)
            } catch {
                let now = Date().timeIntervalSince1970
                try await store.update(configuration.name, kind: configuration.kind) { state in
                    if state.status != .down { state.downSince = now }
                    state.status = .down
                    state.lastError = "\(error)"
                }
                throw error
            }
        } else {
            let runner = CaptureRunner(maxBackoff: .milliseconds(Int64(min(max(maxBackoff, 0.1), 86_400) * 1000)))
            let runLogger = Logger(label: "chatvault.capture")
            await untilSignalled {
                await runner.run([connector], ingestor: ingestor, store: store, vaultDirectory: vault.directory, logger: runLogger)
            }
        }
        let state = try await store.state(of: configuration.name, kind: configuration.kind)
        try await archive.recordAudit(
            action: "capture.stop", actor: options.actorName,
            detail: .object([("source", .string(configuration.name)), ("stored", .int(state.stored)), ("duplicates", .int(state.duplicates))]))
        Terminal.err("capture \(configuration.name): \(state.stored) stored, \(state.duplicates) duplicates, \(state.rejected) rejected in total")
    }

    /// Runs `body` in a task that SIGTERM and SIGINT cancel; returns when it has finished.
    static func untilSignalled(_ body: @escaping @Sendable () async -> Void) async {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let task = Task { await body() }
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Terminal.err("chatvault: signal \(number): finishing the current batch")
                task.cancel()
            }
            source.resume()
            return source
        }
        await task.value
        for source in sources { source.cancel() }
    }

    /// The configured source `name` from the vault's config.json, which must be of `kind`.
    static func configured(_ name: String, kind: String, options: VaultOptions) throws -> SourceConfiguration {
        let sources = try CaptureConfiguration.load(vaultDirectory: options.directory).sources
        guard let source = sources.first(where: { $0.name == name }) else {
            throw CLIError("no source named \(name) in \(options.directory.appendingPathComponent("config.json").path)")
        }
        guard source.kind == kind else { throw CLIError("source \(name) is of kind \(source.kind), not \(kind)") }
        return source
    }
}
