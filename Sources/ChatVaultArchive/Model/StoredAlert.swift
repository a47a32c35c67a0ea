public import ChatVaultCore

/// An alert as the archive holds it: the alert, its id, the message it is about and
/// its place in the integrity log.
public struct StoredAlert: Sendable, Hashable {
    public var id: Int64
    public var leafIndex: Int
    public var messageID: Int64
    public var alert: Alert

    public init(id: Int64, leafIndex: Int, messageID: Int64, alert: Alert) {
        self.id = id
        self.leafIndex = leafIndex
        self.messageID = messageID
        self.alert = alert
    }
}
