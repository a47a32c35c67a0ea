public import ChatVaultCore
import Foundation

/// Where an ingest token may write, and how far from now a message it delivers may be
/// dated: a relay for the web chat cannot plant a message in a trading-desk Slack channel,
/// backdate one into last year, or add a participant (and so a reviewer's view) to a
/// conversation of another platform.
public struct IngestScope: Sendable, Hashable {
    /// Platforms the token writes to, lower case.
    public var platforms: [String]
    /// `platform:conversation` patterns; one ending in `*` matches by prefix. Empty: any
    /// conversation on ``platforms``.
    public var conversations: [String]

    public init(platforms: [String], conversations: [String] = []) {
        self.platforms = platforms.map { $0.lowercased() }
        self.conversations = conversations.map(Self.normalisedPattern)
    }

    /// Checks patterns given on the command line or in the API: `platform:conversation` or
    /// `platform:prefix*`, with a platform the scope names.
    public static func validated(platforms: [String], conversations: [String]) throws -> IngestScope {
        let scope = IngestScope(platforms: platforms, conversations: conversations)
        guard !scope.platforms.isEmpty, scope.platforms.allSatisfy({ !$0.isEmpty && !$0.contains(":") }) else {
            throw ScopeError(description: "an ingest token needs at least one platform name (no ':')")
        }
        for pattern in scope.conversations {
            guard let colon = pattern.firstIndex(of: ":"), colon != pattern.startIndex, pattern.index(after: colon) != pattern.endIndex else {
                throw ScopeError(description: "conversation scope \(pattern) must read platform:conversation or platform:prefix*")
            }
            guard scope.platforms.contains(String(pattern[..<colon])) else {
                throw ScopeError(description: "conversation scope \(pattern) names a platform the token may not write to")
            }
            guard !pattern.dropLast().contains("*") else {
                throw ScopeError(description: "conversation scope \(pattern): '*' may only end a pattern")
            }
        }
        return scope
    }

    /// Why `message` is outside the scope, or `nil` when the token may write it.
    public func refusal(for message: Message) -> String? {
        let platform = message.platform.lowercased()
        guard platforms.contains(platform) else {
            return "platform \(message.platform) is outside this token's scope (\(platforms.joined(separator: ", ")))"
        }
        guard !conversations.isEmpty else { return nil }
        let key = platform + ":" + message.conversation
        let admitted = conversations.contains { pattern in
            pattern.hasSuffix("*") ? key.hasPrefix(pattern.dropLast()) : key == pattern
        }
        return admitted ? nil : "conversation \(message.platform):\(message.conversation) is outside this token's scope"
    }

    /// Why `sentAt` is too far from `now` for a live delivery, or `nil`.
    public static func refusal(sentAt: Timestamp, now: Timestamp, maxBackdateDays: Int, maxFutureMinutes: Int) -> String? {
        let earliest = now.microseconds - Int64(maxBackdateDays) * 86_400_000_000
        let latest = now.microseconds + Int64(maxFutureMinutes) * 60_000_000
        if sentAt.microseconds < earliest {
            return "sent_at \(sentAt.iso8601) is more than \(maxBackdateDays) days before now; import old messages with `chatvault import`"
        }
        if sentAt.microseconds > latest {
            return "sent_at \(sentAt.iso8601) is more than \(maxFutureMinutes) minutes after now"
        }
        return nil
    }

    private static func normalisedPattern(_ pattern: String) -> String {
        guard let colon = pattern.firstIndex(of: ":") else { return pattern }
        return pattern[..<colon].lowercased() + pattern[colon...]
    }
}

/// An ingest scope given on the command line or in the API is not valid.
public struct ScopeError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

extension APIToken {
    /// Where this ingest token may write: its platforms, else the platform named like its
    /// source (a token made with `--source webchat` writes `webchat` messages only).
    public var ingestScope: IngestScope {
        IngestScope(platforms: platforms ?? [source ?? name], conversations: conversations ?? [])
    }
}
