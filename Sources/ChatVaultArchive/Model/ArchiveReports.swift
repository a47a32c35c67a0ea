/// Aggregates over the archive for the console's reports. Each is one SQL pass; the
/// caller bounds the time range.
public struct ArchiveReports: Sendable {
    public struct DayCount: Sendable, Hashable {
        public var day: String
        public var platform: String
        public var messages: Int
    }

    public struct Count: Sendable, Hashable {
        public var key: String
        public var count: Int
    }

    /// Messages exchanged within one conversation by its participants: the raw material of
    /// who-talks-to-whom (the caller maps handles to groups).
    public struct ConversationTraffic: Sendable, Hashable {
        public var participants: [String]
        public var messages: Int
        public var isExternal: Bool
    }

    public struct AlertWeek: Sendable, Hashable {
        public var week: String
        public var rule: String
        public var alerts: Int
        public var participants: [String]
    }

    public struct Backlog: Sendable, Hashable {
        public var open: Int
        public var escalated: Int
        public var closed: Int
        /// Seconds from raising to closing, for alerts closed in the range.
        public var closeTimes: [Double]
    }
}
