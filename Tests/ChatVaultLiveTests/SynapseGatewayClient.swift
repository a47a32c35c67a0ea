import ChatVaultCore
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A Matrix client-server API client for one user of the gateway Synapse: what a user's own
/// client sends and reads back.
struct SynapseGatewayClient: Sendable {
    let homeserver: String
    let user: String
    let accessToken: String

    struct Answer: Sendable {
        var status: Int
        var json: JSONValue?
        var text: String
    }

    static func login(_ homeserver: String, user: String, password: String) async throws -> SynapseGatewayClient {
        let body: [String: Any] = [
            "type": "m.login.password", "identifier": ["type": "m.id.user", "user": user], "password": password,
            "device_id": "CVGATEWAY",
        ]
        let answer = try await call(homeserver, "POST", "/_matrix/client/v3/login", token: nil, body: body)
        let token = try #require(answer.json?["access_token"]?.stringValue, "login \(user): \(answer.status) \(answer.text)")
        return SynapseGatewayClient(homeserver: homeserver, user: "@\(user):localhost", accessToken: token)
    }

    static func call(_ homeserver: String, _ method: String, _ path: String, token: String?, body: [String: Any]?) async throws -> Answer {
        var request = URLRequest(url: URL(string: homeserver + path)!)
        request.httpMethod = method
        request.timeoutInterval = 20
        if let token { request.setValue("Bearer " + token, forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let text = String(decoding: data, as: UTF8.self)
        return Answer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, json: try? JSONParser().parse(text), text: text)
    }

    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Answer {
        try await Self.call(homeserver, method, path, token: accessToken, body: body)
    }

    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(
            withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? segment
    }

    /// A new room (a direct chat with `direct: true`) inviting `invite`; its id.
    func createRoom(name: String, invite: [String], direct: Bool = false) async throws -> String {
        var body: [String: Any] = ["invite": invite, "preset": direct ? "trusted_private_chat" : "private_chat"]
        if direct { body["is_direct"] = true } else { body["name"] = name }
        let answer = try await call("POST", "/_matrix/client/v3/createRoom", body)
        return try #require(answer.json?["room_id"]?.stringValue, "createRoom: \(answer.status) \(answer.text)")
    }

    func join(_ room: String) async throws {
        let answer = try await call("POST", "/_matrix/client/v3/join/\(Self.escape(room))", [:])
        try #require(answer.status == 200, "join \(room) as \(user): \(answer.status) \(answer.text)")
    }

    /// Sends an event (an m.room.message unless `type` says otherwise); the server's answer
    /// (200 with event_id, or the refusal).
    func send(_ room: String, _ content: [String: Any], type: String = "m.room.message") async throws -> Answer {
        let txn = UUID().uuidString
        return try await call("PUT", "/_matrix/client/v3/rooms/\(Self.escape(room))/send/\(type)/\(txn)", content)
    }

    func send(_ room: String, text: String) async throws -> Answer {
        try await send(room, ["msgtype": "m.text", "body": text])
    }

    /// The room's timeline as this user's client reads it, oldest first.
    func messages(_ room: String) async throws -> [JSONValue] {
        let answer = try await call("GET", "/_matrix/client/v3/rooms/\(Self.escape(room))/messages?dir=b&limit=200")
        return (answer.json?["chunk"]?.arrayValue ?? []).reversed()
    }

    /// Bodies of the m.room.message events `sender` sent in `room`, oldest first.
    func bodies(_ room: String, from sender: String, msgtype: String? = nil) async throws -> [String] {
        try await messages(room).filter {
            $0["type"]?.stringValue == "m.room.message" && $0["sender"]?.stringValue == sender
                && (msgtype == nil || $0["content"]?["msgtype"]?.stringValue == msgtype)
        }.compactMap { $0["content"]?["body"]?.stringValue }
    }

    /// The user's tips room (from account data the module writes), when it exists.
    func tipsRoom() async throws -> String? {
        let answer = try await call("GET", "/_matrix/client/v3/user/\(Self.escape(user))/account_data/org.chatvault.tips_room")
        return answer.json?["room_id"]?.stringValue
    }
}
