public import ChatVaultCore

/// What happens to a matched value.
public enum RedactionOperator: Sendable, Hashable {
    /// Replace with a label; `nil` means `[REDACTED:TYPE]`.
    case replace(label: String? = nil)
    /// Replace letters and digits with `•`, keeping the last `keep` of them and the
    /// separators: `•••• •••• •••• 4242`.
    case mask(keep: Int)
    /// Replace with `[HASH:TYPE:1a2b3c4d]`, an HMAC-SHA256 of the value under the vault
    /// secret: the same value always gives the same token, so conversations stay linkable.
    case hash
    /// Do not archive the message at all.
    case drop

    /// The operation recorded in the redaction record.
    public var operation: Redaction.Operation {
        switch self {
        case .replace: .replace
        case .mask: .mask
        case .hash: .hash
        case .drop: .drop
        }
    }
}
