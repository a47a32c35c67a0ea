public import Crypto
import Foundation

/// The client side of SCRAM (RFC 5802, RFC 7677) without channel binding: `SCRAM-SHA-1`
/// and `SCRAM-SHA-256`. It proves the password without sending it and checks the server's
/// signature, so a server that does not know the password cannot pretend to.
public struct SCRAM<H: HashFunction>: Sendable {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var reason: String
        public var description: String { "SCRAM: \(reason)" }
    }

    /// Iteration counts above this are refused: a server could otherwise make the client spin.
    public static var maxIterations: Int { 1_000_000 }
    /// Iteration counts below this are refused (RFC 7677's minimum): a server, or someone in
    /// the middle, asking for one iteration would make the proof cheap to brute-force.
    public static var minIterations: Int { 4096 }

    let username: String
    let password: String
    let clientNonce: String
    private var authMessage: String?
    private var serverSignature: [UInt8]?

    /// `clientNonce` defaults to 24 random bytes in base64; tests pass the RFC's.
    public init(username: String, password: String, clientNonce: String? = nil) {
        self.username = username
        self.password = password
        self.clientNonce =
            clientNonce ?? Data((0..<24).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    var clientFirstBare: String {
        let escaped = username.replacingOccurrences(of: "=", with: "=3D").replacingOccurrences(of: ",", with: "=2C")
        return "n=\(escaped),r=\(clientNonce)"
    }

    /// The first message, sent with the `auth` element.
    public var clientFirst: String { "n,," + clientFirstBare }

    /// The answer to the server's challenge: the client's proof.
    public mutating func clientFinal(serverFirst: String) throws(Failure) -> String {
        let fields = Self.fields(serverFirst)
        guard let nonce = fields["r"], let saltText = fields["s"], let iterationText = fields["i"] else {
            throw Failure(reason: "server-first-message lacks r, s or i")
        }
        guard nonce.hasPrefix(clientNonce), nonce.count > clientNonce.count else { throw Failure(reason: "server nonce does not extend ours") }
        guard let salt = Data(base64Encoded: saltText), !salt.isEmpty else { throw Failure(reason: "salt is not base64") }
        guard let iterations = Int(iterationText), iterations >= Self.minIterations, iterations <= Self.maxIterations else {
            throw Failure(reason: "iteration count \(iterationText.prefix(16)) out of range (\(Self.minIterations)–\(Self.maxIterations))")
        }
        let salted = Self.saltedPassword(password, salt: Array(salt), iterations: iterations)
        let clientKey = Self.hmac(salted, "Client Key")
        let storedKey = Array(H.hash(data: clientKey))
        let withoutProof = "c=biws,r=\(nonce)"
        let message = clientFirstBare + "," + serverFirst + "," + withoutProof
        let signature = Self.hmac(storedKey, message)
        let proof = zip(clientKey, signature).map { $0 ^ $1 }
        serverSignature = Self.hmac(Self.hmac(salted, "Server Key"), message)
        authMessage = message
        return withoutProof + ",p=" + Data(proof).base64EncodedString()
    }

    /// Checks the server's final message (`v=` signature); throws on `e=` or a wrong signature.
    public func verify(serverFinal: String) throws(Failure) {
        let fields = Self.fields(serverFinal)
        if let error = fields["e"] { throw Failure(reason: "server error \(error.prefix(64))") }
        guard let expected = serverSignature, let text = fields["v"], let signature = Data(base64Encoded: text) else {
            throw Failure(reason: "no server signature")
        }
        guard Array(signature) == expected else { throw Failure(reason: "server signature does not match: the server does not know the password") }
    }

    static func fields(_ message: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in message.split(separator: ",") {
            guard let equals = part.firstIndex(of: "="), part.distance(from: part.startIndex, to: equals) == 1 else { continue }
            out[String(part[..<equals])] = String(part[part.index(after: equals)...])
        }
        return out
    }

    static func hmac(_ key: [UInt8], _ message: String) -> [UInt8] {
        hmac(key, Array(message.utf8))
    }

    static func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<H>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// PBKDF2 with HMAC-H, one block (the output is one hash long).
    static func saltedPassword(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: Array(password.utf8))
        var u = Array(HMAC<H>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var result = u
        for _ in 1..<iterations {
            u = Array(HMAC<H>.authenticationCode(for: u, using: key))
            for index in result.indices { result[index] ^= u[index] }
        }
        return result
    }
}
