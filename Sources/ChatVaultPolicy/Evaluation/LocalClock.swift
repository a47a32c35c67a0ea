import ChatVaultCore
import Foundation

/// ``BusinessHours/local(_:)`` for message after message, without a `Calendar` each time.
///
/// The time zone's offset from UTC holds between two of its transitions, so the clock
/// remembers the intervals it has asked Foundation about and works out the weekday,
/// minute and day with integer arithmetic inside them; the day's text is made once per
/// day. Times outside 1971–2199 go to `Calendar` as before (earlier dates meet the
/// Julian calendar and zones' local mean time), and so do times within a millisecond
/// before a minute, where `Date`'s floating point may round up.
struct LocalClock: Sendable {
    let hours: BusinessHours
    /// Known intervals of constant offset, by start, not overlapping: `[from, until)` in seconds.
    private var intervals: [Interval] = []
    private var lastDay: Int64 = .min
    private var lastDayText = ""

    struct Interval: Sendable {
        var from: Int64
        var until: Int64
        var offset: Int64
    }

    /// The most intervals kept; a vault's messages rarely span more than a few dozen.
    static let maxIntervals = 1024
    /// 1971-01-01 and 2200-01-01 UTC, in seconds.
    static let fastRange: Range<Int64> = 31_536_000..<7_258_118_400

    init(hours: BusinessHours) {
        self.hours = hours
    }

    /// The local weekday (1 = Sunday), minute of the day and `YYYY-MM-DD` of `time`.
    mutating func local(_ time: Timestamp) -> (weekday: Int, minute: Int, day: String) {
        let micros = time.microseconds
        let seconds = micros >= 0 ? micros / 1_000_000 : -1
        // Within a millisecond of the next minute, `Date`'s floating point may round either way.
        guard Self.fastRange.contains(seconds), micros % 60_000_000 < 59_999_000 else { return hours.local(time) }
        let local = seconds + offset(at: seconds)
        let days = local / 86_400
        let minute = Int(local % 86_400) / 60
        let weekday = Int((days + 4) % 7) + 1
        if days != lastDay {
            lastDay = days
            lastDayText = Self.dayText(days)
        }
        return (weekday, minute, lastDayText)
    }

    /// The offset from UTC at `seconds`, from a known interval or from Foundation.
    private mutating func offset(at seconds: Int64) -> Int64 {
        var low = 0
        var high = intervals.count
        while low < high {
            let mid = (low + high) / 2
            if intervals[mid].from <= seconds { low = mid + 1 } else { high = mid }
        }
        if low > 0, seconds < intervals[low - 1].until { return intervals[low - 1].offset }
        let date = Date(timeIntervalSince1970: Double(seconds))
        let offset = Int64(hours.timeZone.secondsFromGMT(for: date))
        let next = hours.timeZone.nextDaylightSavingTimeTransition(after: date).map { Int64($0.timeIntervalSince1970.rounded(.down)) }
        var interval = Interval(from: seconds, until: max(seconds + 1, next ?? Self.fastRange.upperBound), offset: offset)
        // The same interval met again earlier than before: extend it back.
        if low < intervals.count, intervals[low].until == interval.until, intervals[low].offset == offset {
            intervals[low].from = seconds
            return offset
        }
        if low < intervals.count { interval.until = min(interval.until, intervals[low].from) }
        if intervals.count >= Self.maxIntervals { intervals.removeAll(keepingCapacity: true) }
        intervals.insert(interval, at: Swift.min(low, intervals.count))
        return offset
    }

    /// `YYYY-MM-DD` of a count of days since 1970-01-01 (proleptic Gregorian; H. Hinnant's
    /// civil-from-days).
    static func dayText(_ days: Int64) -> String {
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(10)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(48 + (value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(45)
        digits(month, 2)
        bytes.append(45)
        digits(day, 2)
        return String(decoding: bytes, as: UTF8.self)
    }
}
