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
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }

    /// The process's CPU time (user and system); `clock()` counts microseconds on POSIX.
    /// (No C struct members here: the release build does not see timespec's and rusage's.)
    static func cpuSeconds() -> Double {
        Double(clock()) / 1e6
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

    /// Bytes this process has caused to be written to storage so far (`write_bytes` of
    /// /proc/self/io, the page cache's writeback included); `nil` where the kernel keeps no count.
    static func bytesWritten() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("write_bytes:") {
            return Int(line.dropFirst("write_bytes:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// `ours` against `theirs` where larger is better: "2.0× faster" or "4.0× slower".
    static func speedLabel(_ ratio: Double) -> String {
        guard ratio.isFinite, ratio > 0 else { return "n/a" }
        return ratio >= 1 ? String(format: "%.1f× faster", ratio) : String(format: "%.1f× slower", 1 / ratio)
    }
}
