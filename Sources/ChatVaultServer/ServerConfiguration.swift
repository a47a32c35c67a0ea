public import Foundation

/// How `chatvault serve` listens: from the `"server"` object of the vault's `config.json`,
/// then the environment (`CHATVAULT_HOST`, `CHATVAULT_PORT`), then flags.
public struct ServerConfiguration: Sendable, Codable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Set when a TLS-terminating proxy is in front: cookies get the Secure attribute.
    public var secureCookies = false
    /// Largest ingest request body, in bytes.
    public var maxIngestBytes = 8 << 20
    /// Most messages in one ingest request.
    public var maxIngestMessages = 10_000
    /// Largest message text accepted by the ingest API, in bytes.
    public var maxTextBytes = 256 << 10
    /// Minutes of inactivity after which a console session ends.
    public var sessionIdleMinutes = 30.0
    /// Work factor for new password hashes.
    public var bcryptCost = 12

    public init() {}

    enum CodingKeys: String, CodingKey {
        case host, port
        case secureCookies = "secure_cookies"
        case maxIngestBytes = "max_ingest_bytes"
        case maxIngestMessages = "max_ingest_messages"
        case maxTextBytes = "max_text_bytes"
        case sessionIdleMinutes = "session_idle_minutes"
        case bcryptCost = "bcrypt_cost"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ServerConfiguration()
        host = try c.decodeIfPresent(String.self, forKey: .host) ?? defaults.host
        port = try c.decodeIfPresent(Int.self, forKey: .port) ?? defaults.port
        secureCookies = try c.decodeIfPresent(Bool.self, forKey: .secureCookies) ?? defaults.secureCookies
        maxIngestBytes = try c.decodeIfPresent(Int.self, forKey: .maxIngestBytes) ?? defaults.maxIngestBytes
        maxIngestMessages = try c.decodeIfPresent(Int.self, forKey: .maxIngestMessages) ?? defaults.maxIngestMessages
        maxTextBytes = try c.decodeIfPresent(Int.self, forKey: .maxTextBytes) ?? defaults.maxTextBytes
        sessionIdleMinutes = try c.decodeIfPresent(Double.self, forKey: .sessionIdleMinutes) ?? defaults.sessionIdleMinutes
        bcryptCost = try c.decodeIfPresent(Int.self, forKey: .bcryptCost) ?? defaults.bcryptCost
    }

    /// The `"server"` part of `config.json`, with environment overrides.
    public static func load(vaultDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerConfiguration {
        struct File: Decodable { var server: ServerConfiguration? }
        var configuration = ServerConfiguration()
        if let data = FileManager.default.contents(atPath: vaultDirectory.appendingPathComponent("config.json").path) {
            configuration = try JSONDecoder().decode(File.self, from: data).server ?? configuration
        }
        if let host = environment["CHATVAULT_HOST"] { configuration.host = host }
        if let port = environment["CHATVAULT_PORT"].flatMap(Int.init) { configuration.port = port }
        return configuration
    }
}
