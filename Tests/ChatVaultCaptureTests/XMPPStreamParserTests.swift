import ChatVaultCapture
import Foundation
import Testing

@Suite struct XMPPStreamParserTests {
    static let header =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost' version='1.0'>"

    func stanzas(_ events: [XMPPStreamParser.Event]) -> [XMLElement] {
        events.compactMap { if case .stanza(let element) = $0 { element } else { nil } }
    }

    @Test func readsStanzasWithNamespacesAndEntities() throws {
        var parser = XMPPStreamParser()
        let events = try parser.feed(
            Array(
                (Self.header
                    + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>"
                    + " \n<message from='a@x/r' to=\"b@x\" id='m&amp;1'><body>1 &lt; 2 &amp;&#x263A;&#65;</body></message>").utf8))
        #expect(events.first == .streamOpened(["id": "s1", "from": "localhost", "version": "1.0"]))
        let elements = stanzas(events)
        #expect(elements.count == 2)
        #expect(elements[0].name == "features")
        #expect(elements[0].namespace == "http://etherx.jabber.org/streams")
        #expect(elements[0].child("starttls", namespace: "urn:ietf:params:xml:ns:xmpp-tls")?.child("required") != nil)
        #expect(elements[1].namespace == "jabber:client")
        #expect(elements[1]["id"] == "m&1")
        #expect(elements[1].child("body")?.text == "1 < 2 &☺A")
        #expect(try parser.feed(Array("</stream:stream>".utf8)) == [.streamClosed])
        #expect(try parser.feed(Array("<message/>".utf8)) == [])  // nothing after the end of the stream
    }

    @Test func byteByByteGivesTheSameStanzas() throws {
        let text =
            Self.header + "<message id='x'><body>héllo wörld ☺ &amp; more</body><x xmlns='urn:a'><y a='1'/></x></message><iq type='result' id='b'/>"
        var whole = XMPPStreamParser()
        let expected = stanzas(try whole.feed(Array(text.utf8)))
        var split = XMPPStreamParser()
        var events: [XMPPStreamParser.Event] = []
        for byte in Array(text.utf8) { events += try split.feed([byte]) }
        #expect(stanzas(events) == expected)
        #expect(expected.count == 2)
        #expect(expected[0].child("body")?.text == "héllo wörld ☺ & more")
        #expect(expected[0].child("x")?.child("y")?.namespace == "urn:a")
    }

    @Test func refusesDoctypeEntitiesCommentsAndProcessingInstructions() {
        let hostile = [
            "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>]><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>",
            Self.header + "<message><body>&lol;</body></message>",
            Self.header + "<message><body>&#0;</body></message>",
            Self.header + "<!-- comment --><message/>",
            Self.header + "<message><body><![CDATA[x]]></body></message>",
            Self.header + "<?php evil ?><message/>",
            Self.header + "<message><body>a</bodx></message>",
            Self.header + "<message a='1' a='2'/>",
            Self.header + "<message a=1/>",
            Self.header + "<p:message/>",
            Self.header + "text between stanzas<message/>",
            Self.header + "<message><body>\u{FF}</body></message>",
        ]
        for input in hostile {
            var parser = XMPPStreamParser()
            var bytes = Array(input.utf8)
            if input.hasSuffix("\u{FF}</body></message>") {
                bytes = Array((Self.header + "<message><body>").utf8) + [0xFF] + Array("</body></message>".utf8)
            }
            #expect(throws: XMPPStreamParser.Failure.self, "\(input)") { _ = try parser.feed(bytes) }
        }
    }

    @Test func boundsStanzaSizeEvenWhenItArrivesInPieces() throws {
        var parser = XMPPStreamParser(maxStanzaBytes: 4096)
        _ = try parser.feed(Array((Self.header + "<message><body>").utf8))
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        var failure: XMPPStreamParser.Failure?
        for _ in 0..<10 {
            do { _ = try parser.feed(chunk) } catch {
                failure = error
                break
            }
        }
        #expect(failure?.reason.contains("larger than 4096") == true)
        // An unterminated tag is bounded too.
        var tags = XMPPStreamParser(maxStanzaBytes: 4096)
        _ = try tags.feed(Array(Self.header.utf8))
        #expect(throws: XMPPStreamParser.Failure.self) { _ = try tags.feed(Array(("<message a='" + String(repeating: "b", count: 5000)).utf8)) }
        // Many stanzas in a row, each under the limit, are fine.
        var many = XMPPStreamParser(maxStanzaBytes: 4096)
        _ = try many.feed(Array(Self.header.utf8))
        var count = 0
        for _ in 0..<100 {
            count += stanzas(try many.feed(Array("<message><body>\(String(repeating: "z", count: 3000))</body></message>".utf8))).count
        }
        #expect(count == 100)
    }

    @Test func boundsDepth() throws {
        var parser = XMPPStreamParser(maxDepth: 16)
        _ = try parser.feed(Array(Self.header.utf8))
        #expect(throws: XMPPStreamParser.Failure.self) { _ = try parser.feed(Array(String(repeating: "<a>", count: 100).utf8)) }
        var shallow = XMPPStreamParser(maxDepth: 16)
        _ = try shallow.feed(Array(Self.header.utf8))
        let nested = String(repeating: "<a>", count: 10) + String(repeating: "</a>", count: 10)
        #expect(stanzas(try shallow.feed(Array(nested.utf8))).count == 1)
    }

    @Test func restartReadsANewStream() throws {
        var parser = XMPPStreamParser()
        _ = try parser.feed(Array((Self.header + "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>").utf8))
        parser.restart()
        let events = try parser.feed(Array((Self.header + "<stream:features/>").utf8))
        #expect(stanzas(events).map(\.name) == ["features"])
    }

    @Test func serializedElementsParseBack() throws {
        let element = XMLElement(
            "message", namespace: "jabber:client", attributes: ["to": "a'b\"<c>&d"],
            children: [XMLElement("body", namespace: "jabber:client", text: "x < y & 'z'")])
        var parser = XMPPStreamParser()
        let events = try parser.feed(Array((Self.header + element.xml(parentNamespace: "jabber:client")).utf8))
        #expect(stanzas(events) == [element])
    }

    @Test func mutatedStreamsNeverCrashTheParser() {
        let valid = Array(
            (Self.header
                + "<message from='a@x/r' id='1'><body>a &amp; b &#x41;</body><x xmlns='urn:a' k=\"v\"/></message>"
                + "<iq type='result' id='2'><fin xmlns='urn:xmpp:mam:2' complete='true'/></iq></stream:stream>").utf8)
        let environment = ProcessInfo.processInfo.environment
        var random = SplitMix(seed: environment["XMPP_FUZZ_SEED"].flatMap { UInt64($0) } ?? 42)
        let iterations = environment["XMPP_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3000
        let alphabet = Array("<>/='\"&;#x!?[]- \u{0}abc".utf8) + [0xC3, 0xFF, 0x80]
        var outcomes = (events: 0, failures: 0)
        for _ in 0..<iterations {
            var bytes = valid
            for _ in 0..<(1 + random.next() % 4) {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: position)
                }
            }
            var parser = XMPPStreamParser(maxStanzaBytes: 512, maxDepth: 8)
            var offset = 0
            do {
                while offset < bytes.count {
                    let size = 1 + Int(random.next() % 40)
                    outcomes.events += try parser.feed(bytes[offset..<min(offset + size, bytes.count)]).count
                    offset += size
                }
            } catch {
                outcomes.failures += 1
            }
        }
        #expect(outcomes.failures > 0 && outcomes.events > 0)
    }
}

/// A small seeded generator, so a failing mutation can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
