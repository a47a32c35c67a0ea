public import ChatVaultArchive
public import ChatVaultCore
public import ChatVaultPolicy
import Foundation

/// Who has been shown the archive notice, where and when — and who has been seen in a
/// conversation but never shown it (MiFID II asks that clients are told before they are
/// recorded). Shared by the console (`/reports/notices`), the API
/// (`GET /api/v1/reports/notices`) and `chatvault report notices`.
public struct NoticeReport: Sendable {
    public enum Status: String, Sendable { case received, missing }

    public struct Row: Sendable, Hashable {
        public var status: Status
        public var platform: String
        public var conversation: String
        public var conversationName: String?
        public var participant: Handle
        /// When the notice was recorded; `nil` for a participant never shown it.
        public var at: Timestamp?
        /// The gateway that recorded it (`gateway:TOKEN`).
        public var via: String?
    }

    /// What to include.
    public struct Filter: Sendable {
        /// Only this platform (any case).
        public var platform: String?
        /// Only this person: a handle or display name (compared after ``Identity/normalised(_:)``)
        /// or a directory person's name or employee id, which stands for all their handles.
        public var person: String?
        /// Notices recorded in `[from, to)`; people never told are listed whatever the range.
        public var from: Timestamp?
        public var to: Timestamp?
        /// Include the participants never shown the notice.
        public var missing = true

        public init(platform: String? = nil, person: String? = nil, from: Timestamp? = nil, to: Timestamp? = nil, missing: Bool = true) {
            self.platform = platform
            self.person = person
            self.from = from
            self.to = to
            self.missing = missing
        }
    }

    public static let columns = ["status", "platform", "conversation", "conversation name", "participant", "name", "received at", "via"]

    public var rows: [Row]

    /// The report over `archive`. People never told are looked for in every conversation on
    /// `filter.platform`, or else on `gatewayPlatforms` (the platforms gateway tokens may
    /// write to) and the platforms that have any notice.
    public static func build(archive: any NoticeStore, filter: Filter, gatewayPlatforms: Set<String>, directory: Directory) async throws
        -> NoticeReport
    {
        let platform = filter.platform?.lowercased()
        let personKeys = personHandles(filter.person, directory: directory)
        func wanted(_ handle: Handle) -> Bool {
            guard let personKeys else { return true }
            return personKeys.contains(Identity.normalised(handle.id))
                || handle.displayName.map { personKeys.contains(Identity.normalised($0)) } == true
        }
        let notices = try await archive.notices().filter { platform == nil || $0.platform.lowercased() == platform }
        var told = Set<String>()
        var rows: [Row] = []
        for notice in notices {
            for recipient in notice.recipients {
                told.insert(Self.key(notice.platform, notice.conversation, recipient.id))
                guard wanted(recipient) else { continue }
                if let from = filter.from, notice.sentAt < from { continue }
                if let to = filter.to, notice.sentAt >= to { continue }
                rows.append(
                    Row(
                        status: .received, platform: notice.platform, conversation: notice.conversation, conversationName: notice.conversationName,
                        participant: recipient, at: notice.sentAt, via: notice.deliveredBy))
            }
        }
        if filter.missing {
            let platforms = platform.map { [$0] } ?? gatewayPlatforms.union(notices.map { $0.platform.lowercased() })
            let known = try await archive.participants(platforms: Set(platforms))
            for conversation in known {
                for handle in conversation.handles where handle.id != NoticeLedger.sender.id && wanted(handle) {
                    guard !told.contains(Self.key(conversation.platform, conversation.conversation, handle.id)) else { continue }
                    rows.append(
                        Row(
                            status: .missing, platform: conversation.platform, conversation: conversation.conversation,
                            conversationName: conversation.conversationName, participant: handle, at: nil, via: nil))
                }
            }
        }
        return NoticeReport(rows: rows)
    }

    /// The table as text cells, in ``columns`` order.
    public var cells: [[String]] {
        rows.map { row in
            [
                row.status.rawValue, row.platform, row.conversation, row.conversationName ?? "", row.participant.id,
                row.participant.displayName ?? "",
                row.at?.iso8601 ?? "", row.via ?? "",
            ]
        }
    }

    private static func key(_ platform: String, _ conversation: String, _ handle: String) -> String {
        platform.lowercased() + "\u{1F}" + conversation + "\u{1F}" + Identity.normalised(handle)
    }

    /// The normalised handles and names `person` stands for; `nil` for no filter.
    private static func personHandles(_ person: String?, directory: Directory) -> Set<String>? {
        guard let person, !person.isEmpty else { return nil }
        let wanted = Identity.normalised(person)
        var keys: Set<String> = [wanted]
        for entry in directory.people where Identity.normalised(entry.name) == wanted || Identity.normalised(entry.employeeID) == wanted {
            for handle in entry.emails + entry.handles.values.joined() { keys.insert(Identity.normalised(handle)) }
        }
        return keys
    }
}
