import ChatVaultCore

/// A rule's ``RuleConditions`` prepared at policy load: groups as indices into the
/// policy's group table, so a message is checked against counts the conversation keeps
/// instead of against every participant.
struct CompiledConditions: Sendable {
    let platforms: Set<String>
    let conversationKinds: Set<Conversation.Kind>
    let senderGroups: [Int32]
    let recipientGroups: [Int32]
    let external: Bool?
    let senderExternal: Bool?
    let minLength: Int?
    let maxLength: Int?
    let attachmentTypes: [String]
    let afterHours: Bool?
    let weekdays: Set<Int>
    let timeWindow: TimeWindow?

    init(_ c: RuleConditions, group: (String) -> Int32) {
        platforms = c.platforms
        conversationKinds = c.conversationKinds
        senderGroups = c.senderGroups.map(group)
        recipientGroups = c.recipientGroups.map(group)
        external = c.external
        senderExternal = c.senderExternal
        minLength = c.minLength
        maxLength = c.maxLength
        attachmentTypes = c.attachmentTypes
        afterHours = c.afterHours
        weekdays = c.weekdays
        timeWindow = c.timeWindow
    }

    /// Whether `message`, sent by `sender` into `state`, meets every condition; local
    /// time and length are worked out in `facts` only when a condition needs them.
    func holds(
        for message: Message, _ facts: inout MessageFacts, sender: Participant, state: ConversationState, hours: BusinessHours,
        clock: inout LocalClock
    ) -> Bool {
        if !platforms.isEmpty, !platforms.contains(facts.platform) { return false }
        if !conversationKinds.isEmpty, !conversationKinds.contains(facts.kind) { return false }
        if !senderGroups.isEmpty, !senderGroups.contains(where: sender.isMember(of:)) { return false }
        if !recipientGroups.isEmpty, !recipientGroups.contains(where: { state.hasOther(in: $0, than: sender) }) { return false }
        if let external, state.externals.isEmpty == external { return false }
        if let senderExternal, sender.isExternal != senderExternal { return false }
        if minLength != nil || maxLength != nil {
            let length = facts.length(of: message.text)
            if let minLength, length < minLength { return false }
            if let maxLength, length > maxLength { return false }
        }
        if !attachmentTypes.isEmpty, !message.attachments.contains(where: { Self.attachment($0, isOneOf: attachmentTypes) }) { return false }
        if let afterHours {
            let l = facts.local(message.sentAt, clock: &clock)
            let outside = !hours.days.contains(l.weekday) || !hours.window.contains(minuteOfDay: l.minute)
            if outside != afterHours { return false }
        }
        if !weekdays.isEmpty, !weekdays.contains(facts.local(message.sentAt, clock: &clock).weekday) { return false }
        if let timeWindow, !timeWindow.contains(minuteOfDay: facts.local(message.sentAt, clock: &clock).minute) { return false }
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

/// What the conditions ask about one message, each worked out at most once.
struct MessageFacts {
    /// The platform, lowercased.
    let platform: String
    let kind: Conversation.Kind
    private var cachedLength: Int?
    private var cachedLocal: (weekday: Int, minute: Int, day: String)?

    init(platform: String, kind: Conversation.Kind) {
        self.platform = platform
        self.kind = kind
    }

    /// The text's length in Unicode scalars.
    mutating func length(of text: String) -> Int {
        if let cachedLength { return cachedLength }
        let length = text.unicodeScalars.count
        cachedLength = length
        return length
    }

    mutating func local(_ time: Timestamp, clock: inout LocalClock) -> (weekday: Int, minute: Int, day: String) {
        if let cachedLocal { return cachedLocal }
        let local = clock.local(time)
        cachedLocal = local
        return local
    }
}
