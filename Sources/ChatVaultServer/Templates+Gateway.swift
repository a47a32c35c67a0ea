extension Templates {
    /// `/reports/notices`: who was shown the archive notice, and who was not.
    static let notices = """
        {{> header}}
        <h1>Archive notices</h1>
        <p>Each row is one participant of one conversation: shown the archive notice (recorded in the archive by a gateway), or seen in the conversation and never shown it.</p>
        <form class="filters" method="get" action="/reports/notices"><label>Platform <input name="platform" value="{{platform}}" maxlength="64"></label>
        <label>Person <input name="person" value="{{person}}" maxlength="256" placeholder="handle, name or directory person"></label>
        <label>Shown from <input type="date" name="from" value="{{from}}"></label><label>to <input type="date" name="to" value="{{to}}"></label>
        <label><input type="checkbox" name="missing" value="false"{{#hideMissing}} checked{{/hideMissing}}> only those shown it</label>
        <button type="submit">Show</button></form>
        <p class="count">{{received}} shown the notice · {{missingCount}} not shown it</p>
        <table class="notices"><thead><tr><th>Status</th><th>Platform</th><th>Conversation</th><th>Participant</th><th>Shown at</th><th>Via</th></tr></thead><tbody>
        {{#rows}}<tr{{#missing}} class="flag"{{/missing}}><td>{{status}}</td><td>{{platform}}</td><td>{{conversationName}} <code>{{conversation}}</code></td>
        <td>{{name}} <code>{{participant}}</code></td><td><time>{{at}}</time></td><td>{{via}}</td></tr>{{/rows}}
        </tbody></table>
        {{#truncated}}<p>The first {{limit}} rows are shown; the CSV has them all.</p>{{/truncated}}
        <p><a class="csv" href="{{csv}}">Download CSV</a></p>
        {{> footer}}
        """

    /// `/admin/gateways`: each gateway token's last call, decisions and fail mode.
    static let gateways = """
        {{> header}}
        <h1>Gateways</h1>
        <p>Chat-server modules that ask ChatVault before delivering a message. Seen by this server process since it started; a gateway silent for {{quietMinutes}} minutes is shown as not heard from.</p>
        <table class="gateways"><thead><tr><th>Token</th><th>Platforms</th><th>State</th><th>Last call</th><th>Fail mode</th><th>Decisions/s (last minute)</th><th>Decisions/s (last hour)</th><th>Calls</th><th>Failed calls</th><th>Notices recorded</th></tr></thead><tbody>
        {{#gateways}}<tr{{^reachable}} class="down"{{/reachable}}><td>{{name}}{{#pending}} (awaiting approval){{/pending}}</td><td>{{platforms}}</td><td>{{state}}</td>
        <td><time>{{lastCall}}</time> {{ago}} <code>{{lastPath}}</code> {{lastStatus}} {{address}}</td><td>{{failMode}}{{#failOpen}} (messages pass unchecked when ChatVault is down){{/failOpen}}</td>
        <td>{{minute}} ({{minuteCount}})</td><td>{{hour}} ({{hourCount}})</td><td>{{calls}}</td><td>{{failures}}</td><td>{{notices}}</td></tr>{{/gateways}}
        </tbody></table>
        {{^gateways}}<p>No gateway tokens. Create one with <code>chatvault token NAME --role gateway --platform matrix</code>; see docs/GATEWAY.md.</p>{{/gateways}}
        {{> footer}}
        """
}
