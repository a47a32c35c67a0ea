public import ChatVaultRedaction

/// A source that knows the members of the workspace it was exported from (a Slack export's
/// `users.json`, the `user` lines of a Mattermost bulk export). Members are the firm's
/// people: the redactor leaves their names (an `@mention` of a colleague) in place.
public protocol WorkspaceRoster: AnyObject {
    /// Everyone the source has met so far, with every name they go by.
    var workspaceMembers: KnownPeople { get }
    /// Changes whenever ``workspaceMembers`` grows, so a reader can tell cheaply.
    var rosterVersion: Int { get }
}
