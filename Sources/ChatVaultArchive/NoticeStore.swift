/// What the notice report reads: the archive notices gateways recorded, and everyone
/// seen in conversations (``ArchiveNotices``).
public protocol NoticeStore: Sendable {
    /// Every notice record, on `platform` only when given, oldest first.
    func notices(platform: String?) async throws -> [ArchiveNotices.Notice]

    /// The participants of every conversation on `platforms`, by conversation.
    func participants(platforms: Set<String>) async throws -> [ArchiveNotices.Participants]
}

extension NoticeStore {
    /// Every notice record on every platform, oldest first.
    public func notices() async throws -> [ArchiveNotices.Notice] {
        try await notices(platform: nil)
    }
}
