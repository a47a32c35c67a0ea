/// The console's style sheet and script, served from /static (the Content-Security-Policy
/// allows no inline script or style).
enum Assets {
    static let css = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d9dee7; --bg: #f6f7f9; --accent: #1f5fbf; --bad: #b42318; --ok: #1a7f37; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
        header.top { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; background: #14213d; color: #fff; }
        header.top a { color: #dbe4ff; text-decoration: none; } header.top a.active, header.top a:hover { color: #fff; text-decoration: underline; }
        .brand { font-weight: 700; letter-spacing: .02em; color: #fff !important; } nav a { margin-right: 1rem; }
        .signout { margin-left: auto; } .who { color: #c7d2fe; margin-right: .5rem; }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.2rem 3rem; } footer { text-align: center; color: var(--muted); font-size: 12px; padding: 1rem; }
        h1 { font-size: 1.5rem; margin: .5rem 0 1rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
        input, select, textarea, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
        button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; } button.danger { background: var(--bad); border-color: var(--bad); }
        form.search .q { width: 100%; font-size: 1.1rem; margin-bottom: .5rem; }
        fieldset { border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .6rem 1rem; background: #fff; }
        .filters label { display: inline-flex; gap: .3rem; align-items: center; }
        .count { color: var(--muted); } .notice { background: #eef4ff; padding: .6rem; border-radius: 4px; } .error { color: var(--bad); }
        ol.hits { list-style: none; padding: 0; } li.hit { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; margin: .5rem 0; }
        .meta { color: var(--muted); font-size: 13px; } .meta .sender { color: var(--ink); font-weight: 600; } .snippet { margin: .3rem 0 0; white-space: pre-wrap; }
        mark { background: #ffe58f; padding: 0 1px; } mark.hit { background: #ffd0cc; }
        .tag { display: inline-block; font-size: 11px; padding: 0 .4rem; border-radius: 8px; background: #e5e7eb; color: #374151; margin-left: .3rem; text-decoration: none; }
        .tag.ext { background: #fde68a; } .tag.alert { background: #fecaca; color: #7f1d1d; }
        ol.transcript { list-style: none; padding: 0; } .msg { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .8rem; margin: .4rem 0; }
        .msg.thread { margin-left: 2rem; } .msg.focus { outline: 3px solid var(--accent); } .msg.flagged { border-left: 4px solid var(--bad); }
        .msg.deleted .body { text-decoration: line-through; color: var(--muted); } .msg.join, .msg.leave, .msg.system { background: #f3f4f6; font-size: 13px; }
        .body { margin: .2rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        .redacted { background: #111827; color: #f9fafb; border-radius: 3px; padding: 0 .25rem; font-family: ui-monospace, monospace; font-size: 12px; }
        .attachments, .reactions { margin: .2rem 0; font-size: 13px; color: var(--muted); } .versions { font-size: 13px; color: var(--muted); }
        table { border-collapse: collapse; width: 100%; background: #fff; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        tr.flag td { background: #fff1f0; } td code { font-size: 12px; word-break: break-all; }
        .sev { font-weight: 600; } .sev.high, .sev.critical { color: var(--bad); }
        .actions form { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem; margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
        .actions label { display: flex; flex-direction: column; font-size: 13px; } .actions textarea { min-width: 24rem; min-height: 3rem; }
        .login { max-width: 22rem; margin: 3rem auto; background: #fff; padding: 1.5rem; border: 1px solid var(--line); border-radius: 8px; }
        .login label { display: block; margin: .6rem 0; } .login input { width: 100%; }
        svg.chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; max-width: 100%; height: auto; }
        .s0 { fill: #1f5fbf; } .s1 { fill: #e07a1f; } .s2 { fill: #2a9d8f; } .s3 { fill: #9b5de5; } .s4 { fill: #e63946; } .s5 { fill: #6c757d; }
        .key::before { content: "■ "; } .key.s0 { color: #1f5fbf; } .key.s1 { color: #e07a1f; } .key.s2 { color: #2a9d8f; } .key.s3 { color: #9b5de5; } .key.s4 { color: #e63946; } .key.s5 { color: #6c757d; }
        .tick { font-size: 10px; fill: var(--muted); } .verify.ok { color: var(--ok); font-weight: 600; } .verify.bad { color: var(--bad); font-weight: 600; }
        dl.facts { display: grid; grid-template-columns: 10rem 1fr; gap: .3rem 1rem; } dl.facts code { word-break: break-all; }
        pre.policy { background: #fff; border: 1px solid var(--line); padding: .8rem; overflow: auto; max-height: 24rem; }
        tr.down td { background: #fff1f0; }
        """

    static let javascript = """
        "use strict";
        // Progressive enhancement only: every page works without this script.
        document.addEventListener("DOMContentLoaded", function () {
          document.querySelectorAll("input.select-all").forEach(function (box) {
            box.addEventListener("change", function () {
              document.querySelectorAll("form#bulk input[name=id]").forEach(function (item) { item.checked = box.checked; });
            });
          });
          var focus = document.querySelector(".msg.focus");
          if (focus) { focus.scrollIntoView({ block: "center" }); }
        });
        """
}
