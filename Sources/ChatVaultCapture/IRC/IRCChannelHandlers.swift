import ChatVaultCore
import Foundation
import NIOCore

/// Splits the byte stream into lines at LF (dropping a CR before it). A line longer than
/// ``IRCMessage/maxLineLength`` is discarded whole, up to its end, and counted.
struct IRCLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let overlong: IRCCounter
    private var discarding = false

    init(overlong: IRCCounter) {
        self.overlong = overlong
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: 0x0A) else {
            if buffer.readableBytes > IRCMessage.maxLineLength {
                if !discarding { overlong.add() }
                discarding = true
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            }
            return .needMoreData
        }
        let length = newline - view.startIndex
        if discarding || length > IRCMessage.maxLineLength {
            if !discarding { overlong.add() }
            discarding = false
            buffer.moveReaderIndex(forwardBy: length + 1)
            return .continue
        }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == 0x0D {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
        }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// A thread-safe count (lines dropped for length or for a full buffer).
final class IRCCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func add(_ count: Int = 1) { lock.withLock { value += count } }

    /// The count since the last call.
    func take() -> Int {
        lock.withLock {
            defer { value = 0 }
            return value
        }
    }
}

/// What the protocol handler tells the connector.
enum IRCSessionEvent: Sendable {
    /// Registered (001) under this nick; the channels are being joined.
    case registered(nick: String)
    /// Lines read in one burst, with the time they arrived.
    case lines([(IRCMessage, Timestamp)])
    /// The server pinged us or answered our heartbeat: the connection is alive.
    case alive
    /// A channel could not be joined (numeric and reason).
    case joinFailed(channel: String, reason: String)
}

/// Registers, answers PING, retries a nick in use, joins the channels, and passes every
/// parsed line on in bursts (one per socket read), so a burst becomes one durable batch.
final class IRCProtocolHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let continuation: AsyncThrowingStream<IRCSessionEvent, any Error>.Continuation
    private let source: String
    private let password: String?
    private let channels: [String]
    private let dropped: IRCCounter
    private var nick: String
    private var registered = false
    private var nickAttempts = 0
    private var pending: [(IRCMessage, Timestamp)] = []

    init(
        nick: String, password: String?, channels: [String], source: String, dropped: IRCCounter,
        continuation: AsyncThrowingStream<IRCSessionEvent, any Error>.Continuation
    ) {
        self.nick = nick
        self.password = password
        self.channels = channels
        self.source = source
        self.dropped = dropped
        self.continuation = continuation
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context, IRCMessage(command: "CAP", parameters: ["LS", "302"]))
        if let password { send(context, IRCMessage(command: "PASS", parameters: [password])) }
        send(context, IRCMessage(command: "NICK", parameters: [nick]))
        send(context, IRCMessage(command: "USER", parameters: [nick, "0", "*", "ChatVault compliance archive"]))
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let line = IRCMessage.parse(buffer.readableBytesView) else { return }
        switch line.command {
        case "PING":
            send(context, IRCMessage(command: "PONG", parameters: Array(line.parameters.prefix(1))))
            yield(.alive)
            return
        case "PONG":
            yield(.alive)
            return
        case "CAP":
            capability(context, line)
            return
        case "001":
            registered = true
            if let confirmed = line.parameters.first, !confirmed.isEmpty, confirmed != "*" { nick = confirmed }
            yield(.registered(nick: nick))
            if !channels.isEmpty { send(context, IRCMessage(command: "JOIN", parameters: [channels.joined(separator: ",")])) }
        case "432", "433", "436", "437":
            guard !registered else { break }
            nickAttempts += 1
            guard nickAttempts <= 5 else {
                fail(context, CaptureError.configuration(source: source, "nick \(nick) is not available (\(line.command))"))
                return
            }
            nick = String((nick + "_").suffix(30))
            send(context, IRCMessage(command: "NICK", parameters: [nick]))
        case "464", "465":
            fail(
                context,
                CaptureError.authentication(source: source, "the server refused us (\(line.command) \(IRCText.plain(line.parameters.last ?? "")))"))
            return
        case "403", "405", "471", "473", "474", "475", "476", "477":
            if line.parameters.count >= 2 {
                yield(.joinFailed(channel: IRCText.plain(line.parameters[1]), reason: "\(line.command) \(IRCText.plain(line.parameters.last ?? ""))"))
            }
        case "ERROR":
            fail(context, CaptureError.connection(source: source, "server closed the session: \(IRCText.plain(line.parameters.first ?? ""))"))
            return
        default:
            break
        }
        pending.append((line, Timestamp.now()))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !pending.isEmpty {
            yield(.lines(pending))
            pending = []
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !pending.isEmpty { yield(.lines(pending)) }
        pending = []
        continuation.finish(throwing: CaptureError.connection(source: source, "the server closed the connection"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context, CaptureError.connection(source: source, "\(error)"))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent {
            if idle == .write {
                // A heartbeat: its PONG tells the connector the session is alive.
                send(context, IRCMessage(command: "PING", parameters: ["chatvault"]))
            } else {
                fail(context, CaptureError.connection(source: source, "nothing heard from the server for too long"))
            }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func capability(_ context: ChannelHandlerContext, _ line: IRCMessage) {
        let sub = line.parameters.count > 1 ? line.parameters[1].uppercased() : ""
        switch sub {
        case "LS":
            // A multi-line LS has "*" before the list; the last line has the list as parameter 2.
            if line.parameters.count > 3, line.parameters[2] == "*" { return }
            let offered = Set((line.parameters.last ?? "").split(separator: " ").map { String($0.prefix { $0 != "=" }) })
            let wanted = ["server-time", "message-tags"].filter(offered.contains)
            if wanted.isEmpty {
                send(context, IRCMessage(command: "CAP", parameters: ["END"]))
            } else {
                send(context, IRCMessage(command: "CAP", parameters: ["REQ", wanted.joined(separator: " ")]))
            }
        case "ACK", "NAK":
            send(context, IRCMessage(command: "CAP", parameters: ["END"]))
        default:
            break
        }
    }

    private func yield(_ event: IRCSessionEvent) {
        if case .dropped = continuation.yield(event), case .lines(let lines) = event { dropped.add(lines.count) }
    }

    private func fail(_ context: ChannelHandlerContext, _ error: any Error) {
        if !pending.isEmpty { yield(.lines(pending)) }
        pending = []
        continuation.finish(throwing: error)
        context.close(promise: nil)
    }

    func send(_ context: ChannelHandlerContext, _ message: IRCMessage) {
        let text = message.serialized
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count + 2)
        buffer.writeString(text)
        buffer.writeString("\r\n")
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}
