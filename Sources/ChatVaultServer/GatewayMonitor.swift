public import ChatVaultCore
import HTTPTypes

/// What each gateway token did lately, as this server process saw it: when it last
/// called, from where, the fail mode its module reports (`X-ChatVault-Fail-Mode`), and
/// how many decisions it asked for over the last minute and hour. Kept in memory: a
/// restarted server starts empty, and each node of a cluster sees only its own calls.
public actor GatewayMonitor {
    /// How a module behaves when ChatVault does not answer, as it reports it.
    public enum FailMode: String, Sendable, CaseIterable {
        /// Messages are refused while ChatVault is unreachable (the default).
        case closed
        /// Messages are delivered unchanged while ChatVault is unreachable.
        case open
    }

    /// The request header a module sends its fail mode in.
    static let failModeHeader = HTTPField.Name("X-ChatVault-Fail-Mode")!

    /// One token's recent calls.
    public struct Activity: Sendable, Hashable {
        public var lastCallAt: Timestamp
        public var lastPath: String
        public var lastStatus: Int
        public var lastAddress: String
        /// The fail mode the module last reported; `nil` when it never sent the header.
        public var failMode: FailMode?
        public var calls = 0
        /// Calls answered with a status other than 2xx.
        public var failures = 0
        /// Notices recorded for this token's calls (participants told for the first time).
        public var noticesRecorded = 0
        /// Decisions answered in the last 60 and 3,600 seconds.
        public var decisionsLastMinute = 0
        public var decisionsLastHour = 0
    }

    private var activity: [String: Activity] = [:]
    private var decisions: [String: SecondBuckets] = [:]
    private var notices: [String: Int] = [:]

    public init() {}

    /// Counts one call of `token` to `path`, answered with `status`.
    public func record(token: String, path: String, status: Int, address: String, failMode: FailMode?, at time: Timestamp) {
        var entry =
            activity[token]
            ?? Activity(lastCallAt: time, lastPath: path, lastStatus: status, lastAddress: address, failMode: failMode)
        entry.lastCallAt = time
        entry.lastPath = path
        entry.lastStatus = status
        entry.lastAddress = address
        if let failMode { entry.failMode = failMode }
        entry.calls += 1
        if !(200..<300).contains(status) { entry.failures += 1 }
        activity[token] = entry
        if path == "/api/v1/decide", (200..<300).contains(status) {
            decisions[token, default: SecondBuckets()].add(second: time.microseconds / 1_000_000)
        }
    }

    /// Adds `count` participants told of the archive for the first time by `token`.
    public func recordNotices(token: String, count: Int) {
        notices[token, default: 0] += count
    }

    /// Every token seen so far, with its decision counts as of `now`.
    public func snapshot(now: Timestamp) -> [String: Activity] {
        let second = now.microseconds / 1_000_000
        var result = activity
        for (token, count) in notices { result[token]?.noticesRecorded = count }
        for (token, buckets) in decisions {
            result[token]?.decisionsLastMinute = buckets.sum(last: 60, endingAt: second)
            result[token]?.decisionsLastHour = buckets.sum(last: 3600, endingAt: second)
        }
        return result
    }
}

/// Counts per second over the last hour, in a ring of 3,600 slots.
struct SecondBuckets: Sendable {
    static let size = 3600
    private var seconds = [Int64](repeating: -1, count: size)
    private var counts = [Int](repeating: 0, count: size)

    mutating func add(second: Int64) {
        let slot = Int(second.magnitude % UInt64(Self.size))
        if seconds[slot] != second {
            seconds[slot] = second
            counts[slot] = 0
        }
        counts[slot] += 1
    }

    /// The count over the `window` seconds ending at `second` (included).
    func sum(last window: Int, endingAt second: Int64) -> Int {
        var total = 0
        for back in 0..<min(window, Self.size) {
            let wanted = second - Int64(back)
            let slot = Int(wanted.magnitude % UInt64(Self.size))
            if seconds[slot] == wanted { total += counts[slot] }
        }
        return total
    }
}
