import ChatVaultCore
import Foundation

/// Reads a file line by line in bounded memory, counting lines, so that a 400 MB
/// export streams and a 100 MB single line is reported instead of loaded.
struct LineReader {
    enum Line {
        case text(number: Int, bytes: ArraySlice<UInt8>)
        /// A line longer than the limit; its bytes were skipped.
        case tooLong(number: Int, length: Int)

        var number: Int {
            switch self {
            case .text(let number, _), .tooLong(let number, _): return number
            }
        }
    }

    private let handle: FileHandle
    private let maxLineBytes: Int
    private let chunkSize = 1 << 20
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var lineNumber = 0

    init(path: String, maxLineBytes: Int) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(source: path, reason: "no such file")
        }
        guard !isDirectory.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(source: path, reason: isDirectory.boolValue ? "is a directory, not a file" : "cannot be read (permissions?)")
        }
        self.handle = handle
        self.maxLineBytes = maxLineBytes
        let first = try handle.read(upToCount: chunkSize) ?? Data()
        if first.isEmpty { atEnd = true }
        buffer.append(contentsOf: first)
        // A UTF-8 byte-order mark is not part of the first line.
        if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
    }

    mutating func next() throws -> Line? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                var end = newline
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                if line.count > maxLineBytes { return .tooLong(number: lineNumber, length: line.count) }
                return .text(number: lineNumber, bytes: line)
            }
            if buffer.count - start > maxLineBytes {
                // Skip the rest of an oversized line without holding it.
                var length = buffer.count - start
                buffer.removeAll(keepingCapacity: true)
                start = 0
                lineNumber += 1
                while true {
                    let chunk = try handle.read(upToCount: chunkSize) ?? Data()
                    if chunk.isEmpty {
                        atEnd = true
                        return .tooLong(number: lineNumber, length: length)
                    }
                    if let newline = chunk.firstIndex(of: 0x0A) {
                        length += newline - chunk.startIndex
                        buffer.append(contentsOf: chunk[(newline + 1)...])
                        return .tooLong(number: lineNumber, length: length)
                    }
                    length += chunk.count
                }
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                lineNumber += 1
                let line = buffer[start...]
                start = buffer.count
                if line.count > maxLineBytes { return .tooLong(number: lineNumber, length: line.count) }
                return .text(number: lineNumber, bytes: line)
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
