import Crypto

/// The token of the hash operator: `[HASH:TYPE:1a2b3c4d]`, the first four bytes of
/// HMAC-SHA256(secret, TYPE ␀ value). The value is canonical (letters and digits,
/// case-folded), so `4111-1111-1111-1111` and `4111 1111 1111 1111` give one token.
struct KeyedHash: Sendable {
    private let secret: [UInt8]

    init(secret: [UInt8]) {
        self.secret = secret
    }

    func token(type: String, value: String) -> String {
        var message = Array(type.utf8)
        message.append(0)
        message.append(contentsOf: AllowList.canonical(value).utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: secret))
        let hex = mac.prefix(4).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
        return "[HASH:\(type):\(hex)]"
    }
}
