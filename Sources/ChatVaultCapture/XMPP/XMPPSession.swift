import Crypto
import Foundation
import Logging

/// A logged-in XMPP client stream: STARTTLS with certificate verification, SASL
/// (SCRAM-SHA-256, SCRAM-SHA-1, or PLAIN only inside TLS), resource binding; then
/// request–response IQs. Server IQ requests (pings) are answered while waiting.
final class XMPPSession {
    let account: XMPPAccount
    let source: String
    private let connection: XMPPConnection
    private(set) var boundJID = ""
    private var counter = 0
    /// How long to wait for any answer from the server.
    var timeout: Duration = .seconds(30)

    var bareJID: String { JID.bare(boundJID) }

    private init(account: XMPPAccount, source: String, connection: XMPPConnection) {
        self.account = account
        self.source = source
        self.connection = connection
    }

    /// Connects and logs in; throws ``CaptureError`` for what a person must fix.
    static func open(_ account: XMPPAccount, source: String, logger: Logger) async throws -> XMPPSession {
        let connection: XMPPConnection
        do {
            connection = try await XMPPConnection.connect(host: account.host, port: account.port, timeout: .seconds(10))
        } catch {
            throw CaptureError.connection(source: source, "cannot connect to \(account.host):\(account.port): \(error)")
        }
        let session = XMPPSession(account: account, source: source, connection: connection)
        do {
            try await session.negotiate(logger: logger)
            return session
        } catch {
            await connection.close()
            throw error
        }
    }

    func close() async {
        try? await connection.send("</stream:stream>")
        await connection.close()
    }

    private func negotiate(logger: Logger) async throws {
        var features = try await openStream()
        var secure = false
        if features.child("starttls", namespace: XMPPNamespace.tls) != nil {
            try await connection.send("<starttls xmlns='\(XMPPNamespace.tls)'/>")
            let answer = try await nextStanza()
            guard answer.name == "proceed" else { throw protocolError("STARTTLS refused (\(answer.name))") }
            do {
                try await connection.startTLS(hostname: account.domain, caFile: account.caFile)
                features = try await openStream()
            } catch let error as CaptureError {
                throw error
            } catch {
                // The handshake's own error (an untrusted certificate) is queued on the stream.
                var reason = "\(error)"
                do { _ = try await connection.next(timeout: .seconds(2)) } catch let cause { reason = "\(cause)" }
                throw CaptureError.connection(source: source, "TLS with \(account.domain) failed: \(reason)")
            }
            secure = true
        } else if account.requireTLS {
            throw CaptureError.configuration(source: source, "the server does not offer STARTTLS (set \"tls\": false to allow plain text)")
        }
        let mechanism = try await authenticate(features, secure: secure)
        features = try await openStream()
        guard features.child("bind", namespace: XMPPNamespace.bind) != nil else { throw protocolError("no resource binding offered") }
        let resource = "chatvault-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let bound = try await iq(
            type: "set", to: nil, payload: "<bind xmlns='\(XMPPNamespace.bind)'><resource>\(resource)</resource></bind>")
        guard let jid = bound.child("bind")?.child("jid")?.text, !jid.isEmpty else { throw protocolError("bind returned no JID") }
        boundJID = jid
        logger.info("logged in", metadata: ["jid": "\(jid)", "tls": "\(secure)", "sasl": "\(mechanism)"])
    }

    /// Sends a stream header and returns the features the server offers.
    private func openStream() async throws -> XMLElement {
        try await connection.send(
            "<?xml version='1.0'?><stream:stream xmlns='\(XMPPNamespace.client)' xmlns:stream='\(XMPPNamespace.stream)' "
                + "to='\(XMLElement.escape(account.domain))' version='1.0'>")
        guard case .streamOpened = try await connection.next(timeout: timeout) else { throw protocolError("no stream header") }
        let features = try await nextStanza()
        guard features.name == "features", features.namespace == XMPPNamespace.stream else {
            throw protocolError("expected stream features, got \(features.name)")
        }
        return features
    }

    private func authenticate(_ features: XMLElement, secure: Bool) async throws -> String {
        let offered = Set(features.child("mechanisms", namespace: XMPPNamespace.sasl)?.children("mechanism").map(\.text) ?? [])
        if offered.contains("SCRAM-SHA-256") {
            var scram = SCRAM<SHA256>(username: account.username, password: account.password)
            try await scramExchange(&scram, mechanism: "SCRAM-SHA-256")
            return "SCRAM-SHA-256"
        } else if offered.contains("SCRAM-SHA-1") {
            var scram = SCRAM<Insecure.SHA1>(username: account.username, password: account.password)
            try await scramExchange(&scram, mechanism: "SCRAM-SHA-1")
            return "SCRAM-SHA-1"
        } else if offered.contains("PLAIN") && secure {
            let plain = Data(("\0" + account.username + "\0" + account.password).utf8).base64EncodedString()
            try await connection.send("<auth xmlns='\(XMPPNamespace.sasl)' mechanism='PLAIN'>\(plain)</auth>")
            let answer = try await nextStanza()
            guard answer.name == "success" else { throw authenticationError(answer) }
            return "PLAIN"
        } else {
            throw CaptureError.authentication(
                source: source, "no usable SASL mechanism (offered: \(offered.sorted().joined(separator: ", ")); PLAIN only over TLS)")
        }
    }

    private func scramExchange<H>(_ scram: inout SCRAM<H>, mechanism: String) async throws {
        try await connection.send("<auth xmlns='\(XMPPNamespace.sasl)' mechanism='\(mechanism)'>\(Self.base64(scram.clientFirst))</auth>")
        let challenge = try await nextStanza()
        guard challenge.name == "challenge", let serverFirst = Self.unbase64(challenge.text) else { throw authenticationError(challenge) }
        let final: String
        do { final = try scram.clientFinal(serverFirst: serverFirst) } catch { throw CaptureError.authentication(source: source, "\(error)") }
        try await connection.send("<response xmlns='\(XMPPNamespace.sasl)'>\(Self.base64(final))</response>")
        var answer = try await nextStanza()
        if answer.name == "challenge" {
            // Some servers send the verifier as a challenge and success empty.
            guard let serverFinal = Self.unbase64(answer.text) else { throw authenticationError(answer) }
            do { try scram.verify(serverFinal: serverFinal) } catch { throw CaptureError.authentication(source: source, "\(error)") }
            try await connection.send("<response xmlns='\(XMPPNamespace.sasl)'/>")
            answer = try await nextStanza()
            guard answer.name == "success" else { throw authenticationError(answer) }
            return
        }
        guard answer.name == "success", let serverFinal = Self.unbase64(answer.text) else { throw authenticationError(answer) }
        do { try scram.verify(serverFinal: serverFinal) } catch { throw CaptureError.authentication(source: source, "\(error)") }
    }

    private func authenticationError(_ answer: XMLElement) -> CaptureError {
        let condition = answer.children.first(where: { $0.name != "text" })?.name ?? answer.name
        return CaptureError.authentication(source: source, "\(account.bareJID) rejected: \(condition)")
    }

    private func protocolError(_ why: String) -> CaptureError {
        CaptureError.protocolError(source: source, why)
    }

    /// The next stanza; a stream error or the end of the stream throws.
    func nextStanza() async throws -> XMLElement {
        while true {
            let event: XMPPStreamParser.Event
            do {
                event = try await connection.next(timeout: timeout)
            } catch let error where !(error is CancellationError) {
                throw CaptureError.connection(source: source, "\(error)")
            }
            switch event {
            case .streamOpened: throw protocolError("unexpected stream header")
            case .streamClosed: throw CaptureError.connection(source: source, "the server closed the stream")
            case .stanza(let element):
                if element.name == "error", element.namespace == XMPPNamespace.stream {
                    let condition = element.children.first(where: { $0.name != "text" })?.name ?? "undefined-condition"
                    throw CaptureError.connection(source: source, "stream error: \(condition)")
                }
                if element.name == "iq", element.namespace == XMPPNamespace.client, let type = element["type"], type == "get" || type == "set" {
                    try await answerRequest(element)
                    continue
                }
                return element
            }
        }
    }

    /// Answers a server's IQ request: pings succeed, anything else is not supported here.
    private func answerRequest(_ request: XMLElement) async throws {
        let id = XMLElement.escape(request["id"] ?? "")
        let to = request["from"].map { " to='\(XMLElement.escape($0))'" } ?? ""
        if request.child("ping", namespace: XMPPNamespace.ping) != nil {
            try await connection.send("<iq type='result' id='\(id)'\(to)/>")
        } else {
            try await connection.send(
                "<iq type='error' id='\(id)'\(to)><error type='cancel'><service-unavailable xmlns='\(XMPPNamespace.stanzas)'/></error></iq>")
        }
    }

    /// Unpredictable ids: another entity cannot answer a query before it is asked.
    func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)\(counter)-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }

    /// Whether an answer comes from the entity the request went to: the addressee (a room),
    /// or, for a request to our own account, the account, its server or no one.
    func answers(_ stanza: XMLElement, to addressee: String?) -> Bool {
        guard let from = stanza["from"].map({ JID.bare($0).lowercased() }) else { return addressee == nil }
        if let addressee { return from == JID.bare(addressee).lowercased() }
        return from == account.bareJID.lowercased() || from == bareJID.lowercased() || from == account.domain
    }

    /// Sends an IQ and returns its `result`; an `error` answer throws ``XMPPStanzaError``.
    /// Stanzas other than the answer are passed to `other` (MAM results arrive that way).
    func iq(type: String, to: String?, payload: String, other: (XMLElement) throws -> Void = { _ in }) async throws -> XMLElement {
        let id = nextID("cv")
        let toAttribute = to.map { " to='\(XMLElement.escape($0))'" } ?? ""
        try await connection.send("<iq type='\(type)' id='\(id)'\(toAttribute)>\(payload)</iq>")
        while true {
            let stanza = try await nextStanza()
            if stanza.name == "iq", stanza["id"] == id, answers(stanza, to: to) {
                if stanza["type"] == "result" { return stanza }
                let error = stanza.child("error")
                let condition = error?.children.first(where: { $0.namespace == XMPPNamespace.stanzas && $0.name != "text" })?.name
                throw XMPPStanzaError(condition: condition ?? "undefined-condition", text: error?.child("text")?.text)
            }
            try other(stanza)
        }
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func unbase64(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed == "=" { return "" }
        return Data(base64Encoded: trimmed).flatMap { String(data: $0, encoding: .utf8) }
    }
}

/// An IQ answered with `type="error"`: the defined condition (`item-not-found`, `forbidden`).
struct XMPPStanzaError: Error, CustomStringConvertible {
    var condition: String
    var text: String?
    var description: String { condition + (text.map { " (\($0.prefix(200)))" } ?? "") }
}
