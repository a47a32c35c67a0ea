import ChatVaultCore

/// Text in the keyword normal form, with the original scalar offset of every scalar.
///
/// The word form of ``TextFolding`` (the routine search and the policy share):
/// compatibility forms unified (NFKC: full-width letters, ligatures), case and diacritics
/// folded, invisible characters dropped (zero-width spaces and joiners, soft hyphens,
/// direction marks), Cyrillic and Greek look-alikes mapped to Latin, and every run of
/// spaces and punctuation one space. So `Ｐ​ｒｏｊｅｃｔ—Fаlcon` reads `project falcon`, and
/// a match still points at what a person sees in the original.
package struct NormalizedText {
    static let separator: UInt32 = 0x20

    let scalars: [UInt32]
    /// For each normalised scalar, the offset of the original scalar it came from.
    let origin: [Int]

    init(_ original: [Unicode.Scalar]) {
        let folded = TextFolding.wordForm(of: original, separator: Unicode.Scalar(Self.separator)!)
        scalars = folded.scalars.map(\.value)
        origin = folded.origin
    }

    /// Normalises a keyword phrase, trimming spaces at either end.
    static func phrase(_ text: String) -> [UInt32] {
        var scalars = NormalizedText(Array(text.unicodeScalars)).scalars
        while scalars.first == separator { scalars.removeFirst() }
        while scalars.last == separator { scalars.removeLast() }
        return scalars
    }

    /// Cyrillic and Greek letters drawn like Latin ones, after lowercasing.
    package static var lookAlikes: [UInt32: UInt32] { TextFolding.lookAlikes }
}
