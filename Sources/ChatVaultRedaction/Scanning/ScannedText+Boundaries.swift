extension ScannedText {
    /// Whether a number starting at `offset` stands on its own on the left, not glued to a
    /// word or a longer number (`ORD-1234`, `v1.2`, `x12`, `12:30`, `16,800`).
    func isNumberStart(_ offset: Int) -> Bool {
        guard let before = self[offset - 1] else { return true }
        if Self.isAlnum(before) { return false }
        if ScannedText.contains("-./_@&=+~", before), isAlnum(at: offset - 2) { return false }
        if ScannedText.contains(":,", before), isDigit(at: offset - 2) { return false }
        return true
    }

    /// Whether a number ending at `offset` (exclusive) stands on its own on the right.
    func isNumberEnd(_ offset: Int) -> Bool {
        guard let after = self[offset] else { return true }
        if Self.isAlnum(after) { return false }
        if ScannedText.contains("-./_:,@", after), isDigit(at: offset + 1) { return false }
        if ScannedText.contains("-_@", after), isAlnum(at: offset + 1) { return false }
        return true
    }
}
