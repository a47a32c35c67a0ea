import ArgumentParser
import ChatVaultArchive
import ChatVaultCapture
import ChatVaultIngest
import Dispatch
import Foundation
import Logging

/// Options every `chatvault capture` subcommand shares.
struct CaptureOptions: ParsableArguments {
    @Option(help: "Run the source with this name from the vault's config.json \"sources\".")
    var source: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("max-backoff"), help: "Longest wait in seconds before reconnecting after a failure (it doubles from 0.5).")
    var maxBackoff = 30.0

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, warning, error") }
        guard (0.5...3600).contains(maxBackoff) else { throw ValidationError("--max-backoff must be between 0.5 and 3600 seconds") }
    }
}

/// Runs one source in the foreground until SIGINT or SIGTERM (or, for a connector that
/// returns by itself, until it is done), logging to standard error.
enum CaptureSession {
    /// The configured source named `name`, which must be of `kind`.
    static func configured(_ name: String, kind: String, vault: URL) throws -> SourceConfiguration {
        let all = try CaptureConfiguration.load(vaultDirectory: vault).sources
        guard let source = all.first(where: { $0.name == name }) else {
            let known = all.map(\.name).joined(separator: ", ")
            throw CLIError("no source named \(name) in \(vault.path)/config.json (configured: \(known.isEmpty ? "none" : known))")
        }
        guard source.kind == kind else { throw CLIError("source \(name) is of kind \(source.kind), not \(kind)") }
        return source
    }

    static func run(_ connector: any Connector, vault: VaultOptions, capture: CaptureOptions, once: Bool) async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: capture.logLevel) ?? .info
            return handler
        }
        var logger = Logger(label: "chatvault.capture")
        logger[metadataKey: "source"] = "\(connector.configuration.name)"
        let opened = try vault.openVault()
        let archive = try opened.openArchive()
        let ingestor = try Ingestor.forVault(opened, archive: archive, actor: vault.actorName)
        let context = CaptureContext(
            configuration: connector.configuration, ingestor: ingestor, store: SourceStore(vault: opened), logger: logger,
            vaultDirectory: opened.directory)
        let runner = CaptureRunner(maxBackoff: .milliseconds(Int64(capture.maxBackoff * 1000)))
        let task = Task<Void, any Error> {
            if once {
                try await runner.runOnce(connector, context)
            } else {
                await runner.keepRunning(connector, context)
            }
        }
        let queue = DispatchQueue(label: "chatvault.capture.signals")
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                logger.notice("stopping after the current batch", metadata: ["signal": "\(number)"])
                task.cancel()
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        logger.info("capture started", metadata: ["kind": "\(connector.configuration.kind)", "vault": "\(opened.directory.path)"])
        do {
            try await task.value
        } catch is CancellationError {
        } catch {
            throw CLIError("\(error)")
        }
        logger.info("capture stopped")
    }
}
