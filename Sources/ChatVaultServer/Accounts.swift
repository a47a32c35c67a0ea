import ChatVaultCore
import Crypto
public import Foundation
import HummingbirdBcrypt
import Logging

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
public actor AccountStore {
    struct File: Codable {
        var users: [Account] = []
        var tokens: [APIToken] = []
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    let url: URL
    let bcryptCost: UInt8
    private var file: File

    public init(vaultDirectory: URL, bcryptCost: UInt8 = 12) throws {
        url = vaultDirectory.appendingPathComponent("accounts.json")
        self.bcryptCost = bcryptCost
        if let data = FileManager.default.contents(atPath: url.path) {
            do {
                file = try JSONDecoder().decode(File.self, from: data)
            } catch {
                throw Failure(description: "\(url.path) is not a valid accounts file (\(error))")
            }
        } else {
            file = File()
        }
    }

    public var users: [Account] { file.users.sorted { $0.name < $1.name } }
    public var tokens: [APIToken] { file.tokens.sorted { $0.name < $1.name } }

    public func user(named name: String) -> Account? { file.users.first { $0.name == name } }

    /// Creates or replaces an account. Names are 1–64 letters, digits, `.`, `-`, `_`, `@`;
    /// passwords at least 12 characters.
    public func setUser(name: String, role: Role, password: String?, groups: [String] = [], disabled: Bool = false) throws {
        guard Self.validName(name) else { throw Failure(description: "user names are 1–64 letters, digits, '.', '-', '_' or '@'") }
        guard role != .ingest else { throw Failure(description: "the ingest role is for API tokens, not people") }
        let existing = file.users.firstIndex { $0.name == name }
        var hash = existing.map { file.users[$0].passwordHash }
        if let password {
            guard password.count >= 12 else { throw Failure(description: "a password needs at least 12 characters") }
            hash = Bcrypt.hash(password, cost: bcryptCost)
        }
        guard let hash else { throw Failure(description: "a new user needs a password") }
        let account = Account(name: name, role: role, groups: groups, passwordHash: hash, disabled: disabled)
        if let existing { file.users[existing] = account } else { file.users.append(account) }
        try save()
    }

    /// The account if `password` is right and it is enabled. Always runs bcrypt, so an unknown
    /// name takes as long as a wrong password.
    public func authenticate(name: String, password: String) -> Account? {
        let account = user(named: name)
        let hash = account?.passwordHash ?? Self.decoyHash
        let matches = Bcrypt.verify(password, hash: hash)
        guard matches, let account, !account.disabled else { return nil }
        return account
    }

    /// Creates a token and returns its secret (shown once).
    public func createToken(name: String, role: Role, source: String?, createdBy: String) throws -> String {
        guard Self.validName(name) else { throw Failure(description: "token names are 1–64 letters, digits, '.', '-', '_' or '@'") }
        guard !file.tokens.contains(where: { $0.name == name }) else { throw Failure(description: "a token named \(name) exists") }
        let secret = "cvt_" + SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }.hexString
        file.tokens.append(APIToken(name: name, role: role, source: source, sha256: Self.digest(secret), createdBy: createdBy))
        try save()
        return secret
    }

    public func revokeToken(name: String) throws -> Bool {
        let before = file.tokens.count
        file.tokens.removeAll { $0.name == name }
        try save()
        return file.tokens.count < before
    }

    public func token(secret: String) -> APIToken? {
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

    private func save() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(file)
        try data.write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    }
}

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
}
