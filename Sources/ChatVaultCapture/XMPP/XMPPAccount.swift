public import Foundation

/// Where and as whom an XMPP connector logs in, read from a ``SourceConfiguration``.
public struct XMPPAccount: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The XMPP domain: the stream's `to`, and the name the certificate must carry.
    public var domain: String
    /// The SASL authentication id: the local part of the account's JID.
    public var username: String
    public var password: String
    public var caFile: String?
    /// STARTTLS is required unless the configuration says `"tls": false`.
    public var requireTLS: Bool

    public var bareJID: String { "\(username)@\(domain)" }

    public init(host: String, port: Int, domain: String, username: String, password: String, caFile: String?, requireTLS: Bool) {
        self.host = host
        self.port = port
        self.domain = domain
        self.username = username
        self.password = password
        self.caFile = caFile
        self.requireTLS = requireTLS
    }

    /// Reads the account from a configured source; `username` may be a bare JID.
    public init(_ configuration: SourceConfiguration, vaultDirectory: URL) throws {
        let name = configuration.name
        guard let user = configuration.username, !user.isEmpty else { throw CaptureError.configuration(source: name, "username is missing") }
        var username = user
        var domain = configuration.domain
        if let at = user.firstIndex(of: "@") {
            username = String(user[..<at])
            let userDomain = String(user[user.index(after: at)...])
            if domain == nil { domain = userDomain }
        }
        guard let domain = domain?.lowercased(), !domain.isEmpty, !username.isEmpty else {
            throw CaptureError.configuration(source: name, "domain is missing (set domain or a username like alice@example.org)")
        }
        guard let password = try configuration.secret(vaultDirectory: vaultDirectory) else {
            throw CaptureError.configuration(source: name, "no password (password_env or password_file)")
        }
        var caFile = configuration.caFile
        if let path = caFile, !path.hasPrefix("/") { caFile = vaultDirectory.appendingPathComponent(path).path }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw CaptureError.configuration(source: name, "cannot read ca_file \(caFile)")
        }
        let port = configuration.port ?? 5222
        guard (1...65535).contains(port) else { throw CaptureError.configuration(source: name, "port \(port) out of range") }
        self.init(
            host: configuration.host ?? domain, port: port, domain: domain, username: username.lowercased(), password: password,
            caFile: caFile, requireTLS: configuration.tls ?? true)
    }
}

/// Jabber ids as the archive uses them.
public enum JID {
    /// `Alice@Example.org/phone` → `alice@example.org` (case folded: local part and domain
    /// are case-insensitive in practice).
    public static func bare(_ jid: String) -> String {
        let withoutResource = jid.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? jid
        return withoutResource.lowercased()
    }

    /// The resource part (a MUC occupant's nick), if any.
    public static func resource(_ jid: String) -> String? {
        guard let slash = jid.firstIndex(of: "/") else { return nil }
        let resource = String(jid[jid.index(after: slash)...])
        return resource.isEmpty ? nil : resource
    }
}
