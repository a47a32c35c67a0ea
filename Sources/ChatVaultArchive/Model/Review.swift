public import ChatVaultCore

/// A step of the review workflow on an alert.
public enum ReviewAction: String, Sendable, CaseIterable {
    /// Gives the alert to a reviewer (`assignee`).
    case assign
    /// Adds a remark for the other reviewers.
    case comment
    /// Sends the alert up (state `escalated`).
    case escalate
    /// Closes the alert; needs a reason.
    case close
    /// Opens a closed alert again.
    case reopen
    /// Writes a coaching note addressed to the employee concerned.
    case coach
}

/// One recorded review step.
public struct AlertReview: Sendable, Hashable {
    public var id: Int64
    public var alertID: Int64
    /// The audit event that records the step in the integrity log.
    public var auditID: Int64
    public var at: Timestamp
    public var actor: String
    public var action: String
    /// `reason`, `comment`, `note`, `employee`, `assignee`, as the action has them.
    public var detail: JSONValue
}

/// An alert in the review queue with who owns it.
public struct QueuedAlert: Sendable, Hashable {
    public var stored: StoredAlert
    public var assignee: String?
}

/// Which alerts a review queue shows.
public struct AlertFilter: Sendable, Hashable {
    public var states: [Alert.State] = []
    public var rule: String?
    public var severity: Alert.Severity?
    public var assignee: String?
    /// Only alerts about messages with one of these participants (handle ids); `nil` is everyone.
    public var participants: Set<String>?
    public var limit = 50
    public var offset = 0

    public init() {}
}

/// One review step of a batch (``ReviewStore/review(_:actor:)``).
public struct ReviewStep: Sendable {
    public var alertID: Int64
    public var action: ReviewAction
    public var detail: [(String, JSONValue)]
    public var assignee: String?

    public init(alertID: Int64, action: ReviewAction, detail: [(String, JSONValue)], assignee: String? = nil) {
        self.alertID = alertID
        self.action = action
        self.detail = detail
        self.assignee = assignee
    }
}
