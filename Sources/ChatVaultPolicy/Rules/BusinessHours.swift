public import ChatVaultCore
public import Foundation

/// The company's working hours in its time zone; a message outside them is after-hours.
///
/// Local time comes from Foundation's `Calendar` in the policy's `TimeZone`, so the
/// boundary moves with daylight saving time (08:00 New York is 13:00Z in winter and
/// 12:00Z in summer).
public struct BusinessHours: Sendable, Hashable {
    public var timeZone: TimeZone
    /// Working days, 1 = Sunday … 7 = Saturday.
    public var days: Set<Int>
    public var window: TimeWindow

    public init(
        timeZone: TimeZone = TimeZone(identifier: "UTC")!, days: Set<Int> = [2, 3, 4, 5, 6], window: TimeWindow = TimeWindow(from: 480, to: 1080)
    ) {
        self.timeZone = timeZone
        self.days = days
        self.window = window
    }

    /// The local weekday (1 = Sunday) and minute of the day of `time`.
    public func local(_ time: Timestamp) -> (weekday: Int, minute: Int, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(time.microseconds) / 1_000_000)
        let c = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        let day = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return (c.weekday ?? 1, (c.hour ?? 0) * 60 + (c.minute ?? 0), day)
    }

    public func isAfterHours(_ time: Timestamp) -> Bool {
        let local = local(time)
        return !days.contains(local.weekday) || !window.contains(minuteOfDay: local.minute)
    }

    /// Day names as written in a policy file.
    public static let dayNames = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]
}
