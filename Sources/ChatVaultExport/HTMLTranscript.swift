import ChatVaultCore

/// A self-contained HTML transcript of one conversation: no script, no external
/// resource, a strict Content-Security-Policy, every value escaped.
enum HTMLTranscript {
    static func header(title: String, key: String) -> String {
        let t = HTMLEscaping.escape(title)
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>\(t)</title>
            <style>body{font:14px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;color:#222}
            .m{margin:.4em 0}.t{color:#777;font-size:12px}.w{font-weight:600}.e,.d,.r,.a{color:#666;font-size:12px;margin-left:2em}
            .x{background:#fff3c4}</style></head><body>
            <h1>\(t)</h1><p class="t">\(HTMLEscaping.escape(key)) — exported from ChatVault</p>

            """
    }

    static let footer = "</body></html>\n"

    static func row(_ r: ExportRecord) -> String {
        let time = HTMLEscaping.escape(r.sentAt.iso8601)
        let who = HTMLEscaping.escape(r.who)
        var html = "<div class=\"m\" id=\"m\(r.id)\"><span class=\"t\">\(time)</span> <span class=\"w\">\(who)</span>: "
        switch r.kind {
        case "edit": html += "<i>edited \(HTMLEscaping.escape(r.target ?? "?")):</i> " + body(r.text)
        case "delete": html += "<i>deleted \(HTMLEscaping.escape(r.target ?? "?"))</i>"
        case "reaction": html += "<i>reacted \(HTMLEscaping.escape(r.text)) to \(HTMLEscaping.escape(r.target ?? "?"))</i>"
        case "join": html += "<i>joined</i>"
        case "leave": html += "<i>left</i>"
        default: html += body(r.text)
        }
        for earlier in r.editedFrom { html += "<div class=\"e\">earlier version: \(body(earlier))</div>" }
        if r.deleted { html += "<div class=\"d\">[deleted by the sender; kept in the archive]</div>" }
        for reaction in r.reactions {
            html += "<div class=\"r\">\(HTMLEscaping.escape(reaction.emoji)) \(HTMLEscaping.escape(reaction.by.joined(separator: ", ")))</div>"
        }
        for file in r.attachments {
            html += "<div class=\"a\">attachment: \(HTMLEscaping.escape(file.name))"
            if let sha = file.sha256 { html += " (sha256 \(HTMLEscaping.escape(sha)))" }
            html += "</div>"
        }
        for redaction in r.redactions {
            html += "<div class=\"a\">redacted \(HTMLEscaping.escape(redaction.type)) by \(HTMLEscaping.escape(redaction.rule))</div>"
        }
        if let deliveredBy = r.deliveredBy { html += "<div class=\"a\">delivered by \(HTMLEscaping.escape(deliveredBy))</div>" }
        return html + "</div>\n"
    }

    /// Text with line breaks kept and redaction placeholders marked.
    static func body(_ text: String) -> String {
        var escaped = HTMLEscaping.escape(text).replacing("\n", with: "<br>")
        escaped = escaped.replacing("[REDACTED:", with: "<span class=\"x\">[REDACTED:")
        var out = ""
        var open = 0
        for character in escaped {
            out.append(character)
            if out.hasSuffix("<span class=\"x\">[REDACTED:") { open += 1 }
            if character == "]" && open > 0 {
                out += "</span>"
                open -= 1
            }
        }
        return out + String(repeating: "</span>", count: open)
    }
}
