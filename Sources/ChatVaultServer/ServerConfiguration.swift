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
    /// The ingest API refuses a message sent more than this many days before now.
    public var maxBackdateDays = 30
    /// The ingest API refuses a message sent more than this many minutes after now.
    public var maxFutureMinutes = 15
    /// Minutes of inactivity after which a console session ends.
    public var sessionIdleMinutes = 30.0
    /// Work factor for new password hashes (and for the decoy hash checked for unknown names).
    public var bcryptCost = 12
    /// Addresses of reverse proxies whose `X-Forwarded-For` names the client. From anyone
    /// else the header is ignored: the connection's address is the client's.
    public var trustedProxies: [String] = []
    /// Threads checking passwords at once (bcrypt is slow on purpose).
    public var signInWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount / 2)
    /// Sign-ins checked or waiting at most; more are answered 503 with Retry-After.
    public var signInQueue = 8

    public init() {}

    enum CodingKeys: String, CodingKey {
        case host, port
        case secureCookies = "secure_cookies"
        case maxIngestBytes = "max_ingest_bytes"
        case maxIngestMessages = "max_ingest_messages"
        case maxTextBytes = "max_text_bytes"
        case maxBackdateDays = "max_backdate_days"
        case maxFutureMinutes = "max_future_minutes"
        case sessionIdleMinutes = "session_idle_minutes"
        case bcryptCost = "bcrypt_cost"
        case trustedProxies = "trusted_proxies"
        case signInWorkers = "sign_in_workers"
        case signInQueue = "sign_in_queue"
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
        maxBackdateDays = try c.decodeIfPresent(Int.self, forKey: .maxBackdateDays) ?? defaults.maxBackdateDays
        maxFutureMinutes = try c.decodeIfPresent(Int.self, forKey: .maxFutureMinutes) ?? defaults.maxFutureMinutes
        guard maxBackdateDays >= 0, maxFutureMinutes >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .maxBackdateDays, in: c, debugDescription: "max_backdate_days and max_future_minutes must not be negative")
        }
        sessionIdleMinutes = try c.decodeIfPresent(Double.self, forKey: .sessionIdleMinutes) ?? defaults.sessionIdleMinutes
        bcryptCost = try c.decodeIfPresent(Int.self, forKey: .bcryptCost) ?? defaults.bcryptCost
        trustedProxies = try c.decodeIfPresent([String].self, forKey: .trustedProxies) ?? defaults.trustedProxies
        signInWorkers = try c.decodeIfPresent(Int.self, forKey: .signInWorkers) ?? defaults.signInWorkers
        signInQueue = try c.decodeIfPresent(Int.self, forKey: .signInQueue) ?? defaults.signInQueue
        guard (4...31).contains(bcryptCost) else {
            throw DecodingError.dataCorruptedError(forKey: .bcryptCost, in: c, debugDescription: "bcrypt_cost must be from 4 to 31")
        }
        guard (1...64).contains(signInWorkers), (1...10_000).contains(signInQueue) else {
            throw DecodingError.dataCorruptedError(
                forKey: .signInWorkers, in: c, debugDescription: "sign_in_workers must be 1–64 and sign_in_queue 1–10000")
        }
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
