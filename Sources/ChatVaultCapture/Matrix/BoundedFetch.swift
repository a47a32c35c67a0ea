import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// HTTP requests whose response bodies are read up to a limit: a larger body cancels the
/// transfer instead of filling memory. Cancelling the calling task cancels its request.
///
/// One URLSession serves every request of a connector session (its delegate routes the
/// callbacks by task); ``invalidate()`` ends it.
final class BoundedFetch: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct Pending {
        var continuation: CheckedContinuation<(Int, Data), any Error>
        var body = Data()
        var overflowed = false
    }

    private let lock = NSLock()
    private let limit: Int
    private let source: String
    private var pending: [Int: Pending] = [:]
    private var session: URLSession?

    init(limit: Int, source: String) {
        self.limit = limit
        self.source = source
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        // Nothing is kept between requests: no cache, no cookies.
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    /// Lets requests in flight finish and releases the session (and so this delegate).
    func invalidate() {
        lock.withLock { session }?.finishTasksAndInvalidate()
    }

    /// The status code and body of `request`.
    func fetch(_ request: URLRequest) async throws -> (Int, Data) {
        try Task.checkCancellation()
        guard let session = lock.withLock({ session }) else { throw CancellationError() }
        let task = TaskBox(task: session.dataTask(with: request))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                lock.withLock { pending[task.task.taskIdentifier] = Pending(continuation: continuation) }
                task.task.resume()
            }
        } onCancel: {
            task.task.cancel()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = lock.withLock { () -> Bool in
            guard var entry = pending[dataTask.taskIdentifier] else { return false }
            if entry.overflowed || entry.body.count + data.count > limit {
                entry.overflowed = true
                entry.body = Data()
            } else {
                entry.body.append(data)
            }
            pending[dataTask.taskIdentifier] = entry
            return entry.overflowed
        }
        if over { dataTask.cancel() }
    }

    /// Redirects are never followed: the request carries the admin access token, which a
    /// redirect (to another host, or from https to http) would hand to someone else. The
    /// 3xx answer itself comes back to the caller as an error.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
        let continuation = entry.continuation
        if entry.overflowed {
            continuation.resume(throwing: CaptureError.protocolError(source: source, "the answer is larger than \(limit) bytes"))
        } else if let error {
            if (error as? URLError)?.code == .cancelled {
                continuation.resume(throwing: CancellationError())
            } else {
                let path = task.originalRequest?.url?.path ?? "request"
                continuation.resume(throwing: CaptureError.connection(source: source, "\(path): \(error.localizedDescription)"))
            }
        } else if let response = task.response as? HTTPURLResponse {
            continuation.resume(returning: (response.statusCode, entry.body))
        } else {
            continuation.resume(throwing: CaptureError.protocolError(source: source, "no HTTP response"))
        }
    }
}

/// Lets the cancellation handler reach the task.
private struct TaskBox: @unchecked Sendable {
    let task: URLSessionDataTask
}
