import Mustache

/// The console's pages as Mustache templates. Every value is inserted with `{{…}}`, which
/// escapes HTML; no template uses the unescaped `{{{…}}}` form (a test checks), so text
/// from messages, names and file names can never become markup.
enum Templates {
    static func library() throws -> MustacheLibrary {
        var library = MustacheLibrary()
        for (name, text) in all { try library.register(text, named: name) }
        return library
    }

    static let all: [String: String] = [
        "header": header, "footer": footer, "login": login, "error": error, "search": search, "conversation": conversation,
        "alerts": alerts, "alert": alert, "reports": reports, "integrity": integrity, "audit": audit, "users": users,
        "policy": policy, "sources": sources, "chart": chart, "cases": cases, "notices": notices, "gateways": gateways,
    ]

    static let cases = """
        {{> header}}
        <h1>Legal holds and exports</h1>
        <h2>Legal holds</h2>
        <table class="holds"><thead><tr><th>#</th><th>Name</th><th>Covers</th><th>State</th><th>Created</th><th></th></tr></thead><tbody>
        {{#holds}}<tr><td>{{id}}</td><td>{{name}}</td><td>{{kind}}: {{value}} ({{covers}})</td><td>{{state}}{{#proposedBy}} (release proposed by {{proposedBy}}){{/proposedBy}}</td>
        <td>{{createdBy}}, <time>{{createdAt}}</time></td><td>{{#canChange}}{{#active}}<form method="post" action="/holds/{{id}}/release"><input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">{{#proposedBy}}Confirm release{{/proposedBy}}{{^proposedBy}}Propose release{{/proposedBy}}</button></form>{{/active}}{{/canChange}}</td></tr>{{/holds}}
        </tbody></table>
        {{#canChange}}<form method="post" action="/holds" class="act"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Name <input name="name" required maxlength="200"></label>
        <label>Covers <select name="kind"><option>person</option><option>conversation</option><option>query</option></select></label>
        <label>Value <input name="value" required placeholder="handle, conversation or query"></label>
        <label>From <input type="date" name="from"></label><label>To <input type="date" name="to"></label>
        <label><input type="checkbox" name="allow_empty" value="1"> even if it covers no message yet</label>
        <button type="submit">Place hold</button></form>{{/canChange}}
        <h2>Exports</h2>
        <table class="exports"><thead><tr><th>Export</th><th>Format</th><th>Messages</th><th>Selection</th><th>By</th><th></th></tr></thead><tbody>
        {{#exports}}<tr><td><time>{{createdAt}}</time></td><td>{{format}}</td><td>{{messages}} in {{conversations}} conversations</td><td>{{selection}}</td><td>{{by}}</td>
        <td><a href="/exports/{{name}}/zip">Download ZIP</a></td></tr>{{/exports}}</tbody></table>
        {{#canChange}}<form method="post" action="/exports" class="act"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Format <select name="format">{{#formats}}<option>{{.}}</option>{{/formats}}</select></label>
        <label>Query <input name="q" placeholder="empty: everything"></label><label>From (sender) <input name="sender"></label>
        <label>Conversation <input name="conversation"></label><label>After <input type="date" name="after"></label>
        <label>Before <input type="date" name="before"></label><label>Matter <input name="description" placeholder="case or matter"></label>
        <button type="submit">Export</button></form>{{/canChange}}
        {{> footer}}
        """

    static let header = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · ChatVault</title><link rel="stylesheet" href="/static/console.css"><script src="/static/console.js" defer></script></head>
        <body><header class="top"><a class="brand" href="/">ChatVault</a>
        {{#user}}<nav>{{#nav}}<a href="{{href}}"{{#active}} class="active"{{/active}}>{{label}}</a>{{/nav}}</nav>
        <form class="signout" method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}">
        <span class="who">{{user}} · {{role}}</span> <button type="submit">Sign out</button></form>{{/user}}</header>
        <main>
        {{#notice}}<p class="notice">{{notice}}</p>{{/notice}}
        """

    static let footer = """
        </main><footer>ChatVault · every access to this archive is recorded</footer></body></html>
        """

    static let login = """
        {{> header}}
        <section class="login"><h1>Sign in</h1>
        {{#failure}}<p class="error">{{failure}}</p>{{/failure}}
        <form method="post" action="/login"><input type="hidden" name="next" value="{{next}}">
        <label>User <input name="user" autocomplete="username" required autofocus></label>
        <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Sign in</button></form></section>
        {{> footer}}
        """

    static let error = """
        {{> header}}<h1>{{status}}</h1><p class="error">{{message}}</p>{{> footer}}
        """

    static let search = """
        {{> header}}
        <h1>Search</h1>
        <form class="search" method="get" action="/search">
        <input class="q" name="q" value="{{q}}" placeholder='words, "a phrase", OR, -word, prefix*' aria-label="Query">
        <fieldset class="filters">
        <label>From <input name="sender" value="{{sender}}" placeholder="handle or name"></label>
        <label>Group <select name="group"><option value="">any</option>{{#groups}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/groups}}</select></label>
        <label>Platform <select name="platform"><option value="">any</option>{{#platforms}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/platforms}}</select></label>
        <label>Conversation <input name="conversation" value="{{conversation}}"></label>
        <label>After <input type="date" name="after" value="{{after}}"></label>
        <label>Before <input type="date" name="before" value="{{before}}"></label>
        <label><input type="checkbox" name="external" value="1"{{#external}} checked{{/external}}> external</label>
        <label><input type="checkbox" name="alerts" value="1"{{#withAlerts}} checked{{/withAlerts}}> has alerts</label>
        <label><input type="checkbox" name="attachments" value="1"{{#withAttachments}} checked{{/withAttachments}}> has attachments</label>
        </fieldset><button type="submit">Search</button></form>
        {{#searched}}<p class="count" id="result-count">{{countText}}</p>{{/searched}}
        <ol class="hits">{{#hits}}<li class="hit"><div class="meta"><a class="open" href="/conversations/{{conversationID}}?message={{id}}#m{{id}}">{{conversationName}}</a>
        <span class="platform">{{platform}}</span> <span class="sender">{{sender}}</span> <time>{{sentAt}}</time>{{#external}} <span class="tag ext">external</span>{{/external}}{{#badge}} <span class="tag gateway">{{badge}}</span>{{/badge}}</div>
        <p class="snippet">{{#segments}}{{#isMatch}}<mark>{{text}}</mark>{{/isMatch}}{{^isMatch}}{{text}}{{/isMatch}}{{/segments}}</p></li>{{/hits}}</ol>
        <nav class="pager">{{#previous}}<a rel="prev" href="{{previous}}">← Newer</a>{{/previous}} {{#next}}<a rel="next" href="{{next}}">Older →</a>{{/next}}</nav>
        {{> footer}}
        """

    static let conversation = """
        {{> header}}
        <h1>{{name}}</h1>
        <p class="meta"><span class="platform">{{platform}}</span> · {{kind}} · {{messageCount}} messages{{#external}} · <span class="tag ext">external participants</span>{{/external}}</p>
        <p class="participants">{{#participants}}<span class="person">{{.}}</span> {{/participants}}</p>
        <nav class="pager">{{#earlier}}<a href="{{earlier}}">← Earlier</a>{{/earlier}} {{#later}}<a href="{{later}}">Later →</a>{{/later}}</nav>
        <ol class="transcript">{{#messages}}<li id="m{{id}}" class="msg {{kind}}{{#focus}} focus{{/focus}}{{#deleted}} deleted{{/deleted}}{{#hasAlerts}} flagged{{/hasAlerts}}{{#inThread}} thread{{/inThread}}">
        <div class="meta"><span class="sender">{{sender}}</span> <time>{{sentAt}}</time> <a class="permalink" href="#m{{id}}">#{{id}}</a>
        {{#deleted}}<span class="tag">deleted</span>{{/deleted}}{{#edited}}<span class="tag">edited</span>{{/edited}}{{#eventLabel}}<span class="tag">{{eventLabel}}</span>{{/eventLabel}}{{#gatewayBadge}}<span class="tag gateway">{{gatewayBadge}}</span>{{/gatewayBadge}}</div>
        <p class="body">{{#segments}}{{#redacted}}<span class="redacted" title="redacted {{label}}">{{text}}</span>{{/redacted}}{{#hit}}<mark class="hit">{{text}}</mark>{{/hit}}{{#plain}}{{text}}{{/plain}}{{/segments}}</p>
        {{#hasVersions}}<details class="versions"><summary>Earlier versions</summary><ol>{{#earlierVersions}}<li>{{.}}</li>{{/earlierVersions}}</ol></details>{{/hasVersions}}
        {{#hasAttachments}}<ul class="attachments">{{#attachments}}<li>📎 {{name}} <span class="size">{{size}} bytes · {{mediaType}}</span>{{#sha256}} <a href="/attachments/{{sha256}}">download</a>{{/sha256}}</li>{{/attachments}}</ul>{{/hasAttachments}}
        {{#hasReactions}}<p class="reactions">{{#reactions}}<span class="reaction">{{emoji}} {{by}}</span> {{/reactions}}</p>{{/hasReactions}}
        {{#deliveredBy}}<p class="delivered-by">delivered by {{.}}</p>{{/deliveredBy}}
        {{#hasAlertTags}}<p class="alerts">{{#alerts}}<a class="tag alert {{severity}}" href="/alerts/{{id}}">{{rule}} · {{state}}{{#action}} · {{action}}{{/action}}</a> {{/alerts}}</p>{{/hasAlertTags}}
        </li>{{/messages}}</ol>
        {{> footer}}
        """

    static let alerts = """
        {{> header}}
        <h1>Review queue</h1>
        <form class="filters" method="get" action="/alerts">
        <label>State <select name="state"><option value="">open + escalated</option>{{#states}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/states}}</select></label>
        <label>Severity <select name="severity"><option value="">any</option>{{#severities}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/severities}}</select></label>
        <label>Rule <input name="rule" value="{{rule}}"></label>
        <label>Group <select name="group"><option value="">any</option>{{#groups}}<option{{#selected}} selected{{/selected}}>{{name}}</option>{{/groups}}</select></label>
        <label>Assigned to <input name="assignee" value="{{assignee}}"></label>
        <button type="submit">Filter</button></form>
        <p class="count">{{total}} alerts</p>
        <form method="post" action="/alerts/bulk" id="bulk">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <table class="queue"><thead><tr>{{#canAct}}<th><input type="checkbox" class="select-all" aria-label="Select all"></th>{{/canAct}}<th>#</th><th>Raised</th><th>Severity</th><th>Rule</th><th>State</th><th>Assigned</th><th>Conversation</th><th>Matched</th></tr></thead><tbody>
        {{#alerts}}<tr>{{#canAct}}<td><input type="checkbox" name="id" value="{{id}}" aria-label="Select alert {{id}}"></td>{{/canAct}}<td><a href="/alerts/{{id}}">{{id}}</a></td><td><time>{{raisedAt}}</time></td>
        <td><span class="sev {{severity}}">{{severity}}</span></td><td>{{rule}}{{#badge}} <span class="tag gateway">{{badge}}</span>{{/badge}}</td><td>{{state}}</td><td>{{assignee}}</td><td>{{conversation}}</td><td>{{matched}}</td></tr>{{/alerts}}
        </tbody></table>
        {{#canAct}}<fieldset class="bulk"><legend>With selected</legend>
        <select name="action"><option value="assign">assign to me</option><option value="escalate">escalate</option><option value="close">close</option></select>
        <input name="reason" placeholder="reason (needed to close)"> <button type="submit">Apply</button></fieldset>{{/canAct}}
        </form>
        <nav class="pager">{{#previous}}<a rel="prev" href="{{previous}}">← Previous</a>{{/previous}} {{#next}}<a rel="next" href="{{next}}">Next →</a>{{/next}}</nav>
        {{> footer}}
        """

    static let alert = """
        {{> header}}
        <h1>Alert #{{id}} · {{rule}}</h1>
        <p class="meta"><span class="sev {{severity}}">{{severity}}</span> · {{state}} · raised <time>{{raisedAt}}</time> · policy {{policyVersion}}{{#assignee}} · assigned to {{assignee}}{{/assignee}}</p>
        <p>{{description}}</p>
        <p>Participants: {{#participants}}<span class="person">{{.}}</span> {{/participants}}</p>
        <h2>In context</h2>
        <ol class="transcript">{{#context}}<li id="m{{id}}" class="msg{{#focus}} focus{{/focus}}"><div class="meta"><span class="sender">{{sender}}</span> <time>{{sentAt}}</time></div>
        <p class="body">{{#segments}}{{#redacted}}<span class="redacted" title="redacted {{label}}">{{text}}</span>{{/redacted}}{{#hit}}<mark class="hit">{{text}}</mark>{{/hit}}{{#plain}}{{text}}{{/plain}}{{/segments}}</p></li>{{/context}}</ol>
        {{#canOpenConversation}}<p><a href="/conversations/{{conversationID}}?message={{messageID}}#m{{messageID}}">Open the whole conversation</a></p>{{/canOpenConversation}}
        <h2>History</h2>
        <ol class="history">{{#history}}<li><time>{{at}}</time> <strong>{{actor}}</strong> {{action}} {{text}}</li>{{/history}}</ol>
        {{#canAct}}
        <section class="actions">
        <form method="post" action="/alerts/{{id}}/actions" class="act"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="assign">
        <label>Assign to <input name="assignee" value="{{me}}"></label> <button type="submit">Assign</button></form>
        <form method="post" action="/alerts/{{id}}/actions" class="act"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="comment">
        <label>Comment <textarea name="comment" maxlength="4000" required></textarea></label> <button type="submit">Comment</button></form>
        <form method="post" action="/alerts/{{id}}/actions" class="act"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="escalate">
        <label>Why <input name="reason"></label> <button type="submit">Escalate</button></form>
        <form method="post" action="/alerts/{{id}}/actions" class="act" id="close-form"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="close">
        <label>Reason <select name="reason"><option>no issue</option><option>false positive</option><option>coached</option><option>escalated to legal</option><option>other</option></select></label>
        <label>Coaching note to <input name="employee" value="{{sender}}"></label>
        <label>Note <textarea name="note" maxlength="4000" placeholder="optional: a coaching note addressed to the employee"></textarea></label>
        <button type="submit">Close</button></form>
        <form method="post" action="/alerts/{{id}}/actions" class="act"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="action" value="reopen"><button type="submit">Reopen</button></form>
        </section>{{/canAct}}
        {{> footer}}
        """

    static let chart = """
        <svg class="chart" role="img" aria-label="{{title}}" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}" xmlns="http://www.w3.org/2000/svg">
        <title>{{title}}</title>{{#bars}}<rect x="{{x}}" y="{{y}}" width="{{w}}" height="{{h}}" class="s{{series}}"><title>{{label}}: {{value}}</title></rect>{{/bars}}
        {{#ticks}}<text x="{{x}}" y="{{y}}" class="tick">{{text}}</text>{{/ticks}}</svg>
        """

    static let reports = """
        {{> header}}
        <h1>Reports</h1>
        <form class="filters" method="get" action="/reports"><label>From <input type="date" name="from" value="{{from}}"></label>
        <label>To <input type="date" name="to" value="{{to}}"></label><button type="submit">Show</button></form>
        {{#sections}}<section class="report" id="{{id}}"><h2>{{title}}</h2>
        {{#chart}}{{> chart}}{{/chart}}
        {{#hasLegend}}<p class="legend">{{#legend}}<span class="key s{{series}}">{{name}}</span> {{/legend}}</p>{{/hasLegend}}
        <table><thead><tr>{{#columns}}<th>{{.}}</th>{{/columns}}</tr></thead><tbody>{{#rows}}<tr{{#flag}} class="flag"{{/flag}}>{{#cells}}<td>{{.}}</td>{{/cells}}</tr>{{/rows}}</tbody></table>
        <p><a class="csv" href="/reports/{{id}}/csv?from={{from}}&amp;to={{to}}">Download CSV</a>{{#more}} · <a href="{{more}}">Filter and see every row</a>{{/more}}</p></section>{{/sections}}
        {{> footer}}
        """

    static let integrity = """
        {{> header}}
        <h1>Integrity</h1>
        <dl class="facts"><dt>Log size</dt><dd>{{treeSize}} records</dd><dt>Messages</dt><dd>{{messages}}</dd>
        <dt>Last checkpoint</dt><dd><time>{{checkpointTime}}</time> · root <code>{{root}}</code></dd>
        <dt>Signing key</dt><dd><code>{{publicKey}}</code></dd></dl>
        <h2>Last verification</h2>
        {{#last}}<p class="verify {{resultClass}}">{{result}}</p><p>Started by {{startedBy}} at <time>{{startedAt}}</time>{{#finishedAt}}, finished <time>{{finishedAt}}</time>{{/finishedAt}}.</p>
        {{#hasProblems}}<ul class="problems">{{#problems}}<li>{{.}}</li>{{/problems}}</ul>{{/hasProblems}}{{/last}}
        {{^last}}<p>No verification has been started from the console since the server started.</p>{{/last}}
        {{#canVerify}}<form method="post" action="/integrity/verify"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Verify the whole archive now</button></form>{{/canVerify}}
        {{> footer}}
        """

    static let audit = """
        {{> header}}
        <h1>Access trail</h1>
        <form class="filters" method="get" action="/audit"><label>User <input name="actor" value="{{actor}}"></label>
        <label>Action <input name="action" value="{{action}}" placeholder="e.g. console.search"></label><button type="submit">Filter</button></form>
        <table class="audit"><thead><tr><th>#</th><th>Time</th><th>User</th><th>Action</th><th>Details</th></tr></thead><tbody>
        {{#events}}<tr><td>{{id}}</td><td><time>{{time}}</time></td><td>{{actor}}</td><td>{{action}}</td><td><code>{{detail}}</code></td></tr>{{/events}}</tbody></table>
        <nav class="pager">{{#next}}<a rel="next" href="{{next}}">Older →</a>{{/next}}</nav>
        {{> footer}}
        """

    static let users = """
        {{> header}}
        <h1>Users and roles</h1>
        <table><thead><tr><th>User</th><th>Role</th><th>Groups</th><th>State</th></tr></thead><tbody>
        {{#users}}<tr><td>{{name}}</td><td>{{role}}</td><td>{{groups}}</td><td>{{state}}</td></tr>{{/users}}</tbody></table>
        <h2>Add or change a user</h2>
        <form method="post" action="/admin/users" class="act"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>User <input name="name" required maxlength="64"></label>
        <label>Role <select name="role">{{#roles}}<option>{{.}}</option>{{/roles}}</select></label>
        <label>Groups (reviewers) <input name="groups" placeholder="comma-separated"></label>
        <label>Password <input name="password" type="password" minlength="12" autocomplete="new-password"></label>
        <label><input type="checkbox" name="disabled" value="1"> disabled</label>
        <button type="submit">Save</button></form>
        <h2>API tokens</h2>
        <table><thead><tr><th>Name</th><th>Role</th><th>Source</th><th>Created by</th><th></th></tr></thead><tbody>
        {{#tokens}}<tr><td>{{name}}</td><td>{{role}}</td><td>{{source}}</td><td>{{createdBy}}</td>
        <td><form method="post" action="/admin/tokens/{{name}}/revoke"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="danger">Revoke</button></form></td></tr>{{/tokens}}</tbody></table>
        {{#newToken}}<p class="notice">New token (shown once): <code>{{newToken}}</code></p>{{/newToken}}
        <form method="post" action="/admin/tokens" class="act"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Name <input name="name" required maxlength="64"></label>
        <label>Role <select name="role"><option>ingest</option><option>auditor</option><option>officer</option></select></label>
        <label>Source (ingest) <input name="source"></label><button type="submit">Create token</button></form>
        {{> footer}}
        """

    static let policy = """
        {{> header}}
        <h1>Policy</h1>
        <p>Active version <code>{{version}}</code> · {{rules}} IM-use rules</p>
        <details open><summary>policy.yaml</summary><pre class="policy">{{text}}</pre></details>
        {{#canChange}}<h2>Upload a new version</h2>
        <form method="post" action="/admin/policy" class="act"><input type="hidden" name="csrf" value="{{csrf}}">
        <textarea name="policy" rows="16" cols="100" required>{{draft}}</textarea>
        <button type="submit" name="step" value="check">Validate</button>
        {{#canBacktest}}<button type="submit" formaction="/admin/policy/backtest">Validate and backtest</button>{{/canBacktest}}
        {{#checked}}<button type="submit" name="step" value="activate" class="danger">Activate this version</button>{{/checked}}</form>{{/canChange}}
        {{#problem}}<p class="error">{{problem}}</p>{{/problem}}
        {{#backtest}}<h2>Backtest over the last {{messages}} messages</h2>
        <table><thead><tr><th>Rule</th><th>Alerts now</th><th>With the new version</th><th>Change</th></tr></thead><tbody>
        {{#rows}}<tr><td>{{rule}}</td><td>{{before}}</td><td>{{after}}</td><td>{{change}}</td></tr>{{/rows}}</tbody></table>{{/backtest}}
        {{> footer}}
        """

    static let sources = """
        {{> header}}
        <h1>Sources</h1>
        <table class="sources"><thead><tr><th>Source</th><th>Kind</th><th>Status</th><th>Last message</th><th>Last poll</th><th>Stored</th><th>Duplicates</th><th>Gaps</th><th>Last error</th></tr></thead><tbody>
        {{#sources}}<tr class="{{status}}"><td>{{name}}</td><td>{{kind}}</td><td>{{status}}</td><td><time>{{lastMessage}}</time></td><td><time>{{lastPoll}}</time></td><td>{{stored}}</td><td>{{duplicates}}</td><td>{{gaps}}</td><td>{{lastError}}</td></tr>{{/sources}}
        </tbody></table>
        {{^sources}}<p>No live sources have reported yet. Configure them under "sources" in the vault's config.json.</p>{{/sources}}
        {{> footer}}
        """
}
