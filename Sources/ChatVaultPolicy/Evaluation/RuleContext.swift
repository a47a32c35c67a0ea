import ChatVaultCore

/// One message with what the metadata conditions ask about it; local time is worked
/// out only when a condition needs it.
struct RuleContext {
    let message: Message
    let kind: Conversation.Kind
    let sender: Participant
    let state: ConversationState
    let hours: BusinessHours
    private var cachedLocal: (weekday: Int, minute: Int, day: String)?

    init(message: Message, kind: Conversation.Kind, sender: Participant, state: ConversationState, hours: BusinessHours) {
        self.message = message
        self.kind = kind
        self.sender = sender
        self.state = state
        self.hours = hours
    }

    var local: (weekday: Int, minute: Int, day: String) {
        mutating get {
            if let cachedLocal { return cachedLocal }
            let value = hours.local(message.sentAt)
            cachedLocal = value
            return value
        }
    }

    mutating func satisfies(_ c: RuleConditions) -> Bool {
        if !c.platforms.isEmpty, !c.platforms.contains(message.platform.lowercased()) { return false }
        if !c.conversationKinds.isEmpty, !c.conversationKinds.contains(kind) { return false }
        if !c.senderGroups.isEmpty, c.senderGroups.isDisjoint(with: sender.memberships) { return false }
        if !c.recipientGroups.isEmpty {
            let others = state.participants.values.filter { $0.handle != sender.handle }
            if !others.contains(where: { !c.recipientGroups.isDisjoint(with: $0.memberships) }) { return false }
        }
        if let external = c.external, state.participants.values.contains(where: \.isExternal) != external { return false }
        if let senderExternal = c.senderExternal, sender.isExternal != senderExternal { return false }
        if c.minLength != nil || c.maxLength != nil {
            let length = message.text.unicodeScalars.count
            if let min = c.minLength, length < min { return false }
            if let max = c.maxLength, length > max { return false }
        }
        if !c.attachmentTypes.isEmpty, !message.attachments.contains(where: { Self.attachment($0, isOneOf: c.attachmentTypes) }) { return false }
        if let afterHours = c.afterHours {
            let l = local
            let outside = !hours.days.contains(l.weekday) || !hours.window.contains(minuteOfDay: l.minute)
            if outside != afterHours { return false }
        }
        if !c.weekdays.isEmpty, !c.weekdays.contains(local.weekday) { return false }
        if let window = c.timeWindow, !window.contains(minuteOfDay: local.minute) { return false }
        return true
    }

    /// `pdf` or `.pdf` compare with the file name's extension; `image/*` or `application/zip` with the media type.
    static func attachment(_ attachment: Attachment, isOneOf types: [String]) -> Bool {
        let name = attachment.name.lowercased()
        let media = (attachment.mediaType ?? "").lowercased()
        return types.contains { type in
            if type.contains("/") {
                return type.hasSuffix("/*") ? media.hasPrefix(type.dropLast()) : media == type
            }
            return name.hasSuffix(type.hasPrefix(".") ? type : "." + type)
        }
    }
}
