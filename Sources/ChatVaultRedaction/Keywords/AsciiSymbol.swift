/// The alphabet of the keyword automaton's dense table: what an ASCII byte becomes in
/// normal form. 0 is the separator (spaces, punctuation, controls), 1–26 the letters
/// (either case), 27–36 the digits; `notASCII` marks bytes of multi-byte UTF-8.
enum AsciiSymbol {
    static let count = 37
    static let separator: UInt8 = 0
    static let notASCII: UInt8 = 0xFF

    /// The symbol of each byte value.
    static let table: [UInt8] = (0..<256).map { byte -> UInt8 in
        switch byte {
        case 0x61...0x7A: UInt8(byte - 0x61 + 1)
        case 0x41...0x5A: UInt8(byte - 0x41 + 1)
        case 0x30...0x39: UInt8(byte - 0x30 + 27)
        case 0x80...: notASCII
        default: separator
        }
    }

    /// The normalised scalar a symbol stands for.
    static func scalar(_ symbol: Int) -> UInt32 {
        switch symbol {
        case 0: NormalizedText.separator
        case 1...26: UInt32(0x61 + symbol - 1)
        default: UInt32(0x30 + symbol - 27)
        }
    }
}
