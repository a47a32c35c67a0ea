public import ChatVaultIngest
public import Foundation
public import Logging

/// Runs connectors until cancelled: each session that fails marks its source down and is
/// retried after a backoff that doubles from `initialBackoff` up to `maxBackoff`.
public struct CaptureRunner: Sendable {
    public var initialBackoff: Duration
    public var maxBackoff: Duration

    public init(initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(30)) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// Runs every connector concurrently; returns when the calling task is cancelled and
    /// every connector has finished its current batch.
    public func run(_ connectors: [any Connector], ingestor: Ingestor, store: SourceStore, vaultDirectory: URL, logger: Logger) async {
        await withTaskGroup(of: Void.self) { group in
            for connector in connectors {
                var sourceLogger = logger
                sourceLogger[metadataKey: "source"] = "\(connector.configuration.name)"
                let context = CaptureContext(
                    configuration: connector.configuration, ingestor: ingestor, store: store, logger: sourceLogger, vaultDirectory: vaultDirectory)
                group.addTask { await self.keepRunning(connector, context) }
            }
        }
    }

    /// One connector, restarted with backoff until cancelled.
    public func keepRunning(_ connector: any Connector, _ context: CaptureContext) async {
        var backoff = initialBackoff
        while !Task.isCancelled {
            do {
                try await connector.run(context)
                if Task.isCancelled { break }
                backoff = initialBackoff
            } catch {
                if Task.isCancelled { break }
                context.logger.error("session ended", metadata: ["error": "\(error)", "retry_in": "\(backoff)"])
                try? await context.markDown(error)
                if case CaptureError.configuration = error { backoff = maxBackoff }
            }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maxBackoff)
        }
        context.logger.info("stopped")
    }
}
