import ChatVaultCore
import Crypto
import Foundation
import Logging

/// Signed-in console sessions, held in memory (a restart signs everyone out), with a
/// CSRF token each, an idle timeout and an absolute lifetime.
actor SessionStore {
    struct Session: Sendable {
        var principal: Principal
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

    func create(for principal: Principal) -> (id: String, session: Session) {
        let now = Date()
        let id = Self.random()
        let session = Session(principal: principal, csrf: Self.random(), created: now, lastSeen: now)
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

/// Slows down password guessing: after `limit` failures for a name or an address within
/// `window`, further attempts are refused until the window has passed.
actor LoginThrottle {
    let limit: Int
    let window: TimeInterval
    private var failures: [String: [Date]] = [:]

    init(limit: Int = 5, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait before `keys` may try again; 0 if they may try now.
    func wait(_ keys: [String]) -> Int {
        let now = Date()
        var longest = 0.0
        for key in keys {
            let recent = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[key] = recent
            if recent.count >= limit, let oldest = recent.first { longest = max(longest, window - now.timeIntervalSince(oldest)) }
        }
        return Int(longest.rounded(.up))
    }

    func fail(_ keys: [String]) {
        let now = Date()
        for key in keys { failures[key, default: []].append(now) }
        if failures.count > 100_000 { failures = failures.filter { ($0.value.last.map { now.timeIntervalSince($0) } ?? window) < window } }
    }

    func succeed(_ keys: [String]) {
        for key in keys { failures[key] = nil }
    }
}
