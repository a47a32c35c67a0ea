import ChatVaultCore
import Crypto
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Signed-in console sessions, held in memory (a restart signs everyone out), with a
/// CSRF token each, an idle timeout and an absolute lifetime.
actor SessionStore {
    struct Session: Sendable {
        var principal: Principal
        /// The account's credential epoch at sign-in: a later password change ends the session.
        var epoch: Int
        var csrf: String
        var created: Date
        var lastSeen: Date
    }

    let idleTimeout: TimeInterval
    let lifetime: TimeInterval
    private var sessions: [String: Session] = [:]

    init(idleTimeout: TimeInterval = 30 * 60, lifetime: TimeInterval = 12 * 3600) {
        self.idleTimeout = idleTimeout
        self.lifetime = lifetime
    }

    func create(for principal: Principal, epoch: Int) -> (id: String, session: Session) {
        let now = Date()
        let id = Self.random()
        let session = Session(principal: principal, epoch: epoch, csrf: Self.random(), created: now, lastSeen: now)
        sessions[id] = session
        if sessions.count > 10_000 { sweep(now: now) }
        return (id, session)
    }

    /// The live session for `id`, touched; `nil` when unknown or expired.
    func session(_ id: String) -> Session? {
        let now = Date()
        guard var session = sessions[id] else { return nil }
        if now.timeIntervalSince(session.lastSeen) > idleTimeout || now.timeIntervalSince(session.created) > lifetime {
            sessions[id] = nil
            return nil
        }
        session.lastSeen = now
        sessions[id] = session
        return session
    }

    func end(_ id: String) { sessions[id] = nil }

    /// Ends every session of `user` (after a password or role change).
    func endAll(of user: String) { sessions = sessions.filter { $0.value.principal.name != user } }

    private func sweep(now: Date) {
        sessions = sessions.filter { now.timeIntervalSince($0.value.lastSeen) <= idleTimeout }
    }

    static func random() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }.hexString
    }
}

/// Slows down password guessing without letting anyone lock an account out.
///
/// Every attempt is counted *before* its password is checked, in-flight attempts included, so
/// parallel requests cannot all slip through. The counts are kept per (account, address) pair
/// and per address, never per account alone: a guesser elsewhere cannot lock the owner out.
/// Concurrent attempts are capped per account and per address.
actor LoginThrottle {
    struct Limits: Sendable {
        /// Failed (or in-flight) attempts per account and address within ``window``.
        var pair = 5
        /// Failed (or in-flight) attempts per address within ``window``, whatever the account.
        var address = 30
        /// Attempts checked at the same time for one account, and from one address.
        var concurrentPerAccount = 2
        var concurrentPerAddress = 4
        var window: TimeInterval = 15 * 60
    }

    /// A counted attempt: pass it back to ``finish(_:succeeded:)``.
    struct Ticket: Sendable {
        var account: String
        var address: String
        var at: Date
    }

    enum Admission: Sendable {
        case proceed(Ticket)
        /// Refused for `seconds`; `busy` when only the concurrency cap refused it.
        case refused(seconds: Int, busy: Bool)
    }

    nonisolated let limits: Limits
    private var attempts: [String: [Date]] = [:]
    private var inFlight: [String: Int] = [:]
    private var recorded: [String: Date] = [:]

    init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The address an attempt is counted against: an IPv6 client's /64 (one client holds a
    /// whole /64, so per full address it would have 2^64 budgets), an IPv4-mapped IPv6 address
    /// as its IPv4, anything else as given.
    static func network(_ address: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard address.contains(":"), inet_pton(AF_INET6, address, &bytes) == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        return Array(bytes[0..<8]).hexString + "::/64"
    }

    static func pairKey(_ account: String, _ address: String) -> String { "pair:" + account + "\u{0}" + address }

    /// Counts an attempt for `account` (normalised) from `address`, or refuses it.
    func begin(account: String, address: String) -> Admission {
        let address = Self.network(address)
        let now = Date()
        let pair = Self.pairKey(account, address)
        let addressKey = "address:" + address
        let accountKey = "account:" + account
        prune([pair, addressKey], now)
        if inFlight[accountKey, default: 0] >= limits.concurrentPerAccount || inFlight[addressKey, default: 0] >= limits.concurrentPerAddress {
            return .refused(seconds: 1, busy: true)
        }
        var wait = 0.0
        for (key, limit) in [(pair, limits.pair), (addressKey, limits.address)] {
            let recent = attempts[key, default: []]
            if recent.count >= limit, let oldest = recent.first { wait = max(wait, limits.window - now.timeIntervalSince(oldest)) }
        }
        if wait > 0 { return .refused(seconds: max(1, Int(wait.rounded(.up))), busy: false) }
        attempts[pair, default: []].append(now)
        attempts[addressKey, default: []].append(now)
        inFlight[accountKey, default: 0] += 1
        inFlight[addressKey, default: 0] += 1
        return .proceed(Ticket(account: account, address: address, at: now))
    }

    /// Ends an attempt. A success clears the pair's count and takes the attempt off the
    /// address's; an attempt that was not checked (`counted: false`) is taken off both.
    func finish(_ ticket: Ticket, succeeded: Bool, counted: Bool = true) {
        let pair = Self.pairKey(ticket.account, ticket.address)
        let addressKey = "address:" + ticket.address
        inFlight["account:" + ticket.account, default: 1] -= 1
        inFlight[addressKey, default: 1] -= 1
        if inFlight["account:" + ticket.account] == 0 { inFlight["account:" + ticket.account] = nil }
        if inFlight[addressKey] == 0 { inFlight[addressKey] = nil }
        if succeeded { attempts[pair] = nil }
        if succeeded || !counted {
            if let index = attempts[addressKey]?.firstIndex(of: ticket.at) { attempts[addressKey]?.remove(at: index) }
        }
        if !counted, let index = attempts[pair]?.firstIndex(of: ticket.at) { attempts[pair]?.remove(at: index) }
    }

    /// `true` the first time `key` asks within a window: refused sign-ins are written to the
    /// audit trail once per account, address and window, not once per attempt.
    func shouldRecord(_ key: String) -> Bool {
        let now = Date()
        if let last = recorded[key], now.timeIntervalSince(last) < limits.window { return false }
        recorded[key] = now
        return true
    }

    private var lastSweep = Date()

    /// Drops attempts older than the window for `keys`, and for every key now and then.
    private func prune(_ keys: [String], _ now: Date) {
        for key in keys {
            guard let dates = attempts[key] else { continue }
            let recent = dates.filter { now.timeIntervalSince($0) < limits.window }
            if recent.count != dates.count { attempts[key] = recent.isEmpty ? nil : recent }
        }
        guard now.timeIntervalSince(lastSweep) > 60, attempts.count + recorded.count > 10_000 else { return }
        lastSweep = now
        attempts = attempts.compactMapValues { dates in
            let recent = dates.filter { now.timeIntervalSince($0) < limits.window }
            return recent.isEmpty ? nil : recent
        }
        recorded = recorded.filter { now.timeIntervalSince($0.value) < limits.window }
    }
}
