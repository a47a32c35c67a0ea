import ChatVaultCore
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The few Synapse admin API calls the Matrix connector makes, over URLSession.
///
/// Responses are read with a size limit (the transfer is cancelled once it is exceeded) and
/// parsed with ChatVault's own bounded JSON parser. 401 and 403 are authentication errors
/// (a wrong token, a token of a user who is not a server admin), 404 names what was missing.
struct MatrixClient: Sendable {
    /// `http(s)://host:port` of the homeserver.
    var base: URL
    var token: String
    var source: String
    var timeout: TimeInterval = 30
    /// Reads answers of at most 8 MiB; shared by the copies of this client.
    let http: BoundedFetch

    init(base: URL, token: String, source: String, maxResponseBytes: Int = 8 << 20) {
        self.base = base
        self.token = token
        self.source = source
        http = BoundedFetch(limit: maxResponseBytes, source: source)
    }

    /// Ends the HTTP session; call once the connector session is over.
    func close() {
        http.invalidate()
    }

    struct Room: Sendable, Equatable {
        var id: String
        var name: String?
        var kind: Conversation.Kind
    }

    struct Page: Sendable {
        var events: [JSONValue]
        /// The token to continue from; `nil` when the server has nothing after this page.
        var end: String?
    }

    struct NotFound: Error, CustomStringConvertible {
        var what: String
        var description: String { "not found: \(what)" }
    }

    /// Every room on the server, following `next_batch` (at most `limit` rooms).
    func rooms(limit: Int = 10_000) async throws -> [Room] {
        var rooms: [Room] = []
        var from = 0
        while rooms.count < limit {
            let page = try await get("/_synapse/admin/v1/rooms", query: [("from", "\(from)"), ("limit", "100"), ("order_by", "name")])
            let items = page["rooms"]?.arrayValue ?? []
            for item in items {
                guard let id = MatrixEventMapper.id(item["room_id"]) else { continue }
                rooms.append(Self.room(id: id, details: item))
            }
            guard let next = page["next_batch"]?.scalarText.flatMap({ Int($0) }), next > from, !items.isEmpty else { break }
            from = next
        }
        return rooms
    }

    /// One room's name and kind; throws ``NotFound`` for a room the server does not know.
    func room(_ id: String) async throws -> Room {
        Self.room(id: id, details: try await get("/_synapse/admin/v1/rooms/\(Self.escape(id))", query: []))
    }

    static func room(id: String, details: JSONValue) -> Room {
        let name = MatrixEventMapper.text(details["name"]) ?? MatrixEventMapper.text(details["canonical_alias"])
        let members = details["joined_members"]?.scalarText.flatMap { Int($0) } ?? 0
        let isPublic = details["public"]?.boolValue ?? false
        let kind: Conversation.Kind = isPublic ? .channel : (name == nil && members == 2 ? .direct : .group)
        return Room(id: id, name: name.map { MatrixEventMapper.bounded($0, 256) }, kind: kind)
    }

    /// Events of `room` after `from` (from the room's start when `nil`), oldest first.
    func messages(_ room: String, from: String?, limit: Int) async throws -> Page {
        var query = [("dir", "f"), ("limit", "\(limit)")]
        if let from { query.append(("from", from)) }
        let page = try await get("/_synapse/admin/v1/rooms/\(Self.escape(room))/messages", query: query)
        guard let chunk = page["chunk"]?.arrayValue else {
            throw CaptureError.protocolError(source: source, "messages of \(room): no \"chunk\" array in the answer")
        }
        let end = page["end"]?.stringValue.flatMap { $0.isEmpty || $0.utf8.count > 1024 ? nil : $0 }
        return Page(events: chunk, end: end)
    }

    /// The room's current state events (for member display names).
    func state(_ room: String) async throws -> [JSONValue] {
        try await get("/_synapse/admin/v1/rooms/\(Self.escape(room))/state", query: [])["state"]?.arrayValue ?? []
    }

    static func escape(_ part: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return part.addingPercentEncoding(withAllowedCharacters: allowed) ?? part
    }

    func get(_ path: String, query: [(String, String)]) async throws -> JSONValue {
        guard var components = URLComponents(url: base, resolvingAgainstBaseURL: false) else {
            throw CaptureError.configuration(source: source, "bad homeserver URL \(base)")
        }
        components.percentEncodedPath = components.percentEncodedPath.trimmingSuffix("/") + path
        components.queryItems = query.isEmpty ? nil : query.map { URLQueryItem(name: $0.0, value: $0.1) }
        guard let url = components.url else { throw CaptureError.configuration(source: source, "bad homeserver URL \(base)") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (status, body) = try await http.fetch(request)
        let json = try? JSONParser(maxDepth: 64, allowsNUL: true).parse(String(decoding: body, as: UTF8.self))
        let errcode = json?["errcode"]?.stringValue.map { MatrixEventMapper.bounded($0, 64) } ?? "-"
        let reason = json?["error"]?.stringValue.map { Terminalish.clean(MatrixEventMapper.bounded($0, 200)) } ?? ""
        switch status {
        case 200..<300:
            guard let json else { throw CaptureError.protocolError(source: source, "GET \(path): the answer is not JSON") }
            return json
        case 401:
            throw CaptureError.authentication(source: source, "the homeserver rejected the access token (401 \(errcode)) \(reason)")
        case 403:
            throw CaptureError.authentication(
                source: source, "the access token is not a server admin's, or may not read this (403 \(errcode)) \(reason)")
        case 404:
            throw NotFound(what: "\(path) (404 \(errcode)) \(reason)")
        case 300..<400:
            throw CaptureError.connection(
                source: source, "GET \(path): HTTP \(status) redirect refused (the access token is never sent on); configure the final homeserver URL"
            )
        default:
            throw CaptureError.connection(source: source, "GET \(path): HTTP \(status) \(errcode) \(reason)")
        }
    }
}

/// Keeps text from the server printable in one log line.
enum Terminalish {
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
