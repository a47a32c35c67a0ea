import Logging

/// One session of a connector that returns by itself (`chatvault capture matrix --once`).
extension CaptureRunner {
    /// Runs one session; a failure marks the source down and is rethrown. Cancellation
    /// (SIGINT, SIGTERM) is a normal end.
    public func runOnce(_ connector: any Connector, _ context: CaptureContext) async throws {
        do {
            try await connector.run(context)
        } catch is CancellationError {
            return
        } catch {
            if Task.isCancelled { return }
            context.logger.error("session ended", metadata: ["error": "\(error)"])
            try? await context.markDown(error)
            throw error
        }
    }
}
