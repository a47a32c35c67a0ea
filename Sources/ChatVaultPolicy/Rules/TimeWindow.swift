/// A window of local time of day, `from` inclusive, `to` exclusive, in minutes after
/// midnight; a window whose end is before its start wraps midnight (`22:00-06:00`).
public struct TimeWindow: Sendable, Hashable {
    public var from: Int
    public var to: Int

    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }

    /// Parses `HH:MM-HH:MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-").map { String($0.filter { $0 != " " }) }
        guard parts.count == 2, let from = Self.minutes(parts[0]), let to = Self.minutes(parts[1]) else { return nil }
        self.init(from: from, to: to)
    }

    /// Minutes after midnight of `HH:MM` (`24:00` is the end of the day).
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0...24).contains(hour), (0..<60).contains(minute),
            hour * 60 + minute <= 1440
        else { return nil }
        return hour * 60 + minute
    }

    public func contains(minuteOfDay minute: Int) -> Bool {
        from <= to ? (minute >= from && minute < to) : (minute >= from || minute < to)
    }
}
