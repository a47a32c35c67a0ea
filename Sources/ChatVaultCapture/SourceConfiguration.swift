public import Foundation

/// One live source, as configured under `"sources"` in the vault's `config.json`.
///
/// ```json
/// { "sources": [
///   { "name": "prosody", "kind": "xmpp", "host": "127.0.0.1", "port": 5222, "domain": "localhost",
///     "username": "compliance@localhost", "password_env": "XMPP_PASSWORD", "ca_file": "certs/ca.pem",
///     "archives": ["alice@localhost", "compliance@conference.localhost"], "poll_seconds": 5 } ] }
/// ```
///
/// Secrets are never written to the config: `password_env` / `token_env` name an environment
/// variable and `password_file` / `token_file` a file (relative paths are inside the vault).
/// A literal `password` or `token` in the file is refused with an error.
public struct SourceConfiguration: Codable, Sendable, Hashable {
    /// Unique within the vault; names the source's state file and its audit events.
    public var name: String
    /// `xmpp`, `matrix` or `irc`.
    public var kind: String
    public var host: String?
    public var port: Int?
    /// The XMPP domain, Matrix server name or IRC network name.
    public var domain: String?
    public var username: String?
    /// A password given in code (tests); never read from `config.json`.
    public var password: String?
    public var passwordEnv: String?
    public var passwordFile: String?
    public var tokenEnv: String?
    public var tokenFile: String?
    /// PEM file of the CA that signed the server's certificate (private CAs).
    public var caFile: String?
    /// Use TLS (STARTTLS for XMPP, HTTPS for Matrix, TLS for IRC). Defaults per kind.
    public var tls: Bool?
    /// What to capture: XMPP archive JIDs, Matrix room ids, IRC channels. Empty means all
    /// the connector can enumerate.
    public var archives: [String]?
    /// Seconds between polls for new messages.
    public var pollSeconds: Double?
    /// A source with no message for this many hours (when it usually has some) is reported as a gap.
    public var silenceHours: Double?
    /// IRC without TLS sends its server password in clear: refused unless this is set.
    public var allowPlaintextPassword: Bool?

    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, host, port, domain, username, password, archives, tls
        case passwordEnv = "password_env"
        case passwordFile = "password_file"
        case tokenEnv = "token_env"
        case tokenFile = "token_file"
        case caFile = "ca_file"
        case pollSeconds = "poll_seconds"
        case silenceHours = "silence_hours"
        case allowPlaintextPassword = "allow_plaintext_password"
    }

    /// Keys that would put a secret in the file itself.
    static let literalSecretKeys = ["password", "token", "access_token"]

    public init(from decoder: any Decoder) throws {
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        kind = try c.decode(String.self, forKey: .kind)
        if let literal = Self.literalSecretKeys.first(where: keys.contains) {
            throw CaptureError.configuration(
                source: name,
                "a literal \"\(literal)\" is not allowed in config.json (secrets never live there): use password_env / token_env "
                    + "(an environment variable) or password_file / token_file (a file, mode 0600)")
        }
        host = try c.decodeIfPresent(String.self, forKey: .host)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
        domain = try c.decodeIfPresent(String.self, forKey: .domain)
        username = try c.decodeIfPresent(String.self, forKey: .username)
        passwordEnv = try c.decodeIfPresent(String.self, forKey: .passwordEnv)
        passwordFile = try c.decodeIfPresent(String.self, forKey: .passwordFile)
        tokenEnv = try c.decodeIfPresent(String.self, forKey: .tokenEnv)
        tokenFile = try c.decodeIfPresent(String.self, forKey: .tokenFile)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        tls = try c.decodeIfPresent(Bool.self, forKey: .tls)
        archives = try c.decodeIfPresent([String].self, forKey: .archives)
        pollSeconds = try c.decodeIfPresent(Double.self, forKey: .pollSeconds)
        silenceHours = try c.decodeIfPresent(Double.self, forKey: .silenceHours)
        allowPlaintextPassword = try c.decodeIfPresent(Bool.self, forKey: .allowPlaintextPassword)
    }

    /// The password (or token): literal, from the environment, or from a file, in that order.
    public func secret(vaultDirectory: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let password { return password }
        for name in [passwordEnv, tokenEnv].compactMap({ $0 }) {
            guard let value = environment[name] else {
                throw CaptureError.configuration(source: self.name, "environment variable \(name) is not set")
            }
            return value
        }
        for path in [passwordFile, tokenFile].compactMap({ $0 }) {
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : vaultDirectory.appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw CaptureError.configuration(source: self.name, "cannot read secret file \(url.path)")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }
}

/// The capture part of a vault's `config.json` (other keys belong to the archive and server).
public struct CaptureConfiguration: Codable, Sendable {
    public var sources: [SourceConfiguration]

    public init(sources: [SourceConfiguration] = []) {
        self.sources = sources
    }

    /// Reads `config.json` in `vaultDirectory`; a config without `"sources"` has none.
    public static func load(vaultDirectory: URL) throws -> CaptureConfiguration {
        let url = vaultDirectory.appendingPathComponent("config.json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return CaptureConfiguration() }
        struct File: Decodable { var sources: [SourceConfiguration]? }
        do {
            let sources = try JSONDecoder().decode(File.self, from: data).sources ?? []
            var names = Set<String>()
            for source in sources where !names.insert(source.name).inserted {
                throw CaptureError.configuration(source: source.name, "two sources are named \(source.name)")
            }
            return CaptureConfiguration(sources: sources)
        } catch let error as CaptureError {
            throw error
        } catch {
            throw CaptureError.configuration(source: url.path, "not a valid sources configuration (\(error))")
        }
    }
}

public enum CaptureError: Error, Sendable, CustomStringConvertible {
    case configuration(source: String, String)
    /// The server could not be reached or broke the session; the runner retries.
    case connection(source: String, String)
    /// The server answered with something the connector cannot use.
    case protocolError(source: String, String)
    case authentication(source: String, String)

    public var description: String {
        switch self {
        case .configuration(let source, let why): "\(source): configuration: \(why)"
        case .connection(let source, let why): "\(source): connection: \(why)"
        case .protocolError(let source, let why): "\(source): protocol: \(why)"
        case .authentication(let source, let why): "\(source): authentication: \(why)"
        }
    }
}
