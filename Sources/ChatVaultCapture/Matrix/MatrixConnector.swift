import ChatVaultCore
public import Foundation
import Logging

/// Captures the rooms of a Synapse homeserver through its admin API.
///
/// Each room is read forwards with `GET /_synapse/admin/v1/rooms/{room}/messages?dir=f`,
/// from the room's start the first time and then from the pagination token saved as the
/// room's cursor, which moves only after the page it ends is durable. New events are found
/// by polling every `poll_seconds` (the admin API has no long poll). Rooms are the configured
/// `archives`, else every room the server lists (re-listed on each poll, so new rooms are
/// picked up). Needs an access token of a server admin.
public struct MatrixConnector: Connector {
    public let configuration: SourceConfiguration
    /// Catch up once and return instead of following new events.
    public var once: Bool
    /// Events per page (and so per durable batch).
    public var pageSize: Int

    /// How often the room list (or the configured rooms' names) is read again.
    public var roomRefresh: Duration

    public init(configuration: SourceConfiguration, once: Bool = false, pageSize: Int = 200, roomRefresh: Duration = .seconds(30)) {
        self.configuration = configuration
        self.once = once
        self.pageSize = max(1, min(pageSize, 1000))
        self.roomRefresh = roomRefresh
    }

    /// `http(s)://host:port` from the configuration (HTTPS unless `tls` is false).
    public var homeserver: URL? {
        let tls = configuration.tls ?? true
        let host = configuration.host ?? "127.0.0.1"
        let port = configuration.port ?? (tls ? 443 : 8008)
        var components = URLComponents()
        components.scheme = tls ? "https" : "http"
        components.host = host
        components.port = port
        return components.url
    }

    public func run(_ context: CaptureContext) async throws {
        let name = configuration.name
        guard let base = homeserver else { throw CaptureError.configuration(source: name, "no usable homeserver address") }
        guard let token = try configuration.secret(vaultDirectory: context.vaultDirectory), !token.isEmpty else {
            throw CaptureError.configuration(source: name, "no access token (set token_env or token_file)")
        }
        let client = MatrixClient(base: base, token: token, source: name)
        defer { client.close() }
        let poll = Duration.milliseconds(Int64(max(0.05, min(configuration.pollSeconds ?? 2, 3600)) * 1000))
        var missing = Set<String>()
        var names: [String: [String: String]] = [:]
        var rooms: [MatrixClient.Room] = []
        var listedAt = ContinuousClock.now
        while !Task.isCancelled {
            // Room names and new rooms are looked up again every `roomRefresh`, not on every poll.
            if rooms.isEmpty || ContinuousClock.now - listedAt > roomRefresh {
                rooms = try await self.rooms(client, context: context, missing: &missing)
                listedAt = ContinuousClock.now
                try await context.markUp()
            }
            for room in rooms {
                if Task.isCancelled { return }
                do {
                    try await catchUp(room, client: client, context: context, names: &names)
                } catch let notFound as MatrixClient.NotFound {
                    missing.insert(room.id)
                    rooms.removeAll { $0.id == room.id }
                    try await context.reportGap(kind: "missing", archive: room.id, detail: "the homeserver does not know the room: \(notFound)")
                }
            }
            try await context.markUp()
            if once { return }
            try? await Task.sleep(for: poll)
        }
    }

    private func rooms(_ client: MatrixClient, context: CaptureContext, missing: inout Set<String>) async throws -> [MatrixClient.Room] {
        let configured = configuration.archives ?? []
        if configured.isEmpty {
            do {
                return try await client.rooms()
            } catch let notFound as MatrixClient.NotFound {
                throw CaptureError.protocolError(source: configuration.name, "the homeserver has no Synapse admin API (\(notFound))")
            }
        }
        var rooms: [MatrixClient.Room] = []
        for id in configured where !missing.contains(id) {
            do {
                rooms.append(try await client.room(id))
            } catch let notFound as MatrixClient.NotFound {
                missing.insert(id)
                try await context.reportGap(kind: "missing", archive: id, detail: "the homeserver does not know the room: \(notFound)")
            }
        }
        return rooms
    }

    /// Reads `room` from its cursor to the newest event, one durable batch per page.
    private func catchUp(
        _ room: MatrixClient.Room, client: MatrixClient, context: CaptureContext, names: inout [String: [String: String]]
    ) async throws {
        var mapper = MatrixEventMapper(roomID: room.id, roomName: room.name, kind: room.kind)
        mapper.displayNames = names[room.id] ?? [:]
        var cursor = try await context.cursor(room.id)
        if cursor != nil, names[room.id] == nil {
            // Continuing from a cursor: the member events with the names came before it.
            for event in (try? await client.state(room.id)) ?? [] { mapper.learn(from: event) }
        }
        defer { names[room.id] = mapper.displayNames }
        while !Task.isCancelled {
            let page = try await client.messages(room.id, from: cursor, limit: pageSize)
            var messages: [IncomingMessage] = []
            for event in page.events {
                mapper.learn(from: event)
                if let message = mapper.map(event) { messages.append(message) }
            }
            let skipped = page.events.count - messages.count
            if skipped > 0 { context.logger.debug("events not archived", metadata: ["room": "\(room.id)", "count": "\(skipped)"]) }
            if !messages.isEmpty {
                try await context.deliver(messages, from: room.id, cursor: page.end)
            } else if let end = page.end, end != cursor {
                try await context.advance(room.id, to: end)
            }
            guard let end = page.end, end != cursor, !page.events.isEmpty else { return }
            cursor = end
        }
    }
}
