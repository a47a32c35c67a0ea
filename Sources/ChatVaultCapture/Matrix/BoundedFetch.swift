import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request whose response body is read up to a limit: a larger body cancels the
/// transfer instead of filling memory. Cancelling the calling task cancels the request.
final class BoundedFetch: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int
    private let source: String
    private var body = Data()
    private var overflowed = false
    private var continuation: CheckedContinuation<(Int, Data), any Error>?

    private init(limit: Int, source: String) {
        self.limit = limit
        self.source = source
    }

    /// The status code and body of `request`.
    static func fetch(_ request: URLRequest, limit: Int, source: String) async throws -> (Int, Data) {
        try Task.checkCancellation()
        let delegate = BoundedFetch(limit: limit, source: source)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = TaskBox(task: session.dataTask(with: request))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.lock.withLock { delegate.continuation = continuation }
                task.task.resume()
            }
        } onCancel: {
            task.task.cancel()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock {
            if overflowed || body.count + data.count > limit {
                overflowed = true
                return true
            }
            body.append(data)
            return false
        }
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, body, overflowed) = lock.withLock {
            let pending = self.continuation
            self.continuation = nil
            return (pending, self.body, self.overflowed)
        }
        guard let continuation else { return }
        if overflowed {
            continuation.resume(throwing: CaptureError.protocolError(source: source, "the answer is larger than \(limit) bytes"))
        } else if let error {
            if (error as? URLError)?.code == .cancelled {
                continuation.resume(throwing: CancellationError())
            } else {
                continuation.resume(
                    throwing: CaptureError.connection(
                        source: source, "\(task.originalRequest?.url?.path ?? "request"): \(error.localizedDescription)"))
            }
        } else if let response = task.response as? HTTPURLResponse {
            continuation.resume(returning: (response.statusCode, body))
        } else {
            continuation.resume(throwing: CaptureError.protocolError(source: source, "no HTTP response"))
        }
    }
}

/// Lets the cancellation handler reach the task.
private struct TaskBox: @unchecked Sendable {
    let task: URLSessionDataTask
}
