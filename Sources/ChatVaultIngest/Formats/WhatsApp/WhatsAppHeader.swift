/// The start of a WhatsApp message line: `12/31/23, 9:41 PM - ` (Android) or
/// `[31.12.23, 21:41:05] ` (iOS), in any of the date and clock layouts exports use.
struct WhatsAppHeader: Equatable {
    /// The three date fields as written; which is day, month and year is decided per file.
    var first: Int, second: Int, third: Int
    var firstDigits: Int, thirdDigits: Int
    var hour: Int, minute: Int, second_: Int
    /// `nil` on a 24-hour clock; `true` for PM.
    var afternoon: Bool?
    /// Where the sender (or the system text) begins.
    var bodyStart: Int

    var isYearFirst: Bool { firstDigits == 4 }

    /// Parses a header at the start of `b`; `nil` when the line does not start with one
    /// (it continues the previous message).
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> WhatsAppHeader? {
        var i = 0
        func number(max: Int) -> (Int, Int)? {
            var value = 0
            var count = 0
            while i < b.count, count < max, b[i] >= 0x30, b[i] <= 0x39 {
                value = value * 10 + Int(b[i] - 0x30)
                count += 1
                i += 1
            }
            return count == 0 ? nil : (value, count)
        }
        func skipSpaces() -> Int {
            let start = i
            while i < b.count, b[i] == 0x20 { i += 1 }
            return i - start
        }
        let bracket = i < b.count && b[i] == UInt8(ascii: "[")
        if bracket { i += 1 }
        guard let (first, firstDigits) = number(max: 4), i < b.count else { return nil }
        let separator = b[i]
        guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: ".") || separator == UInt8(ascii: "-") else { return nil }
        i += 1
        guard let (second, _) = number(max: 2), i < b.count, b[i] == separator else { return nil }
        i += 1
        guard let (third, thirdDigits) = number(max: 4), thirdDigits == 2 || thirdDigits == 4 || firstDigits == 4 else { return nil }
        if i < b.count, b[i] == UInt8(ascii: ".") { i += 1 }
        let comma = i < b.count && b[i] == UInt8(ascii: ",")
        if comma { i += 1 }
        guard skipSpaces() > 0 || comma else { return nil }
        guard let (hour, _) = number(max: 2), i < b.count, b[i] == UInt8(ascii: ":"), hour < 24 else { return nil }
        i += 1
        guard let (minute, minuteDigits) = number(max: 2), minuteDigits == 2, minute < 60 else { return nil }
        var secondOfMinute = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            i += 1
            guard let (s, digits) = number(max: 2), digits == 2, s < 61 else { return nil }
            secondOfMinute = min(s, 59)
        }
        _ = skipSpaces()
        var afternoon: Bool?
        if i < b.count, b[i] | 0x20 == UInt8(ascii: "a") || b[i] | 0x20 == UInt8(ascii: "p") {
            afternoon = b[i] | 0x20 == UInt8(ascii: "p")
            i += 1
            if i < b.count, b[i] == UInt8(ascii: ".") { i += 1 }
            _ = skipSpaces()
            guard i < b.count, b[i] | 0x20 == UInt8(ascii: "m") else { return nil }
            i += 1
            if i < b.count, b[i] == UInt8(ascii: ".") { i += 1 }
            guard hour <= 12 else { return nil }
        }
        if bracket {
            guard i < b.count, b[i] == UInt8(ascii: "]") else { return nil }
            i += 1
            _ = skipSpaces()
        } else {
            _ = skipSpaces()
            guard i < b.count, b[i] == UInt8(ascii: "-") else { return nil }
            i += 1
            guard skipSpaces() > 0 else { return nil }
        }
        return WhatsAppHeader(
            first: first, second: second, third: third, firstDigits: firstDigits, thirdDigits: thirdDigits, hour: hour, minute: minute,
            second_: secondOfMinute, afternoon: afternoon, bodyStart: i)
    }

    /// Microseconds since 1970 (the clock read as UTC), or `nil` if the date is impossible
    /// in the given order.
    func microseconds(dayFirst: Bool) -> Int64? {
        var year: Int, month: Int, day: Int
        if isYearFirst {
            (year, month, day) = (first, second, third)
        } else {
            (day, month) = dayFirst ? (first, second) : (second, first)
            year = thirdDigits == 2 ? 2000 + third : third
        }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), day >= 1, day <= lengths[month - 1] else { return nil }
        var hour24 = hour
        if let afternoon { hour24 = hour % 12 + (afternoon ? 12 : 0) }
        let seconds = Self.days(year: year, month: month, day: day) * 86_400 + Int64(hour24 * 3600 + minute * 60 + second_)
        return seconds * 1_000_000
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
