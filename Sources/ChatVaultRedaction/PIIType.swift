/// The kinds of personal data the built-in recognizers find.
///
/// `rawValue` is the type written into redaction records and labels (`CREDIT_CARD`);
/// `key` is the name used in the policy file (`credit_card`) and in rule ids (`pii.credit_card`).
public enum PIIType: String, Sendable, Hashable, CaseIterable, Codable {
    case creditCard = "CREDIT_CARD"
    case usSSN = "US_SSN"
    case iban = "IBAN"
    case bankAccount = "BANK_ACCOUNT"
    case phoneNumber = "PHONE_NUMBER"
    case emailAddress = "EMAIL_ADDRESS"
    case dateOfBirth = "DATE_OF_BIRTH"
    case passport = "PASSPORT"
    case ipAddress = "IP_ADDRESS"
    case person = "PERSON"

    /// The policy-file name: `credit_card`, `us_ssn`, `ip_address`…
    public var key: String { rawValue.lowercased() }

    /// The rule id recorded with each redaction: `pii.credit_card`.
    public var ruleID: String {
        // Literals: asked for every find, so not built each time.
        switch self {
        case .creditCard: "pii.credit_card"
        case .usSSN: "pii.us_ssn"
        case .iban: "pii.iban"
        case .bankAccount: "pii.bank_account"
        case .phoneNumber: "pii.phone_number"
        case .emailAddress: "pii.email_address"
        case .dateOfBirth: "pii.date_of_birth"
        case .passport: "pii.passport"
        case .ipAddress: "pii.ip_address"
        case .person: "pii.person"
        }
    }

    /// The type for a policy-file name, accepting `credit_card` and `CREDIT_CARD`.
    public init?(key: String) {
        self.init(rawValue: key.uppercased())
    }
}
