import Foundation

/// IPv4 and IPv6 addresses. A dotted quad after a version cue (`version 10.2.3.4`,
/// `build 4.5.7.180`) is a version number unless an address cue (`ip`, `host`) is nearer.
enum IPAddressRecognizer {
    /// Built once: a set literal at the call site was allocated per message.
    static let runSeparators: DigitRun.Separators = ["."]

    static let versionCues = CueLexicon(["version", "ver", "v", "build", "release", "rel", "firmware", "fw", "patch", "app", "sdk", "os", "kernel"])
    static let addressCues = CueLexicon([
        "ip", "ip address", "ipv4", "host", "server", "address", "addr", "from", "ssh", "ping", "whitelist", "allowlist", "subnet", "gateway", "dns",
        "login", "vpn",
    ])

    static func scan(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        // Four numbers and three dots, or two colons at least.
        if text.digitCount >= 4, text.dotCount >= 3 { scanV4(text, cueWindow: cueWindow, into: &detections) }
        if text.colonCount >= 2 { scanV6(text, into: &detections) }
    }

    private static func scanV4(_ text: ScannedText, cueWindow: Int, into detections: inout [Detection]) {
        for run in DigitRun.all(in: text, separators: runSeparators, keep: { $1 == 4 }) {
            guard !text.isAlnum(at: run.start - 1), !(text.isScalar(run.start - 1, in: ".") && text.isDigit(at: run.start - 2)) else { continue }
            guard !text.isAlnum(at: run.end), !(text.isScalar(run.end, in: ".") && text.isDigit(at: run.end + 1)) else { continue }
            let valid = run.groups.allSatisfy { group in
                guard group.length <= 3 else { return false }
                if group.length > 1 && text.scalars[group.start] == "0" { return false }
                let value = (group.start..<group.end).reduce(0) { $0 * 10 + text.digitValue(at: $1) }
                return value <= 255
            }
            guard valid else { continue }
            if let version = versionCues.distance(before: run.start, in: text, window: 1) {
                let address = addressCues.distance(before: run.start, in: text, window: cueWindow)
                guard let address, address < version else { continue }
            }
            detections.append(
                Detection(
                    start: run.start, end: run.end, pii: .ipAddress, strength: Detection.format))
        }
    }

    private static func scanV6(_ text: ScannedText, into detections: inout [Detection]) {
        let scalars = text.scalars
        var index = 0
        while index < scalars.count {
            guard isHex(scalars[index]) || scalars[index] == ":", text[index - 1] != ":",
                !(text.isAlnum(at: index - 1))
            else {
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, isHex(scalars[end]) || scalars[end] == ":" { end += 1 }
            // A trailing colon belongs to the sentence (`on fe80::1: ...` is rare; `host a:b:` is punctuation).
            var trimmed = end
            if trimmed - index > 2, scalars[trimmed - 1] == ":", scalars[trimmed - 2] != ":" { trimmed -= 1 }
            // Fewer than two colons can never be an address; checked first because the full
            // check builds strings, and most hex-looking runs are ordinary words.
            if !text.isAlnum(at: end), couldBeIPv6(scalars[index..<trimmed]), isIPv6(Array(scalars[index..<trimmed])) {
                detections.append(
                    Detection(
                        start: index, end: trimmed, pii: .ipAddress, strength: Detection.format))
            }
            index = max(end, index + 1)
        }
    }

    /// What ``isIPv6(_:)`` needs at least, answered without building strings: two colons,
    /// and seven of them unless a `::` shortens the address (`13:37:40` is a time).
    private static func couldBeIPv6(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        var colons = 0
        var double = false
        var index = scalars.startIndex
        while index < scalars.endIndex {
            if scalars[index] == ":" {
                colons += 1
                if index > scalars.startIndex, scalars[index - 1] == ":" { double = true }
            }
            index += 1
        }
        return colons >= 2 && (double || colons == 7)
    }

    static func isIPv6(_ scalars: [Unicode.Scalar]) -> Bool {
        let text = String(String.UnicodeScalarView(scalars))
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        let parts = halves.map { $0.isEmpty ? [] : $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }
        let groups = parts.flatMap { $0 }
        guard groups.allSatisfy({ !$0.isEmpty && $0.count <= 4 }) else { return false }
        if halves.count == 1 {
            guard groups.count == 8 else { return false }
        } else {
            guard groups.count <= 7, groups.count >= 1 else { return false }
            // `12::30` is more likely a typo'd time than an address: ask for a hex letter or a 4-digit group.
            guard groups.contains(where: { $0.count == 4 || $0.contains(where: \.isLetter) }) else { return false }
        }
        return true
    }

    private static func isHex(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x46) || (v >= 0x61 && v <= 0x66)
    }
}
