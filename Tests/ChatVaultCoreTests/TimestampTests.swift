import ChatVaultCore
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2024-03-01T09:15:00Z", Int64(1_709_284_500_000_000)),
        ("2024-03-01T10:15:00+01:00", Int64(1_709_284_500_000_000)),
        ("2024-03-01T04:15:00-0500", Int64(1_709_284_500_000_000)),
        ("2024-03-01 09:15:00.25Z", Int64(1_709_284_500_250_000)),
        ("2024-02-29T00:00:00.000001Z", Int64(1_709_164_800_000_001)),
        ("2024-03-01", Int64(1_709_251_200_000_000)),
        ("1969-12-31T23:59:59Z", Int64(-1_000_000)),
    ])
    func parsesISO8601(text: String, micros: Int64) {
        #expect(Timestamp(iso8601: text)?.microseconds == micros)
    }

    @Test(arguments: ["2023-02-29T00:00:00Z", "2024-13-01", "2024-03-01T25:00:00Z", "yesterday", "2024-03-01T09:15:00Q", "2024-03-01T09:15:00.Z", ""])
    func rejectsImpossibleDates(text: String) {
        #expect(Timestamp(iso8601: text) == nil)
    }

    @Test func formatsAndRoundTrips() {
        for micros: Int64 in [0, 1_709_284_500_000_000, 1_709_284_500_250_000, 1_709_284_500_000_001, -1_000_000, 253_402_300_799_000_000] {
            let t = Timestamp(microseconds: micros)
            #expect(Timestamp(iso8601: t.iso8601) == t, "\(t.iso8601)")
        }
        #expect(Timestamp(microseconds: 1_709_284_500_250_000).iso8601 == "2024-03-01T09:15:00.250Z")
    }
}
