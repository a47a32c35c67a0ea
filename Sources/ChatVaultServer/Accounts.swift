import ChatVaultCore
import Crypto
public import Foundation
import HummingbirdBcrypt
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// What a signed-in person or an integration may do. Every route names the roles it
/// allows; nothing is allowed by default.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// Users, the policy and sources; not the content of the archive.
    case admin
    /// Everything in compliance: search, conversations, holds, exports, policy, reports.
    case officer
    /// The review queue, limited to the groups assigned to them.
    case reviewer
    /// Read-only: search, conversations, reports, the access trail and integrity.
    case auditor
    /// An integration that pushes messages through the ingest API (API tokens only).
    case ingest

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The roles a person can have (``ingest`` is for tokens).
    public static let people: [Role] = [.admin, .officer, .reviewer, .auditor]
}

/// A local account.
public struct Account: Sendable, Codable, Hashable {
    public var name: String
    public var role: Role
    /// For reviewers: the directory groups whose alerts they see.
    public var groups: [String]
    public var passwordHash: String
    public var disabled: Bool

    enum CodingKeys: String, CodingKey {
        case name, role, groups, disabled
        case passwordHash = "password_hash"
    }
}

/// An API token for an integration: only its SHA-256 is kept.
public struct APIToken: Sendable, Codable, Hashable {
    public var name: String
    public var role: Role
    /// For ingest tokens: the source name its messages are recorded under.
    public var source: String?
    public var sha256: String
    public var createdBy: String

    enum CodingKeys: String, CodingKey {
        case name, role, source, sha256
        case createdBy = "created_by"
    }
}

/// Who is making a request.
public struct Principal: Sendable, Hashable {
    public var name: String
    public var role: Role
    public var groups: [String]
    /// Set for an API token; `nil` for a person signed in through the console.
    public var token: String?
    public var source: String?
}

/// Accounts and API tokens, kept in `accounts.json` in the vault (mode 0600), replaced
/// atomically on every change.
///
/// The server and the CLI (`chatvault user add`, `chatvault token`) share the file: every
/// read picks up a change made by another process, and every change re-reads the file
/// under an exclusive lock (`accounts.lock`) before writing, so neither loses the other's.
public actor AccountStore {
    struct File: Codable {
        var users: [Account] = []
        var tokens: [APIToken] = []
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    let url: URL
    let lockURL: URL
    let bcryptCost: UInt8
    private var file = File()
    /// Modification time, size and inode of the file as last read.
    private var stamp: Stamp?

    struct Stamp: Equatable {
        var modified: Date
        var size: Int
        var inode: Int
    }

    public init(vaultDirectory: URL, bcryptCost: UInt8 = 12) throws {
        url = vaultDirectory.appendingPathComponent("accounts.json")
        lockURL = vaultDirectory.appendingPathComponent("accounts.lock")
        self.bcryptCost = bcryptCost
        file = try Self.read(url) ?? File()
        stamp = Self.stamp(of: url)
    }

    public var users: [Account] {
        refresh()
        return file.users.sorted { $0.name < $1.name }
    }

    public var tokens: [APIToken] {
        refresh()
        return file.tokens.sorted { $0.name < $1.name }
    }

    public func user(named name: String) -> Account? {
        refresh()
        return file.users.first { $0.name == name }
    }

    static func read(_ url: URL) throws -> File? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do {
            return try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw Failure(description: "\(url.path) is not a valid accounts file (\(error))")
        }
    }

    static func stamp(of url: URL) -> Stamp? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let modified = attributes[.modificationDate] as? Date, let size = attributes[.size] as? Int
        else { return nil }
        return Stamp(modified: modified, size: size, inode: (attributes[.systemFileNumber] as? Int) ?? 0)
    }

    /// Re-reads the file if another process changed it. A file that cannot be read keeps
    /// the accounts as they were (a half-written file is never seen: writes are atomic).
    private func refresh() {
        let current = Self.stamp(of: url)
        if current == stamp { return }
        if let fresh = try? Self.read(url) {
            file = fresh
            stamp = current
        }
    }

    /// Applies `change` to the newest file under the exclusive lock and writes it.
    private func modify<T>(_ change: (inout File) throws -> T) throws -> T {
        let descriptor = open(lockURL.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure(description: "cannot open \(lockURL.path)") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw Failure(description: "cannot lock \(lockURL.path)") }
        defer { flock(descriptor, LOCK_UN) }
        var fresh = try Self.read(url) ?? File()
        let result = try change(&fresh)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(fresh).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        file = fresh
        stamp = Self.stamp(of: url)
        return result
    }

    /// Creates or replaces an account. Names are 1–64 letters, digits, `.`, `-`, `_`, `@`;
    /// passwords at least 12 characters.
    public func setUser(name: String, role: Role, password: String?, groups: [String] = [], disabled: Bool = false) throws {
        guard Self.validName(name) else { throw Failure(description: "user names are 1–64 letters, digits, '.', '-', '_' or '@'") }
        guard role != .ingest else { throw Failure(description: "the ingest role is for API tokens, not people") }
        if let password, password.count < 12 { throw Failure(description: "a password needs at least 12 characters") }
        let newHash = password.map { Bcrypt.hash($0, cost: bcryptCost) }
        try modify { file in
            let existing = file.users.firstIndex { $0.name == name }
            guard let hash = newHash ?? existing.map({ file.users[$0].passwordHash }) else {
                throw Failure(description: "a new user needs a password")
            }
            let account = Account(name: name, role: role, groups: groups, passwordHash: hash, disabled: disabled)
            if let existing { file.users[existing] = account } else { file.users.append(account) }
        }
    }

    /// The account if `password` is right and it is enabled. Always runs bcrypt, so an unknown
    /// name takes as long as a wrong password.
    public func authenticate(name: String, password: String) -> Account? {
        refresh()
        let account = user(named: name)
        let hash = account?.passwordHash ?? Self.decoyHash
        let matches = Bcrypt.verify(password, hash: hash)
        guard matches, let account, !account.disabled else { return nil }
        return account
    }

    /// Creates a token and returns its secret (shown once).
    public func createToken(name: String, role: Role, source: String?, createdBy: String) throws -> String {
        guard Self.validName(name) else { throw Failure(description: "token names are 1–64 letters, digits, '.', '-', '_' or '@'") }
        let secret = "cvt_" + SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }.hexString
        try modify { file in
            guard !file.tokens.contains(where: { $0.name == name }) else { throw Failure(description: "a token named \(name) exists") }
            file.tokens.append(APIToken(name: name, role: role, source: source, sha256: Self.digest(secret), createdBy: createdBy))
        }
        return secret
    }

    public func revokeToken(name: String) throws -> Bool {
        try modify { file in
            let before = file.tokens.count
            file.tokens.removeAll { $0.name == name }
            return file.tokens.count < before
        }
    }

    public func token(secret: String) -> APIToken? {
        refresh()
        let digest = Self.digest(secret)
        return file.tokens.first { constantTimeEqual($0.sha256, digest) }
    }

    static func digest(_ secret: String) -> String { Array(SHA256.hash(data: Array(secret.utf8))).hexString }

    static func validName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_@".unicodeScalars.contains($0))
            }
    }

    /// A valid bcrypt hash of a random string, compared against when the user is unknown.
    static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: 4)

}

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
}
