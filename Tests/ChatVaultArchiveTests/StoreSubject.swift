import ChatVaultArchive
import ChatVaultCore
import Foundation
import Testing

/// A backend under a conformance suite: each of its stores, and the clock it stamps with.
///
/// Each suite uses the store it checks and the message store to put messages and alerts
/// in; a backend that keeps its stores in separate types gives each here.
protocol StoreSubject: Sendable {
    var messages: any Archive { get }
    var reviewStore: any ReviewStore { get }
    var retentionStore: any RetentionStore { get }
    var reportStore: any ReportStore { get }
    var noticeStore: any NoticeStore { get }
    /// The clock every store of the subject reads; a test moves it.
    var clock: TestClock { get }
}

/// The embedded vault: one ``SQLiteArchive`` is every store.
struct SQLiteStoreSubject: StoreSubject {
    let archive: SQLiteArchive
    let clock: TestClock
    var messages: any Archive { archive }
    var reviewStore: any ReviewStore { archive }
    var retentionStore: any RetentionStore { archive }
    var reportStore: any ReportStore { archive }
    var noticeStore: any NoticeStore { archive }

    static func with(_ body: (SQLiteStoreSubject) async throws -> Void) async throws {
        let vault = try TemporaryVault()
        defer { vault.remove() }
        let clock = TestClock(StoreConformance.start)
        try await body(SQLiteStoreSubject(archive: try vault.archive(clock: { clock.now }), clock: clock))
    }
}

/// What the store suites share: a start time and messages built from a few fields.
enum StoreConformance {
    static let day: Int64 = 86_400_000_000
    /// 2024-03-01T00:00:00Z.
    static let start: Int64 = 1_709_251_200_000_000

    static func message(
        _ id: String, day offset: Int64 = 0, hour: Int64 = 10, platform: String = "slack", conversation: String = "C1",
        sender: String = "alice@bank.example", to recipients: [String] = ["bob@bank.example"], text: String = "hello",
        kind: Message.Kind = .message
    ) -> IncomingMessage {
        IncomingMessage(
            message: Message(
                platform: platform, conversation: conversation, sourceID: id, kind: kind, sender: Handle(id: sender),
                recipients: recipients.map { Handle(id: $0) }, sentAt: time(day: offset, hour: hour), text: text),
            conversationName: "#\(conversation.lowercased())", origin: "conformance")
    }

    static func time(day offset: Int64, hour: Int64 = 0) -> Timestamp {
        Timestamp(microseconds: start + offset * day + hour * 3_600_000_000)
    }

    /// An alert raised by `rule` on the message `id` of slack:C1 (or `conversation`).
    static func alert(on id: String, rule: String = "insider", severity: Alert.Severity = .high, conversation: String = "C1", day: Int64 = 0)
        -> Alert
    {
        Alert(
            rule: rule, severity: severity, description: "rule \(rule)",
            message: Message.DedupKey(platform: "slack", conversation: conversation, sourceID: id), participants: ["alice@bank.example"],
            raisedAt: time(day: day, hour: 10))
    }

    /// The code of the ``ArchiveError`` `body` throws; `nil` when it throws none.
    static func code(_ body: () async throws -> Void) async -> ArchiveError.Code? {
        do {
            try await body()
            return nil
        } catch let error as ArchiveError {
            return error.code
        } catch {
            Issue.record("not an ArchiveError: \(error)")
            return nil
        }
    }
}
