import ChatVaultCore
import Testing

@Suite struct JSONParserTests {
    let parser = JSONParser()

    @Test func parsesObjectsArraysAndScalars() throws {
        let value = try parser.parse(#"{"a":[1,-2.5e3,true,false,null],"b":"x\"\\\/\n\u00e9\ud83d\ude00"}"#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"] == .string("x\"\\/\n\u{e9}😀"))
    }

    @Test func keepsLargeIntegerIdsExactly() throws {
        let value = try parser.parse(#"{"id":1234567890123456789012}"#)
        #expect(value["id"]?.scalarText == "1234567890123456789012")
    }

    @Test(arguments: [
        (#"{"a":1,}"#, 7), (#"{"a" 1}"#, 5), ("[1,2", 4), (#"{"a":"b"} x"#, 10), (#"{"a":tru}"#, 5), (#""\x""#, 2),
        ("", 0), (#"{"a":"\ud800"}"#, 12), ("[01]", 2),
    ])
    func reportsWhereTheDocumentIsBroken(text: String, offset: Int) {
        #expect(throws: JSONParser.Failure.self) { try parser.parse(text) }
        do {
            _ = try parser.parse(text)
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
        }
    }

    @Test func boundsNestingDepth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try parser.parse(deep) }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try parser.parse(ok) }
    }

    @Test func rejectsInvalidUTF8AndControlCharacters() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONParser.Failure.self) {
            try bytes.withUnsafeBufferPointer { try parser.parse($0) }
        }
        #expect(throws: JSONParser.Failure.self) { try parser.parse("\"a\u{01}b\"") }
    }

    @Test func rejectsNULUnlessAllowed() throws {
        #expect(throws: JSONParser.Failure.self) { try parser.parse(#""a\u0000b""#) }
        #expect(try JSONParser(allowsNUL: true).parse(#""a\u0000b""#) == .string("a\u{0}b"))
    }

    @Test func writerRoundTripsThroughParser() throws {
        let value = JSONValue.object([("k", .string("line\nbreak \"quoted\" \u{01} ✓")), ("n", .number("12")), ("a", .array([.null, .bool(true)]))])
        #expect(try parser.parse(value.compactText) == value)
    }
}
