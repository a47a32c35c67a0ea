import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One TCP connection carrying an XMPP stream: bytes out, parsed stream events in.
///
/// Used by one task at a time (``XMPPSession``). Every read has a deadline; when it passes
/// the connection is closed, so a server that stops answering ends the session instead of
/// hanging it.
final class XMPPConnection {
    let channel: any Channel
    private var events: AsyncThrowingStream<XMPPStreamParser.Event, any Error>.AsyncIterator
    private let timedOut = Flag()

    private init(channel: any Channel, events: AsyncThrowingStream<XMPPStreamParser.Event, any Error>) {
        self.channel = channel
        self.events = events.makeAsyncIterator()
    }

    static func connect(host: String, port: Int, timeout: Duration) async throws -> XMPPConnection {
        let (stream, continuation) = AsyncThrowingStream<XMPPStreamParser.Event, any Error>.makeStream(
            bufferingPolicy: .bufferingOldest(XMPPStreamHandler.maxUnread))
        let seconds = Int64(timeout.components.seconds)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(max(seconds, 1)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(XMPPStreamHandler(continuation: continuation))
                }
            }
        let channel = try await bootstrap.connect(host: host, port: port).get()
        return XMPPConnection(channel: channel, events: stream)
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    /// The next stream event; throws when the connection ends, breaks or `timeout` passes.
    func next(timeout: Duration) async throws -> XMPPStreamParser.Event {
        let flag = timedOut
        let channel = channel
        let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)) {
            flag.set()
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            guard let event = try await events.next() else {
                try Task.checkCancellation()
                throw XMPPConnectionClosed(reason: flag.isSet ? "no answer within \(timeout)" : "connection closed")
            }
            return event
        } catch let error where flag.isSet && !(error is CancellationError) {
            throw XMPPConnectionClosed(reason: "no answer within \(timeout)")
        }
    }

    /// Puts TLS under the stream (after `<proceed/>`), verifying the server's certificate
    /// for `hostname` against `trustRoots` (the system's when `nil`).
    func startTLS(hostname: String, caFile: String?) async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        if let caFile { tls.trustRoots = .file(caFile) }
        let context = try NIOSSLContext(configuration: tls)
        try await channel.eventLoop.submit { [channel] in
            let handler = try NIOSSLClientHandler(context: context, serverHostname: hostname)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
    }

    func close() async {
        try? await channel.close()
    }
}

struct XMPPConnectionClosed: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// A flag set from the event loop and read from the session's task.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// Feeds received bytes to the stream parser and hands the events to the session. Restarts
/// the parser where XMPP restarts the stream (after `<proceed/>` and SASL `<success/>`).
final class XMPPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Stanzas received but not yet read by the session (a MAM page is at most 1000).
    static let maxUnread = 2048

    private var parser = XMPPStreamParser()
    private let continuation: AsyncThrowingStream<XMPPStreamParser.Event, any Error>.Continuation

    init(continuation: AsyncThrowingStream<XMPPStreamParser.Event, any Error>.Continuation) {
        self.continuation = continuation
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        do {
            for event in try parser.feed(bytes) {
                if case .dropped = continuation.yield(event) {
                    // Never drop a stanza silently: a server sending faster than we read ends the session.
                    throw XMPPConnectionClosed(reason: "more than \(Self.maxUnread) stanzas unread")
                }
                if case .stanza(let element) = event, Self.restartsStream(element) {
                    parser.restart()
                    break
                }
            }
        } catch {
            continuation.finish(throwing: error)
            context.close(promise: nil)
        }
    }

    static func restartsStream(_ element: XMLElement) -> Bool {
        (element.name == "proceed" && element.namespace == XMPPNamespace.tls)
            || (element.name == "success" && element.namespace == XMPPNamespace.sasl)
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.finish(throwing: XMPPConnectionClosed(reason: "connection closed by the server"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }
}

enum XMPPNamespace {
    static let client = "jabber:client"
    static let stream = "http://etherx.jabber.org/streams"
    static let tls = "urn:ietf:params:xml:ns:xmpp-tls"
    static let sasl = "urn:ietf:params:xml:ns:xmpp-sasl"
    static let bind = "urn:ietf:params:xml:ns:xmpp-bind"
    static let stanzas = "urn:ietf:params:xml:ns:xmpp-stanzas"
    static let mam = "urn:xmpp:mam:2"
    static let rsm = "http://jabber.org/protocol/rsm"
    static let forward = "urn:xmpp:forward:0"
    static let delay = "urn:xmpp:delay"
    static let stanzaID = "urn:xmpp:sid:0"
    static let correction = "urn:xmpp:message-correct:0"
    static let retraction = "urn:xmpp:message-retract:1"
    static let mucUser = "http://jabber.org/protocol/muc#user"
    static let ping = "urn:xmpp:ping"
}
