import ChatVaultCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// A logging IRC client: registers `username` as its nick (default `chatvault`), joins the
/// configured `archives` channels and archives what it sees there and what is sent to it.
///
/// IRC keeps no history. Whatever is said while the logger is not connected is lost; each
/// new session therefore records a `down` gap from when the logger was last known to be
/// connected until it is back. `poll_seconds` is unused; `tls` (default false) uses TLS,
/// with `ca_file` as the trust root when set. `password_env`/`password_file` is the server
/// password (`PASS`), if the server needs one.
public struct IRCConnector: Connector {
    public let configuration: SourceConfiguration
    /// Seconds without any line from the server after which the session is dropped.
    public var idleTimeout: Int64

    public init(configuration: SourceConfiguration, idleTimeout: Int64 = 300) {
        self.configuration = configuration
        self.idleTimeout = idleTimeout
    }

    public func run(_ context: CaptureContext) async throws {
        let name = configuration.name
        let host = configuration.host ?? "127.0.0.1"
        let tls = configuration.tls ?? false
        let port = configuration.port ?? (tls ? 6697 : 6667)
        let nick = IRCText.plain(configuration.username ?? "chatvault").filter { !$0.isWhitespace }
        let channels = (configuration.archives ?? []).map { IRCText.plain($0).lowercased() }.filter(IRCLogbook.isChannel)
        guard !nick.isEmpty, !nick.hasPrefix(":"), !nick.contains(",") else { throw CaptureError.configuration(source: name, "bad nick") }
        guard !channels.isEmpty, channels.count == (configuration.archives ?? []).count else {
            throw CaptureError.configuration(source: name, "archives must list the channels to join (#name)")
        }
        guard (1...65535).contains(port) else { throw CaptureError.configuration(source: name, "bad port \(port)") }
        let password = try configuration.secret(vaultDirectory: context.vaultDirectory)
        if password != nil, !tls {
            guard configuration.allowPlaintextPassword == true else {
                throw CaptureError.configuration(
                    source: name,
                    "the server password would be sent in clear without TLS: use --tls (tls: true), or accept it with "
                        + "--allow-plaintext-password (allow_plaintext_password: true)")
            }
            context.logger.warning("the IRC server password is sent in clear (TLS is off)", metadata: ["source": "\(name)"])
        }
        let sslContext = tls ? try makeSSLContext(context) : nil

        let (events, continuation) = AsyncThrowingStream<IRCSessionEvent, any Error>.makeStream(bufferingPolicy: .bufferingOldest(10_000))
        let dropped = IRCCounter()
        let overlong = IRCCounter()
        let idle = TimeAmount.seconds(idleTimeout)
        let heartbeat = TimeAmount.seconds(15)
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let serverName = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(IRCLineDecoder(overlong: overlong)), IdleStateHandler(readTimeout: idle, writeTimeout: heartbeat),
                        IRCProtocolHandler(
                            nick: nick, password: password, channels: channels, source: name, dropped: dropped, continuation: continuation),
                    ])
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            throw CaptureError.connection(source: name, "cannot connect to \(host):\(port): \(error)")
        }
        context.logger.info("connected", metadata: ["server": "\(host):\(port)", "nick": "\(nick)"])
        do {
            try await follow(events, context: context, nick: nick, dropped: dropped, overlong: overlong)
        } catch {
            channel.close(promise: nil)
            throw error
        }
        // Cancelled: the batch at hand is stored; say goodbye.
        var goodbye = channel.allocator.buffer(capacity: 64)
        goodbye.writeString(IRCMessage(command: "QUIT", parameters: ["archive stopping"]).serialized + "\r\n")
        try? await channel.writeAndFlush(goodbye).get()
        try? await channel.close().get()
    }

    private func follow(
        _ events: AsyncThrowingStream<IRCSessionEvent, any Error>, context: CaptureContext, nick: String, dropped: IRCCounter, overlong: IRCCounter
    ) async throws {
        var logbook = IRCLogbook(nick: nick)
        var lastUp = Date.distantPast
        for try await event in events {
            switch event {
            case .registered(let confirmed):
                logbook.nick = confirmed
                try await recordAbsence(context)
                try await context.markUp()
                lastUp = Date()
            case .alive:
                // Every heartbeat (15 s) moves lastPollAt: the start of a later down gap.
                try await context.markUp()
                lastUp = Date()
            case .joinFailed(let channel, let reason):
                try await context.reportGap(kind: "missing", archive: channel.lowercased(), detail: "cannot join: \(reason)")
            case .lines(let lines):
                var order: [String] = []
                var batches: [String: [IncomingMessage]] = [:]
                for (line, receivedAt) in lines {
                    for message in logbook.record(line, receivedAt: receivedAt) {
                        let conversation = message.message.conversation
                        if batches[conversation] == nil { order.append(conversation) }
                        batches[conversation, default: []].append(message)
                    }
                }
                for conversation in order {
                    try await context.deliver(batches[conversation] ?? [], from: conversation, cursor: nil)
                }
                if Date().timeIntervalSince(lastUp) > 15 {
                    try await context.markUp()
                    lastUp = Date()
                }
            }
            let lost = dropped.take()
            if lost > 0 {
                try await context.reportGap(kind: "overflow", archive: nil, detail: "\(lost) lines dropped: the archive could not keep up")
            }
            let long = overlong.take()
            if long > 0 { context.logger.warning("overlong lines dropped", metadata: ["count": "\(long)"]) }
        }
        if !Task.isCancelled { throw CaptureError.connection(source: configuration.name, "the session ended") }
    }

    /// IRC has no history: the time since the logger was last known connected is a gap.
    private func recordAbsence(_ context: CaptureContext) async throws {
        let state = try await context.store.state(of: configuration.name, kind: configuration.kind)
        // The last moment the logger was known to be connected; a failure noticed later (downSince) is no earlier.
        guard let since = [state.lastPollAt, state.status == .down ? state.downSince : nil].compactMap({ $0 }).min() else { return }
        let now = Date().timeIntervalSince1970
        try await context.reportGap(
            kind: "down", archive: nil,
            detail:
                "not connected for about \(Int(now - since)) s from \(Timestamp(secondsSince1970: since).iso8601): IRC keeps no history, messages sent meanwhile were not seen"
        )
        // The gap is recorded; keep markUp from adding a second one that claims a catch-up.
        try await context.store.update(configuration.name, kind: configuration.kind) { state in
            if state.status == .down { state.status = .starting }
            state.downSince = nil
        }
    }

    private func makeSSLContext(_ context: CaptureContext) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.caFile {
            let path = caFile.hasPrefix("/") ? caFile : context.vaultDirectory.appendingPathComponent(caFile).path
            tls.trustRoots = .file(path)
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw CaptureError.configuration(source: configuration.name, "TLS setup failed: \(error)")
        }
    }
}
