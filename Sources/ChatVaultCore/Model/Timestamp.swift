import Foundation

/// A point in time as microseconds since 1970-01-01T00:00:00Z.
///
/// Chat platforms stamp messages with up to microsecond precision (Slack's `ts`),
/// so the archive keeps microseconds; ISO 8601 parsing and formatting are written
/// out here because they run once per imported message.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var microseconds: Int64

    public init(microseconds: Int64) {
        self.microseconds = microseconds
    }

    public init(secondsSince1970 seconds: Double) {
        self.microseconds = Int64((seconds * 1_000_000).rounded())
    }

    public var milliseconds: Int64 { microseconds.floorDivided(by: 1000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    public var description: String { iso8601 }

    /// RFC 3339 in UTC, with fractional seconds only when present:
    /// `2024-03-01T09:15:00Z`, `2024-03-01T09:15:00.250Z`.
    public var iso8601: String {
        let (days, microOfDay) = microseconds.floorDivisionWithRemainder(by: 86_400_000_000)
        let (year, month, day) = Self.civilFromDays(days)
        let secondOfDay = microOfDay / 1_000_000
        let micro = microOfDay % 1_000_000
        var text = "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))T"
        text += "\(Self.pad(secondOfDay / 3600, 2)):\(Self.pad(secondOfDay / 60 % 60, 2)):\(Self.pad(secondOfDay % 60, 2))"
        if micro != 0 {
            if micro % 1000 == 0 {
                text += "." + Self.pad(micro / 1000, 3)
            } else {
                text += "." + Self.pad(micro, 6)
            }
        }
        return text + "Z"
    }

    /// Appends ``iso8601`` as UTF-8 without building intermediate strings (the canonical
    /// record writer calls this once per record).
    public func appendISO8601(to bytes: inout [UInt8]) {
        let (days, microOfDay) = microseconds.floorDivisionWithRemainder(by: 86_400_000_000)
        let (year, month, day) = Self.civilFromDays(days)
        let secondOfDay = Int(microOfDay / 1_000_000)
        let micro = Int(microOfDay % 1_000_000)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            if rest >= divisor * 10 {  // years beyond 9999
                bytes.append(contentsOf: String(rest).utf8)
                return
            }
            while divisor > 0 {
                bytes.append(UInt8(truncatingIfNeeded: 48 + rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        guard year >= 0 else {
            bytes.append(contentsOf: iso8601.utf8)
            return
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        if micro != 0 {
            bytes.append(UInt8(ascii: "."))
            if micro % 1000 == 0 { digits(micro / 1000, 3) } else { digits(micro, 6) }
        }
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Parses RFC 3339 / ISO 8601 date-times: `YYYY-MM-DD[T ]hh:mm[:ss[.fraction]](Z|±hh[:]mm)`,
    /// a bare date `YYYY-MM-DD` (midnight UTC), or a local time without offset (taken as UTC).
    public init?(iso8601 text: String) {
        var copy = text
        guard let value = copy.withUTF8({ Self.parse($0) }) else { return nil }
        self.microseconds = value
    }

    private static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for _ in 0..<count {
                let d = Int(b[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                value = value * 10 + d
                i += 1
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard i < b.count, b[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        var seconds = 0
        var micro = 0
        var offsetSeconds = 0
        if i < b.count {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return nil }
            i += 1
            guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), hour < 24, minute < 60 else {
                return nil
            }
            var second = 0
            if expect(UInt8(ascii: ":")) {
                guard let s = digits(2), s <= 60 else { return nil }
                second = min(s, 59)
                if i < b.count, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    var scale = 100_000
                    var count = 0
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        micro += Int(b[i] - 48) * scale
                        scale /= 10
                        count += 1
                        i += 1
                    }
                    guard count > 0 else { return nil }
                }
            }
            seconds = hour * 3600 + minute * 60 + second
            if i < b.count {
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                    i += 1
                } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                    let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                    guard let oh = digits(2), oh < 24 else { return nil }
                    _ = expect(UInt8(ascii: ":"))
                    guard let om = digits(2), om < 60 else { return nil }
                    offsetSeconds = sign * (oh * 3600 + om * 60)
                } else {
                    return nil
                }
            }
        }
        guard i == b.count else { return nil }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        let total = days * 86_400 + Int64(seconds - offsetSeconds)
        return total * 1_000_000 + Int64(micro)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int, Int, Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad<T: BinaryInteger>(_ value: T, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        floorDivisionWithRemainder(by: divisor).0
    }

    func floorDivisionWithRemainder(by divisor: Int64) -> (Int64, Int64) {
        var quotient = self / divisor
        var remainder = self % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }
}

extension Timestamp {
    /// The current time from the system clock.
    public static func now() -> Timestamp {
        Timestamp(secondsSince1970: Date().timeIntervalSince1970)
    }
}
