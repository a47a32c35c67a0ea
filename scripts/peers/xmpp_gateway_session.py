#!/usr/bin/env python3
"""Plays a scripted conversation between several users of a loopback XMPP server and prints
everything each of them received, as the live tests of the Prosody gateway need it.

  $PEERS_DIR/venv/bin/python xmpp_gateway_session.py --port 15242 --cafile CA.pem --steps steps.json

steps.json is a JSON list run in order; each step is one of
  {"as": "alice", "chat": "bob@localhost", "body": "TEXT", "id": "ID"}        a 1:1 chat message
      optional "lang_body": a second <body xml:lang='de'>, "xhtml": an XHTML-IM copy with this text,
      "replaces": ID (an XEP-0308 correction of ID), "retracts": ID (an XEP-0424 retraction of ID)
  {"as": "alice", "groupchat": "room@conference.localhost", "body": "TEXT", "id": "ID"}
  {"as": "alice", "join": "room@conference.localhost", "nick": "alice"}      joins a room
  {"sleep": SECONDS}
A user logs in (password <user>pass) the first time a step names it, or when listed in
--users. After each message its sender pings the server: the server has handled the message
(and any ChatVault call) before the next step starts. At the end every user pings, then the
script waits --settle seconds for stanzas in flight.

Prints one JSON object: {"received": {USER: [MESSAGE...]}, "joins": [{"as", "room", "ok", "error"}]}
where MESSAGE is {"from", "to", "type", "id", "body", "bodies": [every body], "html": XHTML-IM text | null,
"error": {"type", "condition", "text"} | null}.
Exits 1 when a login fails, 2 on a bad step.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys

from xml.etree import ElementTree as ET

import slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

PEERS_DIR = os.path.abspath(os.environ.get("PEERS_DIR") or "/tmp/chatvault-peers")
STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


class User(slixmpp.ClientXMPP):
    def __init__(self, jid, password, cafile):
        super().__init__(jid, password)
        self.register_plugin("xep_0199")
        self.ssl_context = ssl.create_default_context(cafile=cafile)
        self.ready = asyncio.Event()
        self.failed = asyncio.Event()
        self.received = []
        self.presences = []
        self.presence_changed = asyncio.Event()
        self.add_event_handler("session_start", self._start)
        self.add_event_handler("failed_auth", lambda _: self.failed.set())
        self.register_handler(Callback("every message", MatchXPath("{jabber:client}message"), self._message))
        self.register_handler(Callback("every presence", MatchXPath("{jabber:client}presence"), self._presence))

    async def _start(self, _):
        self.send_presence()
        self.ready.set()

    def _message(self, msg):
        xml = msg.xml
        body = xml.find("{jabber:client}body")
        bodies = [b.text or "" for b in xml.findall("{jabber:client}body")]
        html = xml.find("{http://jabber.org/protocol/xhtml-im}html")
        error = xml.find("{jabber:client}error")
        described = None
        if error is not None:
            condition = next((child.tag.split("}")[1] for child in error if child.tag.startswith("{" + STANZAS + "}")
                              and not child.tag.endswith("}text")), None)
            text = error.find("{%s}text" % STANZAS)
            described = {"type": error.get("type"), "condition": condition, "text": text.text if text is not None else None}
        self.received.append({"from": xml.get("from"), "to": xml.get("to"), "type": xml.get("type") or "normal",
                              "id": xml.get("id"), "body": body.text if body is not None else None, "bodies": bodies,
                              "html": "".join(html.itertext()) if html is not None else None, "error": described})

    def _presence(self, presence):
        self.presences.append(presence.xml)
        self.presence_changed.set()


async def login(users, name, a):
    if name in users:
        return users[name]
    jid = f"{name}@{a.domain}"
    user = User(jid + "/gw", name + "pass", a.cafile)
    user.connect(a.host, a.port)
    await asyncio.wait([asyncio.ensure_future(user.ready.wait()), asyncio.ensure_future(user.failed.wait())],
                       timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if not user.ready.is_set():
        raise RuntimeError(f"login as {jid} failed")
    users[name] = user
    return user


async def settle(user, domain):
    try:
        await user.plugin["xep_0199"].send_ping(slixmpp.JID(domain), timeout=10)
    except Exception:
        await asyncio.sleep(0.5)


async def join(user, room, nick):
    """Joins ROOM as NICK; (True, None) on the own presence, (False, error) on an error presence."""
    occupant = f"{room}/{nick}"
    user.presences.clear()
    presence = user.make_presence(pto=slixmpp.JID(occupant))
    presence.append(slixmpp.xmlstream.ET.fromstring("<x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x>"))
    presence.send()
    deadline = asyncio.get_event_loop().time() + 15
    while asyncio.get_event_loop().time() < deadline:
        for xml in user.presences:
            if xml.get("from") != occupant:
                continue
            if xml.get("type") == "error":
                error = xml.find("{jabber:client}error")
                text = error.find("{%s}text" % STANZAS) if error is not None else None
                return False, text.text if text is not None else "error"
            return True, None
        user.presence_changed.clear()
        try:
            await asyncio.wait_for(user.presence_changed.wait(), timeout=1)
        except asyncio.TimeoutError:
            pass
    return False, "timeout"


async def main(a):
    if a.steps == "-":
        steps = json.load(sys.stdin)
    else:
        with open(a.steps, encoding="utf-8") as file:
            steps = json.load(file)
    users = {}
    joins = []
    try:
        for name in filter(None, (a.users or "").split(",")):
            await login(users, name, a)
        for step in steps:
            if "sleep" in step:
                await asyncio.sleep(float(step["sleep"]))
                continue
            user = await login(users, step["as"], a)
            if "join" in step:
                ok, error = await join(user, step["join"], step.get("nick") or step["as"])
                joins.append({"as": step["as"], "room": step["join"], "ok": ok, "error": error})
                await settle(user, a.domain)
                continue
            if "chat" in step:
                to, mtype = step["chat"], "chat"
            elif "groupchat" in step:
                to, mtype = step["groupchat"], "groupchat"
            else:
                print(f"bad step {step!r}", file=sys.stderr)
                return 2
            msg = user.make_message(mto=slixmpp.JID(to), mbody=step["body"], mtype=mtype)
            msg["id"] = step.get("id") or os.urandom(8).hex()
            if "lang_body" in step:
                extra = ET.SubElement(msg.xml, "{jabber:client}body", {"{http://www.w3.org/XML/1998/namespace}lang": "de"})
                extra.text = step["lang_body"]
            if "replaces" in step:
                ET.SubElement(msg.xml, "{urn:xmpp:message-correct:0}replace", {"id": step["replaces"]})
            if "retracts" in step:
                ET.SubElement(msg.xml, "{urn:xmpp:message-retract:1}retract", {"id": step["retracts"]})
            if "xhtml" in step:
                html = ET.SubElement(msg.xml, "{http://jabber.org/protocol/xhtml-im}html")
                ET.SubElement(ET.SubElement(html, "{http://www.w3.org/1999/xhtml}body"), "{http://www.w3.org/1999/xhtml}p").text = step["xhtml"]
            msg.send()
            await settle(user, a.domain)
        for user in users.values():
            await settle(user, a.domain)
        await asyncio.sleep(a.settle)
    except RuntimeError as error:
        print(str(error), file=sys.stderr)
        return 1
    print(json.dumps({"received": {name: user.received for name, user in users.items()}, "joins": joins}))
    for user in users.values():
        user.disconnect()
    await asyncio.sleep(0.2)
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("PROSODY_GATEWAY_PORT") or 15242))
    p.add_argument("--domain", default="localhost")
    p.add_argument("--cafile", default=os.path.join(PEERS_DIR, "prosody-gateway", "certs", "ca.pem"))
    p.add_argument("--steps", default="-", help="the steps file (default: standard input)")
    p.add_argument("--users", help="comma-separated users to log in before the first step (so they receive)")
    p.add_argument("--settle", type=float, default=0.5, help="seconds to wait for stanzas in flight at the end")
    sys.exit(asyncio.run(main(p.parse_args())))
