import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 client over one kept-alive loopback connection, with blocking
/// sockets on its own thread: it costs the server under test little CPU and no
/// cooperative threads, so latencies measure the server rather than a client library.
final class LoopbackClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let port: Int
    private let token: String
    private var socket: Int32 = -1
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(port: Int, token: String) {
        self.port = port
        self.token = token
    }

    deinit { if socket >= 0 { close(socket) } }

    /// Sends a request and returns the status and body; reconnects once if the server closed the connection.
    func send(_ method: String, _ path: String, body: String? = nil) throws -> (status: Int, body: [UInt8]) {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\n"
        let payload = Array((body ?? "").utf8)
        if body != nil { head += "Content-Type: application/json\r\nContent-Length: \(payload.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + payload
        do {
            return try exchange(request)
        } catch {
            disconnect()
            return try exchange(request)
        }
    }

    private func exchange(_ request: [UInt8]) throws -> (status: Int, body: [UInt8]) {
        if socket < 0 { try connect() }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed") }
            sent += n
        }
        var received: [UInt8] = []
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure(description: "connection closed") }
            received += buffer[0..<n]
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: received) {
                headerEnd = end + 4
                let header = String(decoding: received[0..<end], as: UTF8.self).lowercased()
                for line in header.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let headerEnd, received.count >= headerEnd + contentLength {
                let statusLine = String(decoding: received.prefix(12), as: UTF8.self)
                let status = Int(statusLine.dropFirst(9).prefix(3)) ?? 0
                return (status, Array(received[headerEnd..<(headerEnd + contentLength)]))
            }
        }
    }

    private func connect() throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket failed") }
        var noDelay: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            disconnect()
            throw Failure(description: "cannot connect to 127.0.0.1:\(port)")
        }
    }

    private func disconnect() {
        if socket >= 0 { close(socket) }
        socket = -1
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }
}
