extension ParserHarness {
    /// A small valid input per parser, the starting point for mutations.
    package static func seed(_ parser: String) -> [UInt8] {
        let text: String
        switch parser {
        case "jsonl":
            text =
                #"{"platform":"slack","conversation":"C1","id":"1","sender":"a","sent_at":"2024-03-01T09:00:00Z","text":"hi","reactions":[{"emoji":":x:","by":["b"]}]}"#
        case "whatsapp": text = "[01.03.24, 09:00:00] Alice: hi\n12/31/23, 9:41 PM - Bob: multi\nline\n01/03/2024, 10:00 - Bob left\n"
        case "slack": text = #"[{"type":"message","user":"U1","text":"<@U2> hi","ts":"1709283600.000100","reactions":[{"name":"x","users":["U2"]}]}]"#
        case "telegram":
            text =
                #"{"name":"x","type":"personal_chat","id":1,"messages":[{"id":1,"type":"message","date_unixtime":"1709283600","from":"a","text":["a",{"type":"link","text":"b"}],"edited_unixtime":"1709283700"}]}"#
        case "discord":
            text =
                #"{"guild":{"id":"g"},"channel":{"id":"c","type":"GuildTextChat","name":"n"},"messages":[{"id":"1","type":"Default","timestamp":"2024-03-01T09:00:00+00:00","content":"hi","author":{"id":"u"},"reactions":[{"emoji":{"name":"x"},"count":1}]}]}"#
        case "irc":
            text =
                "--- Day changed Fri Mar 01 2024\n09:00 <alice> hi\n[09:01:02] * bob waves\n2024-03-01 09:02:00\t-->\tcarol joined #c\n[01 Mar 09:03] <d!u@h> +x\n"
        case "csv": text = "date,sender,text,id\n2024-03-01T09:00:00Z,alice,\"a, \"\"b\"\"\n c\",1\n1709283600,bob,x,\n"
        default: text = ""
        }
        return Array(text.utf8)
    }

    /// `count` inputs made from the seed by random byte edits, reproducible from `seed`.
    package static func randomInputs(_ parser: String, count: Int, seed: UInt64) -> [[UInt8]] {
        let specials: [UInt8] = Array("\"{}[],:\\\n\r\t<>*-#0123456789 ".utf8) + [0x00, 0x80, 0xC3, 0xE2, 0xF0, 0xFF]
        return mutations(of: Self.seed(parser), specials: specials, count: count, seed: seed)
    }

    /// `count` copies of `base`, each changed by one to eight random byte edits (a byte set to
    /// one of `specials`, one inserted, a run removed or copied elsewhere, the tail cut, a bit
    /// flipped), reproducible from `seed`. Shared by every fuzz target's plain driver.
    package static func mutations(of base: [UInt8], specials: [UInt8], count: Int, seed: UInt64) -> [[UInt8]] {
        var random = SplitMix64(state: seed)
        return (0..<count).map { _ in
            var bytes = base
            for _ in 0..<(1 + Int(random.next() % 8)) {
                let at = bytes.isEmpty ? 0 : Int(random.next() % UInt64(bytes.count))
                switch random.next() % 6 {
                case 0 where !bytes.isEmpty: bytes[at] = specials[Int(random.next() % UInt64(specials.count))]
                case 1: bytes.insert(specials[Int(random.next() % UInt64(specials.count))], at: at)
                case 2 where !bytes.isEmpty: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 16)))
                case 3 where !bytes.isEmpty:
                    let end = min(bytes.count, at + 1 + Int(random.next() % 64))
                    bytes.insert(contentsOf: bytes[at..<end], at: Int(random.next() % UInt64(bytes.count)))
                case 4: bytes = Array(bytes.prefix(at))
                default: if !bytes.isEmpty { bytes[at] ^= UInt8(truncatingIfNeeded: random.next()) }
                }
            }
            return bytes
        }
    }
}

/// A tiny seeded generator (SplitMix64) so random inputs are the same on every run.
package struct SplitMix64: RandomNumberGenerator {
    package var state: UInt64

    package init(state: UInt64) {
        self.state = state
    }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
