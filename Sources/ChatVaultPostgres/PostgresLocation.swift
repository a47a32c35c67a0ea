public import Foundation

/// Where a PostgreSQL archive lives: `postgres://user@host:port/database?sslmode=…`.
///
/// The password never travels in the URL, which ends up in configuration files, process
/// listings and logs: it is read from a file (mode 0600) or from the environment
/// (`CHATVAULT_POSTGRES_PASSWORD`), and ``description`` never shows it.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    /// How the connection uses TLS (libpq's `sslmode` names).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP: loopback and test servers only.
        case disable
        /// TLS when the server offers it.
        case prefer
        /// TLS or no connection.
        case require
    }

    /// The environment variable read when no password file is given.
    public static let passwordVariable = "CHATVAULT_POSTGRES_PASSWORD"

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// The role's password; never printed.
    public var password: String?

    /// Parses `url`, then reads the password from `passwordFile` when given, otherwise from
    /// ``passwordVariable`` in `environment`.
    public init(url: String, passwordFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw PostgresStoreError(.invalidLocation, "not a postgres:// URL: \(Self.redacted(url))")
        }
        guard components.password == nil else {
            throw PostgresStoreError(
                .invalidLocation, "\(Self.redacted(url)): a password in the URL is refused; put it in a file or \(Self.passwordVariable)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresStoreError(.invalidLocation, "\(Self.redacted(url)): no user (postgres://USER@host/database)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError(.invalidLocation, "\(Self.redacted(url)): no host")
        }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.contains("/") else { throw PostgresStoreError(.invalidLocation, "\(Self.redacted(url)): the path must be one database name") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    let known = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                    throw PostgresStoreError(.invalidLocation, "\(Self.redacted(url)): sslmode must be one of \(known)")
                }
                tls = mode
            default:
                throw PostgresStoreError(.invalidLocation, "\(Self.redacted(url)): unknown parameter \(item.name)")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.database = path.isEmpty ? self.user : (path.removingPercentEncoding ?? path)
        self.tls = tls
        if let passwordFile {
            self.password = try Self.readPassword(passwordFile)
        } else {
            self.password = environment[Self.passwordVariable]
        }
    }

    /// The URL without any password: safe for logs.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" }

    /// The password file's first line; the file must not be readable by group or others.
    static func readPassword(_ path: String) throws -> String {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw PostgresStoreError(.invalidLocation, "\(path): cannot read the password file")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw PostgresStoreError(.invalidLocation, "\(path): the password file must not be readable by others (chmod 600)")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PostgresStoreError(.invalidLocation, "\(path): cannot read the password file")
        }
        let password = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !password.isEmpty else { throw PostgresStoreError(.invalidLocation, "\(path): the password file is empty") }
        return password
    }

    /// `url` with a password (if any) replaced by `***`.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparsable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unparsable URL)"
    }
}
