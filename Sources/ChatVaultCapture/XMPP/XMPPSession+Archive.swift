/// One page of a XEP-0313 query, paged with XEP-0059.
struct XMPPArchivePage {
    var items: [XMPPArchiveItem]
    /// The id of the page's last item: where the next page starts.
    var last: String?
    /// The server says there is nothing after this page.
    var complete: Bool
}

extension XMPPSession {
    /// The most items a page may hold before the server is considered broken.
    static let maxPageItems = 1000

    /// Reads the page after `after` (from the start when `nil`) of `archive`, or with `newest`
    /// its last page: the account's own archive when it is the account's bare JID, else the
    /// room (or user) archive at that JID.
    func archivePage(_ archive: String, after: String?, max: Int, newest: Bool = false) async throws -> XMPPArchivePage {
        let queryID = nextID("q")
        let position = newest ? "<before/>" : after.map { "<after>\(XMLElement.escape($0))</after>" } ?? ""
        let payload =
            "<query xmlns='\(XMPPNamespace.mam)' queryid='\(queryID)'><set xmlns='\(XMPPNamespace.rsm)'><max>\(max)</max>\(position)</set></query>"
        let expectedFrom = JID.bare(archive)
        let own = expectedFrom == bareJID
        var items: [XMPPArchiveItem] = []
        let source = source
        let fin = try await iq(type: "set", to: own ? nil : archive, payload: payload) { stanza in
            guard stanza.name == "message", let item = XMPPArchiveItem(result: stanza, queryID: queryID) else { return }
            // Results come from the archive itself; anything else is not part of the answer.
            if let from = stanza["from"], JID.bare(from) != expectedFrom { return }
            guard items.count < Self.maxPageItems else {
                throw CaptureError.protocolError(source: source, "more than \(Self.maxPageItems) results in one page")
            }
            items.append(item)
        }
        guard let finElement = fin.child("fin", namespace: XMPPNamespace.mam) else {
            throw CaptureError.protocolError(source: source, "archive query answered without <fin/>")
        }
        let set = finElement.child("set", namespace: XMPPNamespace.rsm)
        let last = set?.child("last")?.text ?? items.last?.archiveID
        return XMPPArchivePage(items: items, last: last, complete: finElement["complete"] == "true" || items.isEmpty)
    }
}
