extension Message {
    /// This message's edit at `time` as an event of its own: it carries the text as it
    /// now reads and refers back to the message, whose record keeps what it said first.
    public func editEvent(id: String, at time: Timestamp) -> Message {
        var edit = self
        edit.kind = .edit
        edit.sourceID = id
        edit.target = sourceID
        edit.sentAt = time
        edit.reactions = []
        return edit
    }

    /// This message's deletion at `time` as an event of its own, keeping the deleted text.
    public func deletionEvent(id: String, at time: Timestamp) -> Message {
        var deletion = self
        deletion.kind = .delete
        deletion.sourceID = id
        deletion.target = sourceID
        deletion.sentAt = time
        deletion.reactions = []
        deletion.attachments = []
        return deletion
    }
}
