public import ChatVaultCore

/// Aggregates over the archive for the console's reports (``ArchiveReports``). Each is one
/// pass over a time range the caller bounds; `[from, to)` is over sent time for messages
/// (an id range, see ``MessageID/range(from:before:)``) and over raised time for alerts.
public protocol ReportStore: Sendable {
    /// Messages per UTC day (`YYYY-MM-DD`) and platform, by day then platform.
    func volumeByDay(from: Timestamp, to: Timestamp) async throws -> [ArchiveReports.DayCount]

    /// The `limit` most active senders, most messages first (ties by handle).
    func topSenders(from: Timestamp, to: Timestamp, limit: Int) async throws -> [ArchiveReports.Count]

    /// Per conversation active in the range: its participants and its messages in the range.
    func conversationTraffic(from: Timestamp, to: Timestamp) async throws -> [ArchiveReports.ConversationTraffic]

    /// One row per alert raised in the range, oldest first, with its week (`YYYY-Wnn`, weeks
    /// starting on Monday as `strftime('%W')` counts them), rule and participants.
    func alertsByWeek(from: Timestamp, to: Timestamp) async throws -> [ArchiveReports.AlertWeek]

    /// Alerts by state now, and how long the alerts closed in the range took.
    func reviewBacklog(from: Timestamp, to: Timestamp) async throws -> ArchiveReports.Backlog
}
