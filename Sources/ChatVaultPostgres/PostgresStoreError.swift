/// An error of the PostgreSQL backend: a code to tell cases apart and a message for a person.
public struct PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The URL or the password file cannot be used.
        case invalidLocation
        /// The database holds a migration this build does not know (a newer ChatVault wrote it).
        case unknownMigration
        /// A migration's statement failed; nothing of that migration was applied.
        case migrationFailed
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
