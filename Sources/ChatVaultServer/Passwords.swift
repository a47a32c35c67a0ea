import Crypto
import Foundation
import HummingbirdBcrypt
import Synchronization

/// How passwords are hashed and checked.
///
/// bcrypt reads at most 72 bytes, so two long passwords sharing their first 72 bytes would
/// both match. New hashes are therefore taken over base64(SHA-256(password)) (44 bytes) and
/// stored as `sha256$<bcrypt hash>`. Hashes stored before that (a bare `$2…` bcrypt hash)
/// keep working for passwords up to 72 bytes; a longer password never matches them.
public enum PasswordHash {
    static let prefix = "sha256$"
    /// The longest password accepted (bytes of UTF-8): far above any real one, far below a DoS.
    public static let maxBytes = 1024

    /// Refuses a password that may not be set.
    static func checkNew(_ password: String) throws {
        guard password.count >= 12 else { throw AccountStore.Failure(description: "a password needs at least 12 characters") }
        guard password.utf8.count <= maxBytes else { throw AccountStore.Failure(description: "a password may have at most \(maxBytes) bytes") }
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }

    /// A new stored hash for `password`.
    public static func make(_ password: String, cost: UInt8) -> String {
        prefix + Bcrypt.hash(prehash(password), cost: cost)
    }

    /// A hash in the form stored before the pre-hash (a bare bcrypt hash), as older
    /// `accounts.json` files hold them.
    static func legacy(_ password: String, cost: UInt8) -> String { Bcrypt.hash(password, cost: cost) }

    /// Whether `password` matches `hash` (new or legacy form). Runs bcrypt once in every case
    /// but a malformed stored hash, so the time does not depend on which case applies.
    public static func verify(_ password: String, hash: String) -> Bool {
        guard password.utf8.count <= maxBytes else { return false }
        if hash.hasPrefix(prefix) { return Bcrypt.verify(prehash(password), hash: String(hash.dropFirst(prefix.count))) }
        // A legacy hash: bcrypt would ignore everything after byte 72, so such a password never matches.
        let matches = Bcrypt.verify(password, hash: hash)
        return matches && password.utf8.count <= 72
    }

    /// The cost a stored hash was made with (`$2b$12$…` → 12).
    static func cost(of hash: String) -> Int? {
        let bare = hash.hasPrefix(prefix) ? String(hash.dropFirst(prefix.count)) : hash
        let parts = bare.split(separator: "$")
        return parts.count >= 2 ? Int(parts[1]) : nil
    }

    private static let decoys = Mutex<[UInt8: String]>([:])

    /// A valid hash of a random string at `cost`, checked when the user is unknown. It has the
    /// same cost as real hashes, so an unknown name takes as long as a wrong password.
    public static func decoy(cost: UInt8) -> String {
        if let known = decoys.withLock({ $0[cost] }) { return known }
        let made = make(UUID().uuidString, cost: cost)
        return decoys.withLock { table in
            if let known = table[cost] { return known }
            table[cost] = made
            return made
        }
    }
}

/// Runs password checks on a few dedicated threads, never on the actors or the Swift
/// concurrency pool that serve every other request, with a bounded queue: when it is full a
/// sign-in is refused at once (the caller answers 503 with Retry-After) instead of waiting.
public final class PasswordVerifier: Sendable {
    final class Pool: @unchecked Sendable {
        // Guarded by `condition`.
        let condition = NSCondition()
        var jobs: [@Sendable () -> Void] = []
        var running = 0
        var stopping = false
        let checks = Atomic<Int>(0)

        func work() {
            while true {
                condition.lock()
                while jobs.isEmpty && !stopping { condition.wait() }
                if jobs.isEmpty {
                    condition.unlock()
                    return
                }
                let job = jobs.removeFirst()
                running += 1
                condition.unlock()
                job()
                condition.lock()
                running -= 1
                condition.unlock()
            }
        }
    }

    let pool = Pool()
    /// Threads checking passwords at once.
    public let workers: Int
    /// Checks running or waiting at most; more are refused.
    public let capacity: Int
    let cost: UInt8

    public init(workers: Int, capacity: Int, cost: UInt8) {
        self.workers = max(1, workers)
        self.capacity = max(self.workers, capacity)
        self.cost = cost
        // The decoy hash is made now, on the pool, not by the first sign-in of an unknown name.
        pool.jobs.append { _ = PasswordHash.decoy(cost: cost) }
        for index in 0..<self.workers {
            let thread = Thread { [pool] in pool.work() }
            thread.name = "chatvault-password-\(index)"
            thread.start()
        }
    }

    deinit {
        pool.condition.lock()
        pool.stopping = true
        pool.condition.broadcast()
        pool.condition.unlock()
    }

    /// The number of password checks started so far.
    public var checks: Int { pool.checks.load(ordering: .relaxed) }

    /// Whether `password` matches `hash` (the decoy hash when `hash` is `nil`); `nil` when the
    /// pool is full and the check was not made.
    public func verify(_ password: String, hash: String?) async -> Bool? {
        let cost = cost
        let pool = pool
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool?, Never>) in
            pool.condition.lock()
            guard pool.jobs.count + pool.running < capacity, !pool.stopping else {
                pool.condition.unlock()
                continuation.resume(returning: nil)
                return
            }
            pool.jobs.append {
                pool.checks.add(1, ordering: .relaxed)
                continuation.resume(returning: PasswordHash.verify(password, hash: hash ?? PasswordHash.decoy(cost: cost)))
            }
            pool.condition.signal()
            pool.condition.unlock()
        }
    }
}

/// Who a signed-in person is, for rules that need two different people.
public enum Identity {
    /// A name as compared between people: Unicode NFKC, full case folding, NFKC again, so
    /// `Alice`, `alice`, a full-width `ａｌｉｃｅ` are one person, and `straße` is `STRASSE`.
    /// Upper then lower case is full case folding here: it maps `ß` to `ss` and `ς` to `σ`,
    /// which lower-casing alone does not.
    public static func normalised(_ name: String) -> String {
        name.precomposedStringWithCompatibilityMapping.uppercased().lowercased().precomposedStringWithCompatibilityMapping
    }

    /// Whether `a` and `b` name the same person.
    public static func same(_ a: String, _ b: String) -> Bool { normalised(a) == normalised(b) }
}
