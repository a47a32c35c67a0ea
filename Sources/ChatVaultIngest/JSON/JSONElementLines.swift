/// The 1-based source line of each element of the arrays found at given key paths of a
/// JSON document, so that an error about the N-th message of a nested `messages` array
/// can name its line.
///
/// A path lists the object keys from the root, ignoring array levels:
/// `["chats", "list", "messages"]` finds every chat's `messages`. Arrays are returned in
/// document order, which is the order ``JSONValue`` keeps, so the k-th array found here
/// is the k-th array a walk of the parsed value meets at that path. The document has
/// already been parsed, so the scan does not validate.
enum JSONElementLines {
    private struct Frame {
        var isArray: Bool
        var key: String?
        var expecting = true
        /// Index into the result for an array at a wanted path.
        var target: Int?
    }

    static func lines(in bytes: [UInt8], arraysAt paths: Set<[String]>) -> [[Int]] {
        var result: [[Int]] = []
        var stack: [Frame] = []
        var line = 1
        var inString = false
        var escaped = false
        var capture: [UInt8]? = nil

        func elementStarts() {
            guard let last = stack.last, last.isArray, last.expecting else { return }
            stack[stack.count - 1].expecting = false
            if let target = last.target { result[target].append(line) }
        }

        for byte in bytes {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                    capture?.append(byte)
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                    capture?.append(byte)
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if let key = capture, !stack.isEmpty {
                        stack[stack.count - 1].key = String(decoding: key, as: UTF8.self)
                    }
                    capture = nil
                } else {
                    capture?.append(byte)
                }
                continue
            }
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "\""):
                inString = true
                if let last = stack.last, !last.isArray, last.expecting {
                    capture = []
                } else {
                    elementStarts()
                }
            case UInt8(ascii: "{"):
                elementStarts()
                stack.append(Frame(isArray: false))
            case UInt8(ascii: "["):
                elementStarts()
                var frame = Frame(isArray: true)
                let path = stack.filter { !$0.isArray }.map { $0.key ?? "" }
                if paths.contains(path) {
                    frame.target = result.count
                    result.append([])
                }
                stack.append(frame)
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if !stack.isEmpty { stack.removeLast() }
            case UInt8(ascii: ","):
                if !stack.isEmpty { stack[stack.count - 1].expecting = true }
            case UInt8(ascii: ":"):
                if !stack.isEmpty { stack[stack.count - 1].expecting = false }
            default:
                elementStarts()
            }
        }
        return result
    }
}
