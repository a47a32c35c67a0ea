public import ChatVaultCore
import Foundation

/// What the vault knows about one live source: where each of its archives was read up
/// to, when it last delivered, and whether it looks complete.
///
/// Kept as `sources/<name>.json` in the vault, replaced atomically after each batch is
/// durable, so a cursor never runs ahead of what is stored: after a crash the connector
/// re-reads at most one batch, which the archive reports as duplicates.
public struct SourceState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case starting, up, down
    }

    /// An irregularity that may mean messages were missed.
    public struct Gap: Codable, Sendable, Equatable {
        /// `silence` (no message for longer than usual), `id-skip` (an archive's ids jump),
        /// `down` (the server could not be reached), `reset` (a cursor the server no longer knows).
        public var kind: String
        public var archive: String?
        public var detectedAt: Double
        public var detail: String

        public init(kind: String, archive: String?, detectedAt: Double, detail: String) {
            self.kind = kind
            self.archive = archive
            self.detectedAt = detectedAt
            self.detail = detail
        }
    }

    public var name: String
    public var kind: String
    public var status: Status = .starting
    public var lastError: String?
    /// Unix seconds when the source went down (while it is down).
    public var downSince: Double?
    /// Unix seconds of the last successful poll.
    public var lastPollAt: Double?
    /// Unix seconds of the newest message delivered.
    public var lastMessageAt: Double?
    /// Per archive (a JID, a room, a channel): the position to continue reading from.
    public var cursors: [String: String] = [:]
    /// Messages stored per UTC day (`yyyy-MM-dd`), by the day they were sent.
    public var perDay: [String: Int] = [:]
    public var stored = 0
    public var duplicates = 0
    public var rejected = 0
    public var gaps: [Gap] = []

    public init(name: String, kind: String) {
        self.name = name
        self.kind = kind
    }

    /// Adds a gap unless the same one (kind, archive, detail) is already the newest of its kind.
    public mutating func record(_ gap: Gap) {
        if let last = gaps.last(where: { $0.kind == gap.kind && $0.archive == gap.archive }), last.detail == gap.detail { return }
        gaps.append(gap)
        if gaps.count > 500 { gaps.removeFirst(gaps.count - 500) }
    }

    /// The UTC day key of a timestamp.
    public static func day(of time: Timestamp) -> String {
        String(time.iso8601.prefix(10))
    }
}
