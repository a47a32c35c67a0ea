/// Builds the connector for a configured source, by its `kind`.
public enum Connectors {
    public static let kinds: [String] = ["xmpp", "matrix", "irc"]

    public static func make(_ configuration: SourceConfiguration) throws -> any Connector {
        switch configuration.kind {
        case "xmpp": XMPPConnector(configuration: configuration)
        case "matrix": MatrixConnector(configuration: configuration)
        case "irc": IRCConnector(configuration: configuration)
        default:
            throw CaptureError.configuration(
                source: configuration.name, "unknown kind \(configuration.kind) (known: \(kinds.joined(separator: ", ")))")
        }
    }
}
