import ChatVaultCapture
import ChatVaultIngest

/// The XMPP stream parser under the fuzzer: the bytes a hostile server could send, fed in
/// pieces as they would arrive from the network, then every stanza read as an archive
/// result. Every input must end in events or an ``XMPPStreamParser/Failure``.
enum XMPPHarness {
    static let name = "xmpp"

    /// A server's side of a session: the stream header, features, an archived message
    /// with a delay, a MAM fin and the stream's end.
    static let seed = Array(
        """
        <?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
        from='localhost' id='s1' version='1.0' xml:lang='en'><stream:features><mechanisms \
        xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</mechanism></mechanisms></stream:features>\
        <message to='compliance@localhost' id='m1'><result xmlns='urn:xmpp:mam:2' queryid='q1' id='a1'>\
        <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2024-03-01T09:00:00Z'/>\
        <message xmlns='jabber:client' from='alice@localhost/desk' to='bob@localhost' type='chat' id='x'>\
        <body>card 4111&#x20;1111 &amp; &lt;b&gt; caf&#233;</body></message></forwarded></result></message>\
        <iq type='result' id='q1'><fin xmlns='urn:xmpp:mam:2' complete='true'><set \
        xmlns='http://jabber.org/protocol/rsm'><first>a1</first><last>a1</last></set></fin></iq></stream:stream>
        """.utf8)

    /// Feeds `bytes` in pieces whose sizes come from the input itself, so the fuzzer also
    /// explores where the network splits a tag. Returns the stanzas and archive items read,
    /// and whether the stream was refused.
    @discardableResult
    static func run(_ bytes: [UInt8]) -> (stanzas: Int, items: Int, refused: Bool) {
        var parser = XMPPStreamParser(maxStanzaBytes: 1 << 16, maxDepth: 16)
        var counts = (stanzas: 0, items: 0, refused: false)
        var offset = 0
        var piece = 1 + Int(bytes.first ?? 0) % 97
        do throws(XMPPStreamParser.Failure) {
            while offset < bytes.count {
                let end = min(bytes.count, offset + piece)
                for event in try parser.feed(bytes[offset..<end]) {
                    guard case .stanza(let stanza) = event else { continue }
                    counts.stanzas += 1
                    if let item = XMPPArchiveItem(result: stanza, queryID: "q1") {
                        counts.items += 1
                        _ = item.incomingMessage(owner: "compliance@localhost")
                    }
                }
                offset = end
                piece = 1 + (piece * 31 + Int(bytes[end - 1])) % 211
            }
        } catch {
            counts.refused = true
        }
        return counts
    }

    /// `count` inputs made from the seed by random byte edits, reproducible from `seed`.
    static func randomInputs(count: Int, seed: UInt64) -> [[UInt8]] {
        let specials: [UInt8] = Array("<>/='\"&;#x:?! \n".utf8) + [0x00, 0x80, 0xC3, 0xE2, 0xF0, 0xFF]
        return ParserHarness.mutations(of: Self.seed, specials: specials, count: count, seed: seed)
    }
}
