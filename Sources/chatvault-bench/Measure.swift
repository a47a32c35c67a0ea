import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Wall-clock and CPU time of a piece of work.
enum Measure {
    struct Cost {
        var wall: Double
        var cpu: Double
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func run(_ body: () async throws -> Void) async rethrows -> Cost {
        let wall0 = now()
        let cpu0 = cpuSeconds()
        try await body()
        return Cost(wall: now() - wall0, cpu: cpuSeconds() - cpu0)
    }

    static func runSync(_ body: () -> Void) -> Cost {
        let wall0 = now()
        let cpu0 = cpuSeconds()
        body()
        return Cost(wall: now() - wall0, cpu: cpuSeconds() - cpu0)
    }

    static func sha256(_ records: [[UInt8]]) {
        var sink: UInt8 = 0
        for record in records {
            var hasher = SHA256()
            hasher.update(data: [0])
            hasher.update(data: record)
            sink ^= Array(hasher.finalize())[0]
        }
        if sink == 0xFF && records.isEmpty { print("") }
    }

    static func directorySize(_ url: URL) -> Int {
        let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.fileSizeKey])
        var total = 0
        while let file = enumerator?.nextObject() as? URL {
            total += (try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0
        }
        return total
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let k = Double(sorted.count - 1) * p / 100
        let f = Int(k)
        let c = min(f + 1, sorted.count - 1)
        return sorted[f] + (sorted[c] - sorted[f]) * (k - Double(f))
    }
}
