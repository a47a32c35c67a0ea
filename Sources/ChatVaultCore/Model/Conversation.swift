/// A place where messages are exchanged: a one-to-one chat, a group chat or a channel.
public struct Conversation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case direct, group, channel
    }

    public var platform: String
    /// The platform's id for the conversation.
    public var sourceID: String
    public var name: String?
    public var kind: Kind
    public var participants: [Handle]
    /// Whether anyone outside the company took part.
    public var isExternal: Bool

    public init(
        platform: String, sourceID: String, name: String? = nil, kind: Kind, participants: [Handle] = [],
        isExternal: Bool = false
    ) {
        self.platform = platform
        self.sourceID = sourceID
        self.name = name
        self.kind = kind
        self.participants = participants
        self.isExternal = isExternal
    }

    /// `platform:sourceID`, the key people type to name a conversation.
    public var key: String { "\(platform):\(sourceID)" }
}
