#!/usr/bin/env python3
"""End-to-end test of the ChatVault console in real headless Chromium.

Builds a fresh demo vault (`chatvault demo --no-serve`), imports a JSONL file of hostile
messages, starts `chatvault serve` on a free loopback port and drives Chromium through
the console as the demo's officer, reviewer, auditor and admin:

  * sign in, search, check the result count and the highlighted snippets;
  * open a conversation from a hit and find the focused message;
  * check that hostile text (script tags, onerror/onload attributes, javascript: links,
    in bodies, a display name and a file name) renders as literal text and runs nothing;
  * review queue scoping (the reviewer sees only the trading group's alerts), open an
    alert, close it with a coaching note, check the alert's history;
  * download a report CSV through the browser and check its header row;
  * check the access trail lists the search, the conversation open and the close;
  * take a full-page screenshot of each page into docs/screenshots/.

Usage: browser_test.py [--bin PATH] [--screenshots DIR] [--keep]
Exits 0 when every check passed; otherwise prints "FAIL: ..." and exits 1.
Needs: selenium 4 (scripts/web/setup.sh puts it in a venv), /usr/bin/chromium and
/usr/bin/chromedriver (Debian chromium, chromium-driver).
"""

import argparse
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "chatvault-demo"
NONCE = str(int(time.time()))

# The hostile fixture: one conversation whose sender's display name and an attachment's
# file name carry markup, and whose bodies try script, event handlers and a javascript:
# URL. Every body holds the word "quokka" so one search finds them all.
SVG = '"><svg onload=window.__pwned=4>'
HOSTILE_BODIES = [
    "quokka <script>window.__pwned=1</script>",
    'quokka <img src=x onerror="window.__pwned=2">',
    "quokka see javascript:window.__pwned=3 for details",
    "quokka <a href=\"javascript:window.__pwned=5\">click</a> <b onmouseover=alert(6)>x</b>",
    "quokka report attached " + SVG,
]
# A message that raises a policy alert (secrecy rule) about someone outside the
# reviewer's group: the reviewer must not see it.
OUTSIDER_ALERT_BODY = "Please delete after reading, it is about the red team."
HOSTILE_SENDER = {"id": "mallory@northbank.example", "name": SVG + " Mallory"}


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def log(message):
    print(f"[browser-test] {message}", flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(binary, *args):
    result = subprocess.run([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    if result.returncode != 0:
        raise Failure(f"`chatvault {' '.join(args)}` exited {result.returncode}:\n{result.stdout}")
    return result.stdout


def hostile_jsonl(path):
    lines = []
    base = 1709460000
    for i, body in enumerate(HOSTILE_BODIES + [OUTSIDER_ALERT_BODY]):
        line = {
            "platform": "slack",
            "conversation": "C99REDTEAM",
            "conversation_name": "#red-team",
            "conversation_kind": "channel",
            "id": f"red-{i + 1}",
            "sender": HOSTILE_SENDER,
            "sent_at": base + 60 * i,
            "text": body,
        }
        if i == 4:
            line["attachments"] = [{"name": SVG + ".pdf", "size": 1234, "media_type": "application/pdf"}]
        lines.append(json.dumps(line))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def gone(element):
    """Whether the element no longer belongs to the page (the browser navigated away).

    Chromium reports this either as a stale element or, while the old document is being
    torn down, as "Node with given id does not belong to the document".
    """
    try:
        element.is_enabled()
        return False
    except WebDriverException:
        return True


def wait_http(url, seconds=90):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise Failure(f"the server did not answer {url} within {seconds} s")


class Console:
    def __init__(self, base, downloads, shots):
        self.base = base
        self.shots = shots
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for argument in [
            "--headless=new",
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--window-size=1280,900",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--no-first-run",
            "--disable-extensions",
        ]:
            options.add_argument(argument)
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": downloads,
                "download.prompt_for_download": False,
                "safebrowsing.enabled": False,
            },
        )
        # Leave dialogs open so that check_no_dialog() can see one.
        options.set_capability("unhandledPromptBehavior", "ignore")
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(120)
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})

    def get(self, path):
        self.driver.get(self.base + path)
        self.check_no_dialog()

    def click(self, element):
        """Clicks something that loads a new page, and waits for that page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(self.driver, 60).until(lambda _: gone(old))
        WebDriverWait(self.driver, 60).until(lambda d: d.execute_script("return document.readyState") == "complete")
        self.check_no_dialog()

    def css(self, selector):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector):
        found = self.css(selector)
        check(found, f"{self.path()}: no element matches {selector!r}")
        return found[0]

    def path(self):
        return self.driver.current_url.removeprefix(self.base)

    def check_no_dialog(self):
        try:
            alert = self.driver.switch_to.alert
            text = alert.text
            alert.dismiss()
            raise Failure(f"{self.path()}: a JavaScript dialog opened: {text!r}")
        except NoAlertPresentException:
            pass

    def check_not_pwned(self):
        value = self.driver.execute_script("return typeof window.__pwned === 'undefined' ? null : String(window.__pwned)")
        check(value is None, f"{self.path()}: hostile script ran (window.__pwned = {value})")
        self.check_no_dialog()

    def login(self, user):
        self.driver.delete_all_cookies()
        self.get("/login")
        self.one("input[name=user]").send_keys(user)
        self.one("input[name=password]").send_keys(PASSWORD)
        self.click(self.one("section.login button[type=submit]"))
        who = self.one("header .who").text
        check(who.startswith(user + " · "), f"after signing in as {user}, the header says {who!r}")

    def logout(self):
        self.click(self.one("form.signout button"))
        check(self.path().startswith("/login"), f"signing out led to {self.path()}, not /login: {self.page_text()!r}")

    def screenshot(self, name):
        if not self.shots:
            return
        metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        height = min(int(size["height"]) + 1, 3000)
        data = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1},
            },
        )["data"]
        path = os.path.join(self.shots, name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        if shutil.which("pngquant"):  # a palette of 128 colours keeps the PNGs small
            subprocess.run(["pngquant", "--force", "--skip-if-larger", "--ext", ".png", "128", path], check=False)

    def page_text(self):
        return self.driver.execute_script("return document.body ? document.body.innerText : ''")[:400]

    def text(self, selector):
        return "\n".join(e.text for e in self.css(selector))

    def quit(self):
        self.driver.quit()


def count_of(text):
    """'1–7 of 7 messages' -> (first, last, total)."""
    m = re.fullmatch(r"(\d+)–(\d+) of (\d+) messages", text.strip())
    check(m, f"unexpected result count text {text!r}")
    return tuple(int(g) for g in m.groups())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.environ.get("CHATVAULT_BIN", os.path.join(ROOT, ".build/debug/chatvault")))
    parser.add_argument("--screenshots", default=os.path.join(ROOT, "docs/screenshots"), help="'' to take none")
    parser.add_argument("--keep", action="store_true", help="keep the temporary vault")
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    check(os.access(binary, os.X_OK), f"no chatvault binary at {binary} (build it, or set CHATVAULT_BIN / --bin)")
    shots = os.path.abspath(args.screenshots) if args.screenshots else ""
    if shots:
        os.makedirs(shots, exist_ok=True)

    started = time.time()
    work = tempfile.mkdtemp(prefix="chatvault-browser-")
    vault = os.path.join(work, "vault")
    downloads = os.path.join(work, "downloads")
    os.makedirs(downloads)
    server = None
    console = None
    try:
        run(binary, "demo", "--vault", vault, "--no-serve")
        fixture = os.path.join(work, "hostile.jsonl")
        hostile_jsonl(fixture)
        out = run(binary, "import", "--vault", vault, fixture)
        log("imported the hostile fixture: " + out.strip().splitlines()[-1])

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = open(os.path.join(work, "server.log"), "w")
        server = subprocess.Popen(
            [binary, "serve", "--vault", vault, "--host", "127.0.0.1", "--port", str(port), "--no-capture"],
            stdout=server_log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        wait_http(base + "/api/v1/health")
        log(f"server on {base} (vault {vault})")

        console = Console(base, downloads, shots)
        c = console

        # ---- Sign-in page, and an officer session.
        c.get("/search")
        check(c.path().startswith("/login"), f"/search without a session went to {c.path()}, not the sign-in page")
        c.screenshot("login")
        c.login("officer")
        check(c.path().startswith("/search"), f"the officer's home is {c.path()}, expected /search")

        # ---- Search with highlighted snippets.
        box = c.one("form.search input[name=q]")
        box.clear()
        box.send_keys("guaranteed")
        c.click(c.one("form.search button[type=submit]"))
        check("q=guaranteed" in c.path(), f"the search form went to {c.path()}")
        first, last, total = count_of(c.one("#result-count").text)
        hits = c.css("ol.hits li.hit")
        check(first == 1 and last == len(hits) == total, f"count says {first}–{last} of {total}, page shows {len(hits)} hits")
        check(total >= 2, f"expected at least 2 demo messages with 'guaranteed', found {total}")
        guaranteed_total = total
        for hit in hits:
            marks = [m.text.lower() for m in hit.find_elements(By.CSS_SELECTOR, "p.snippet mark")]
            check(marks and all("guarantee" in m for m in marks), f"snippet highlights {marks}, expected 'guaranteed'")
        log(f"search 'guaranteed': {total} hits, every snippet highlights the word")
        c.screenshot("search")

        # ---- Open a conversation from a hit: the focused message is the hit.
        link = hits[0].find_element(By.CSS_SELECTOR, "a.open")
        href = link.get_attribute("href")
        m = re.search(r"/conversations/(\d+)\?message=(\d+)", href)
        check(m, f"hit link {href!r} is not a conversation link")
        conversation_id, message_id = m.groups()
        c.click(link)
        check(c.path().startswith(f"/conversations/{conversation_id}"), f"the hit opened {c.path()}")
        focus = c.css("ol.transcript li.msg.focus")
        check(len(focus) == 1, f"expected one focused message, found {len(focus)}")
        check(focus[0].get_attribute("id") == f"m{message_id}", f"focused message is {focus[0].get_attribute('id')}, expected m{message_id}")
        check("guaranteed" in focus[0].text.lower(), f"the focused message does not say 'guaranteed': {focus[0].text!r}")
        empty_tags = c.driver.execute_script(
            "return Array.from(document.querySelectorAll('ol.transcript .tag'))"
            ".filter(function (t) { return !t.textContent.trim(); }).length;"
        )
        check(empty_tags == 0, f"the transcript has {empty_tags} empty tags")
        check(focus[0].is_displayed(), "the focused message is not displayed")
        # The policy's matches are marked inline, not drawn as boxes.
        marks = c.driver.execute_script(
            "return Array.from(document.querySelectorAll('ol.transcript mark.hit')).map(function (m) {"
            " var s = getComputedStyle(m); return [s.display, s.borderTopWidth, s.paddingTop]; });"
        )
        check(marks, "the focused conversation marks no policy match")
        check(all(m == ["inline", "0px", "0px"] for m in marks), f"policy matches are not inline marks: {marks}")
        log(f"conversation {conversation_id} opened on message {message_id}")
        c.screenshot("conversation")

        # ---- Hostile content: in search results and in the transcript, literal text only.
        c.get("/search?q=quokka")
        first, last, total = count_of(c.one("#result-count").text)
        check(total == len(HOSTILE_BODIES), f"search 'quokka' found {total}, expected {len(HOSTILE_BODIES)} hostile messages")
        check(not c.css("ol.hits script, ol.hits img, ol.hits svg, ol.hits iframe, ol.hits [onerror], ol.hits [onload]"),
              "markup from a message became an element in the search results")
        snippets = c.text("ol.hits p.snippet")
        for needle in ["<script>", "onerror=", "javascript:window.__pwned=3"]:
            check(needle in snippets, f"search results do not show the literal text {needle!r}")
        c.check_not_pwned()
        hostile_link = c.one("ol.hits li.hit a.open").get_attribute("href")
        c.driver.get(hostile_link)
        time.sleep(0.3)  # let any (unwanted) handler fire
        c.check_not_pwned()
        bodies = [e.text for e in c.css("ol.transcript li.msg p.body")]
        for body in HOSTILE_BODIES:
            check(body in bodies, f"the transcript does not show the literal text {body!r}; it shows {bodies!r}")
        for element in c.css("ol.transcript li.msg p.body"):
            check(element.is_displayed(), "a hostile message body is not visible")
        dangerous = c.driver.execute_script(
            "var t = document.querySelector('ol.transcript');"
            "return Array.from(t.querySelectorAll('script, img, svg, iframe, object, embed, [onerror], [onload], [onmouseover]'))"
            ".map(function (e) { return e.outerHTML; });"
        )
        check(not dangerous, f"markup from messages became elements in the transcript: {dangerous}")
        js_links = c.driver.execute_script(
            "return Array.from(document.querySelectorAll('a')).map(function (a) { return a.getAttribute('href') || ''; })"
            ".filter(function (h) { return /^\\s*javascript:/i.test(h); });"
        )
        check(not js_links, f"the page has javascript: links: {js_links}")
        scripts = c.driver.execute_script(
            "return Array.from(document.scripts).map(function (s) { return s.getAttribute('src') || 'inline'; });"
        )
        check(scripts == ["/static/console.js"], f"the page has scripts other than /static/console.js: {scripts}")
        participants = c.text("p.participants")
        check(SVG + " Mallory" in participants, f"the hostile display name is not shown literally: {participants!r}")
        senders = c.text("ol.transcript .sender")
        check(SVG in senders, "the hostile display name is not shown literally on the messages")
        attachments = c.text("ol.transcript ul.attachments")
        links = [a.get_attribute("href") for a in c.css("ol.transcript ul.attachments a")]
        check(all(re.search(r"/attachments/[0-9a-f]{64}$", h) for h in links), f"attachment links without a hash: {links}")
        check(SVG + ".pdf" in attachments, f"the hostile file name is not shown literally: {attachments!r}")
        log("hostile messages render as literal text; nothing ran, no dialog, no injected elements")

        # ---- Legal hold and export (officer).
        c.get("/cases")
        hold_name = f"Acme matter {NONCE}"
        form = c.one("form[action='/holds']")
        form.find_element(By.CSS_SELECTOR, "input[name=name]").send_keys(hold_name)
        for option in form.find_elements(By.CSS_SELECTOR, "select[name=kind] option"):
            if option.text == "person":
                option.click()
        form.find_element(By.CSS_SELECTOR, "input[name=value]").send_keys("dan.okafor@northbank.example")
        c.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        check(c.path() == "/cases", f"placing a hold went to {c.path()}: {c.page_text()!r}")
        holds = [r.text for r in c.css("table.holds tbody tr") if hold_name in r.text]
        check(len(holds) == 1 and "active" in holds[0], f"the new hold is not listed as active: {holds}")
        check("release proposed" not in holds[0] and "Propose release" in holds[0],
              f"a new hold must offer 'Propose release', not a confirmation: {holds[0]!r}")
        form = c.one("form[action='/exports']")
        form.find_element(By.CSS_SELECTOR, "input[name=q]").send_keys("guaranteed")
        form.find_element(By.CSS_SELECTOR, "input[name=description]").send_keys(hold_name)
        c.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        exports = [r for r in c.css("table.exports tbody tr") if "guaranteed" in r.text]
        check(
            len(exports) == 1 and f"{guaranteed_total} in " in exports[0].text,
            f"the export of 'guaranteed' ({guaranteed_total} messages) is not listed: {[r.text for r in exports]}",
        )
        check(exports[0].find_elements(By.CSS_SELECTOR, "a[href$='/zip']"), "the export has no ZIP link")
        log(f"hold {hold_name!r} placed; export of 'guaranteed' listed: {exports[0].text!r}")
        c.screenshot("cases")

        # ---- Review queue as the officer: all alerts, including the outsider's.
        c.get("/alerts")
        officer_total = int(re.match(r"(\d+) alerts", c.one("p.count").text).group(1))
        rows = c.css("table.queue tbody tr")
        check(officer_total == len(rows) and officer_total >= 2, f"officer queue: count {officer_total}, {len(rows)} rows")
        outsider = [r for r in rows if "slack:C99REDTEAM" in r.text]
        check(len(outsider) == 1, f"expected one alert in slack:C99REDTEAM in the officer's queue, found {len(outsider)}")
        outsider_id = outsider[0].find_element(By.CSS_SELECTOR, "td a").text
        c.screenshot("review-queue")
        c.logout()

        # ---- Reviewer (group "trading"): sees only the trading group's alerts.
        c.login("reviewer")
        check(c.path().startswith("/alerts"), f"the reviewer's home is {c.path()}, expected /alerts")
        reviewer_total = int(re.match(r"(\d+) alerts", c.one("p.count").text).group(1))
        rows = c.css("table.queue tbody tr")
        ids = [r.find_element(By.CSS_SELECTOR, "td a").text for r in rows]
        check(reviewer_total == officer_total - 1, f"reviewer sees {reviewer_total} alerts, officer {officer_total}: expected one fewer")
        check(outsider_id not in ids, f"the reviewer's queue lists alert {outsider_id} about someone outside the trading group")
        nav = [a.text for a in c.css("header nav a")]
        check(nav == ["Review"], f"the reviewer's navigation is {nav}, expected only Review")
        c.get(f"/alerts/{outsider_id}")
        check(c.one("main h1").text == "404", f"the reviewer opened the outsider's alert {outsider_id}: {c.one('main h1').text!r}")
        c.get("/search?q=guaranteed")
        check(c.one("main h1").text == "403", f"the reviewer could use search: {c.one('main h1').text!r}")

        # ---- Open an alert, close it with a coaching note, check the history.
        c.get("/alerts")
        rows = c.css("table.queue tbody tr")
        row = next((r for r in rows if "guarantees" in r.text), rows[0])
        target = row.find_element(By.CSS_SELECTOR, "td a")
        alert_id = target.text
        c.click(target)
        check(c.path() == f"/alerts/{alert_id}", f"opening alert {alert_id} went to {c.path()}")
        check(c.css("ol.transcript li.msg.focus"), "the alert page shows no focused message in context")
        meta = c.one("main p.meta").text
        check(not meta.rstrip().endswith("assigned to"), f"an unassigned alert says {meta!r}")
        note = f"Returns may never be promised to a client (browser test {NONCE})."
        form = c.one("form#close-form")
        for option in form.find_elements(By.CSS_SELECTOR, "select[name=reason] option"):
            if option.text == "coached":
                option.click()
        form.find_element(By.CSS_SELECTOR, "textarea[name=note]").send_keys(note)
        employee = form.find_element(By.CSS_SELECTOR, "input[name=employee]").get_attribute("value")
        c.click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        check(c.path() == f"/alerts/{alert_id}", f"closing went to {c.path()}")
        meta = c.one("main p.meta").text
        check(" closed " in f" {meta} ", f"after closing, the alert says {meta!r}")
        history = [li.text for li in c.css("ol.history li")]
        closes = [h for h in history if " reviewer close " in f" {h} " and "reason: coached" in h]
        coaching = [h for h in history if " reviewer coach " in f" {h} " and note in h and (employee in h)]
        check(closes, f"the history shows no close by reviewer with reason 'coached': {history}")
        check(coaching, f"the history shows no coaching note by reviewer: {history}")
        log(f"alert {alert_id} closed with a coaching note to {employee}; history: {len(history)} entries")
        c.screenshot("alert")
        c.logout()

        # ---- Auditor: reports and CSV download, integrity, the access trail.
        c.login("auditor")
        # The demo's messages are from March 2024; the default range (30 days) would be empty.
        c.get("/reports?from=2024-02-26&to=2024-03-08")
        sections = c.css("section.report")
        check(len(sections) >= 5, f"the reports page has {len(sections)} reports")
        c.screenshot("reports")
        csv_link = c.one("section.report a.csv")
        csv_href = csv_link.get_attribute("href")
        csv_link.click()
        deadline = time.time() + 60
        files = []
        while time.time() < deadline:
            files = [f for f in os.listdir(downloads) if not f.endswith(".crdownload")]
            if files:
                break
            time.sleep(0.2)
        check(files, f"no CSV was downloaded from {csv_href} (browser is on {c.path()}: {c.one('main').text[:200]!r})")
        with open(os.path.join(downloads, files[0]), encoding="utf-8") as f:
            lines = f.read().splitlines()
        header = lines[0].strip() if lines else ""
        totals = [int(line.rsplit(",", 1)[-1]) for line in lines[1:] if line.rsplit(",", 1)[-1].isdigit()]
        check(len(lines) == 13 and sum(totals) > 0, f"the volume CSV for 12 days has {len(lines)} lines, totals {totals}")
        check(files[0].endswith(".csv") and header and "," in header, f"downloaded {files[0]} with header {header!r}")
        columns = [h.text for h in sections[0].find_elements(By.CSS_SELECTOR, "thead th")]
        check(header.split(",") == columns, f"CSV header {header!r} differs from the table's columns {columns}")
        log(f"downloaded {files[0]}: header {header!r}, {len(lines) - 1} days, {sum(totals)} messages")

        c.get("/integrity")
        check(c.one("main h1").text == "Integrity", "no integrity page")
        c.screenshot("integrity")

        c.get("/audit")
        check(c.one("main h1").text == "Access trail", "no access trail page")
        c.screenshot("access-trail")
        wanted = [
            ("officer", "console.search", '"q":"guaranteed"'),
            ("officer", "console.conversation.open", f'"conversation_id":{conversation_id}'),
            ("reviewer", "alert.close", '"reason":"coached"'),
            ("reviewer", "alert.coach", note),
            ("officer", "console.hold.create", hold_name),
        ]
        for actor, action, detail in wanted:
            c.get(f"/audit?actor={actor}&action={action}")
            rows = [r.text for r in c.css("table.audit tbody tr")]
            found = [r for r in rows if action in r and detail in r]
            check(found, f"the access trail has no {action} by {actor} with {detail}: {rows[:5]}")
        log("the access trail lists the search, the conversation open, the close and the coaching note")
        c.logout()

        # ---- Admin: users, policy, sources.
        c.login("admin")
        check(c.path().startswith("/admin/users"), f"the admin's home is {c.path()}")
        users = c.text("main table")
        for name in ["officer", "auditor", "reviewer", "admin"]:
            check(name in users, f"the users page does not list {name}")
        c.screenshot("users")
        c.get("/admin/policy")
        check("guarantees" in c.text("pre.policy"), "the policy page does not show the policy")
        c.screenshot("policy")
        c.get("/admin/sources")
        check(c.one("main h1").text == "Sources", "no sources page")
        c.screenshot("sources")
        c.get("/search?q=guaranteed")
        check(c.one("main h1").text == "403", f"the admin could use search: {c.one('main h1').text!r}")
        c.check_not_pwned()

        console.quit()
        console = None
        print(f"browser test: all checks passed in {time.time() - started:.1f} s"
              + (f"; screenshots in {shots}" if shots else ""))
        return 0
    except Failure as failure:
        print(f"FAIL: {failure}", file=sys.stderr)
        server_log_path = os.path.join(work, "server.log")
        if os.path.exists(server_log_path):
            with open(server_log_path, errors="replace") as f:
                tail = f.read()[-3000:]
            if tail.strip():
                print("server log (tail):\n" + tail, file=sys.stderr)
        return 1
    finally:
        if console is not None:
            try:
                console.quit()
            except Exception:
                pass
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
