import ChatVaultArchive
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
    /// A chat-server gateway module that asks for a decision before delivery (API tokens only).
    case gateway

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The roles a person can have (``ingest`` and ``gateway`` are for tokens).
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
    /// Raised on every password change: a session signed in under an older epoch ends, even
    /// when the password was changed by another process (`chatvault user add`).
    public var credentialEpoch: Int?

    enum CodingKeys: String, CodingKey {
        case name, role, groups, disabled
        case passwordHash = "password_hash"
        case credentialEpoch = "credential_epoch"
    }

    /// ``credentialEpoch`` with older files' missing value as 0.
    public var epoch: Int { credentialEpoch ?? 0 }
}

/// An API token for an integration: only its SHA-256 is kept.
public struct APIToken: Sendable, Codable, Hashable {
    public var name: String
    public var role: Role
    /// For ingest tokens: the source name its messages are recorded under.
    public var source: String?
    public var sha256: String
    public var createdBy: String
    /// An officer or auditor token an admin created stays unusable until an officer (signed
    /// in with a password, not the admin) approves it: `true` while it waits.
    public var pendingApproval: Bool?
    /// The officer who approved it.
    public var approvedBy: String?
    /// For ingest tokens: the platforms it may write to (`nil`: its source name); see ``IngestScope``.
    public var platforms: [String]?
    /// For ingest tokens: the conversations it may write to, `platform:id` or `platform:prefix*` (`nil`: any on its platforms).
    public var conversations: [String]?

    enum CodingKeys: String, CodingKey {
        case name, role, source, sha256, platforms, conversations
        case createdBy = "created_by"
        case pendingApproval = "pending_approval"
        case approvedBy = "approved_by"
    }

    /// Whether the token may be used now.
    public var isUsable: Bool { pendingApproval != true }
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
    /// `url.path`, computed once: it is stat'ed on every lookup.
    private let path: String
    let lockURL: URL
    let bcryptCost: UInt8
    private var file = File()
    /// Modification time, size and inode of the file as last read.
    private var stamp: Stamp?

    struct Stamp: Equatable {
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
        var size: Int
        var inode: Int
    }

    public init(vaultDirectory: URL, bcryptCost: UInt8 = 12) throws {
        url = vaultDirectory.appendingPathComponent("accounts.json")
        path = url.path
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

    /// One `stat` call (a few microseconds): cheap enough to run on every token lookup, so a
    /// token revoked or an account changed by another process counts from the next request.
    static func stamp(of url: URL) -> Stamp? { stamp(ofPath: url.path) }

    static func stamp(ofPath path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(
            modifiedSeconds: Int(info.st_mtim.tv_sec), modifiedNanoseconds: Int(info.st_mtim.tv_nsec), size: Int(info.st_size),
            inode: Int(info.st_ino))
    }

    /// Re-reads the file if another process changed it. A file that cannot be read keeps
    /// the accounts as they were (a half-written file is never seen: writes are atomic).
    private func refresh() {
        let current = Self.stamp(ofPath: path)
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
        // 0600 from the first byte (a temporary file renamed into place), never narrowed afterwards.
        try PrivateFile.write(encoder.encode(fresh), to: url)
        file = fresh
        stamp = Self.stamp(of: url)
        return result
    }

    /// Creates or replaces an account. Names are 1–64 letters, digits, `.`, `-`, `_`, `@`, and
    /// differ from every other account's name after ``Identity/normalised(_:)``; passwords have
    /// at least 12 characters. A new password raises the account's credential epoch, which
    /// ends its existing sessions.
    ///
    /// The hash is computed before the store is entered, so hashing never holds up other callers.
    public nonisolated func setUser(name: String, role: Role, password: String?, groups: [String] = [], disabled: Bool = false) async throws {
        guard Self.validName(name) else { throw Failure(description: "user names are 1–64 letters, digits, '.', '-', '_' or '@'") }
        guard Role.people.contains(role) else { throw Failure(description: "the \(role.rawValue) role is for API tokens, not people") }
        if let password { try PasswordHash.checkNew(password) }
        let newHash = password.map { PasswordHash.make($0, cost: bcryptCost) }
        try await store(name: name, role: role, newHash: newHash, groups: groups, disabled: disabled)
    }

    private func store(name: String, role: Role, newHash: String?, groups: [String], disabled: Bool) throws {
        try modify { file in
            let existing = file.users.firstIndex { $0.name == name }
            let key = Identity.normalised(name)
            if existing == nil, let other = file.users.first(where: { Identity.normalised($0.name) == key }) {
                throw Failure(description: "the name \(name) is too close to the existing account \(other.name) (names are compared without case)")
            }
            guard let hash = newHash ?? existing.map({ file.users[$0].passwordHash }) else {
                throw Failure(description: "a new user needs a password")
            }
            var epoch = existing.map { file.users[$0].epoch } ?? 0
            // A new password, a disable or a role change ends the sessions (the CLI's too): a
            // role changed back or an account enabled again must not revive an old cookie.
            if let existing, newHash != nil || disabled != file.users[existing].disabled || role != file.users[existing].role { epoch += 1 }
            let account = Account(
                name: name, role: role, groups: groups, passwordHash: hash, disabled: disabled, credentialEpoch: epoch == 0 ? nil : epoch)
            if let existing { file.users[existing] = account } else { file.users.append(account) }
        }
    }

    /// The stored account (with its password hash) for a sign-in, read fresh; `nil` when unknown.
    public func credentials(name: String) -> Account? {
        refresh()
        return file.users.first { $0.name == name }
    }

    /// The account if `password` is right and it is enabled. Runs bcrypt outside the store (the
    /// console runs it on its bounded ``PasswordVerifier`` pool instead).
    public nonisolated func authenticate(name: String, password: String) async -> Account? {
        let account = await credentials(name: name)
        let matches = PasswordHash.verify(password, hash: account?.passwordHash ?? PasswordHash.decoy(cost: bcryptCost))
        guard matches, let account, !account.disabled else { return nil }
        return account
    }

    /// Creates a token and returns its secret (shown once).
    ///
    /// With `pendingApproval` (an admin creating an officer or auditor token) the token is
    /// unusable until ``approveToken(name:by:)``.
    public func createToken(
        name: String, role: Role, source: String?, createdBy: String, pendingApproval: Bool = false, platforms: [String]? = nil,
        conversations: [String]? = nil
    ) throws -> String {
        guard Self.validName(name) else { throw Failure(description: "token names are 1–64 letters, digits, '.', '-', '_' or '@'") }
        let secret = "cvt_" + SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }.hexString
        try modify { file in
            guard !file.tokens.contains(where: { $0.name == name }) else { throw Failure(description: "a token named \(name) exists") }
            file.tokens.append(
                APIToken(
                    name: name, role: role, source: source, sha256: Self.digest(secret), createdBy: createdBy,
                    pendingApproval: pendingApproval ? true : nil, platforms: platforms, conversations: conversations))
        }
        return secret
    }

    /// Makes a pending token usable. The approver must be another person than its creator
    /// (compared after ``Identity/normalised(_:)``); the caller checks the approver's role.
    public func approveToken(name: String, by approver: String) throws -> APIToken {
        try modify { file in
            guard let index = file.tokens.firstIndex(where: { $0.name == name }) else { throw Failure(description: "no token named \(name)") }
            guard file.tokens[index].pendingApproval == true else { throw Failure(description: "the token \(name) is not waiting for approval") }
            guard Identity.normalised(file.tokens[index].createdBy) != Identity.normalised(approver) else {
                throw Failure(description: "the token \(name) was created by \(approver); another officer must approve it")
            }
            file.tokens[index].pendingApproval = nil
            file.tokens[index].approvedBy = approver
            return file.tokens[index]
        }
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

}

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
}
