import ChatVaultCore
import Foundation

/// The shared generator's corpus, and the same messages as ChatVault JSONL.
struct BenchCorpus {
    var reference: URL
    var native: URL

    static func prepare(messages: Int, shared: String, work: URL) throws -> BenchCorpus {
        let reference = work.appendingPathComponent("corpus_\(messages).jsonl")
        let native = work.appendingPathComponent("corpus_\(messages).chatvault.jsonl")
        if !FileManager.default.fileExists(atPath: reference.path) {
            let generator = URL(fileURLWithPath: shared).appendingPathComponent("gen_chat_corpus.py")
            guard FileManager.default.fileExists(atPath: generator.path) else {
                throw BenchError("\(generator.path) not found: pass --shared DIR (the folder with gen_chat_corpus.py)")
            }
            print("generating \(messages) messages with \(generator.path)…")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", generator.path, "--n", String(messages), "--out", reference.path]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchError("the corpus generator failed") }
        }
        if !FileManager.default.fileExists(atPath: native.path) {
            try convert(reference, to: native)
        }
        return BenchCorpus(reference: reference, native: native)
    }

    /// `{id, ts, platform, channel, sender, recipients, text}` → ChatVault JSONL.
    static func convert(_ source: URL, to destination: URL) throws {
        let data = try Data(contentsOf: source)
        var output: [UInt8] = []
        output.reserveCapacity(data.count + data.count / 4)
        let parser = JSONParser()
        try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                if end > start {
                    let record = try parser.parse(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    let converted = JSONValue.object([
                        ("platform", record["platform"] ?? .string("chat")), ("conversation", record["channel"] ?? .string("general")),
                        ("id", record["id"] ?? .null), ("sender", record["sender"] ?? .null), ("recipients", record["recipients"] ?? .array([])),
                        ("sent_at", record["ts"] ?? .null), ("text", record["text"] ?? .string("")),
                    ])
                    var writer = JSONWriter()
                    writer.write(converted)
                    output.append(contentsOf: writer.bytes)
                    output.append(0x0A)
                }
                start = end + 1
            }
        }
        try Data(output).write(to: destination)
    }
}

extension BenchCorpus {
    /// A consecutive part of a corpus file, as a file of its own.
    struct Part {
        var url: URL
        var messages: Int
    }

    /// `file` (of `messages` lines) cut at line boundaries into `count` parts of nearly
    /// equal message counts; the file itself, unread, when `count` is 1.
    static func split(_ file: URL, messages: Int, into count: Int, work: URL) throws -> [Part] {
        guard count > 1 else { return [Part(url: file, messages: messages)] }
        let data = try Data(contentsOf: file)
        var lineEnds: [Int] = []
        data.withUnsafeBytes { raw in
            for (offset, byte) in raw.enumerated() where byte == 0x0A { lineEnds.append(offset + 1) }
        }
        if let last = data.last, last != 0x0A { lineEnds.append(data.count) }
        var parts: [Part] = []
        var start = 0
        for index in 0..<count {
            let lastLine = (index + 1) * lineEnds.count / count
            let firstLine = index * lineEnds.count / count
            guard lastLine > firstLine else { continue }
            let end = lineEnds[lastLine - 1]
            let url = work.appendingPathComponent("\(file.deletingPathExtension().lastPathComponent).part\(index + 1)of\(count).jsonl")
            try data.subdata(in: start..<end).write(to: url)
            parts.append(Part(url: url, messages: lastLine - firstLine))
            start = end
        }
        return parts
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
