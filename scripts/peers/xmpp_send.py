#!/usr/bin/env python3
"""Logs in to the loopback XMPP server as one user and sends messages, in the order given.

  $PEERS_DIR/venv/bin/python xmpp_send.py --user alice \
      --chat bob@localhost "hello bob" --room compliance@conference.localhost "hello room" \
      --correct "hello room (fixed)"

--chat JID TEXT    a 1:1 chat message
--room ROOM TEXT   a groupchat message (joins the room first as --nick, default the user name;
                   a room that does not exist yet is created persistent and unlocked)
--correct TEXT     an XEP-0308 correction of the previous message (same recipient)
--retract          an XEP-0424 retraction of the previous message (same recipient)

Prints one JSON line per message sent: {"to", "type", "id", "body", "replaces", "retracts"}. Exits 1 when
login or a room join fails. Defaults come from PEERS_DIR, PROSODY_PORT (the server's CA).
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
import uuid
import xml.etree.ElementTree as ET

import slixmpp

PEERS_DIR = os.path.abspath(os.environ.get("PEERS_DIR") or "/tmp/chatvault-peers")


class Append(argparse.Action):
    """Keeps --chat/--room/--correct in command-line order."""

    def __call__(self, parser, namespace, values, option_string=None):
        namespace.actions.append((self.dest, values))


class Sender(slixmpp.ClientXMPP):
    def __init__(self, jid, password, cafile):
        super().__init__(jid, password)
        for plugin in ("xep_0030", "xep_0045", "xep_0199", "xep_0308", "xep_0359"):
            self.register_plugin(plugin)
        self.ssl_context = ssl.create_default_context(cafile=cafile)
        self.ready = asyncio.Event()
        self.failed = asyncio.Event()
        self.add_event_handler("session_start", self._start)
        self.add_event_handler("failed_auth", lambda _: self.failed.set())

    async def _start(self, _):
        self.send_presence()
        self.ready.set()


async def join(client, room, nick):
    muc = client.plugin["xep_0045"]
    await muc.join_muc_wait(slixmpp.JID(room), nick, maxstanzas=0, timeout=10)
    try:  # a new room is locked until its owner submits a configuration
        form = await muc.get_room_config(slixmpp.JID(room))
        for field, value in (("muc#roomconfig_persistentroom", True), ("muc#roomconfig_whois", "anyone")):
            if field in form["fields"]:
                form["fields"][field]["value"] = value
        form["type"] = "submit"
        await muc.set_room_config(slixmpp.JID(room), form)
    except Exception:  # not the owner, or already configured
        pass


async def main(a):
    jid = a.user if "@" in a.user else f"{a.user}@{a.domain}"
    client = Sender(jid + "/send-" + uuid.uuid4().hex[:6], a.password or jid.split("@")[0] + "pass", a.cafile)
    client.connect(a.host, a.port)
    done, _ = await asyncio.wait(
        [asyncio.ensure_future(client.ready.wait()), asyncio.ensure_future(client.failed.wait())],
        timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if not client.ready.is_set():
        print(f"login as {jid} failed", file=sys.stderr)
        return 1
    joined = set()
    previous = None
    for kind, values in a.actions:
        retracts = None
        if kind in ("correct", "retract"):
            if previous is None:
                print(f"--{kind} needs a message before it", file=sys.stderr)
                return 2
            to, mtype = previous[0], previous[1]
            if kind == "correct":
                replaces, body = previous[2], values
            else:
                replaces, retracts = None, previous[2]
                body = "This person attempted to retract a previous message, but it's unsupported by your client."
        else:
            to, body = values
            mtype = "chat" if kind == "chat" else "groupchat"
            replaces = None
            if mtype == "groupchat" and to not in joined:
                try:
                    await join(client, to, a.nick or jid.split("@")[0])
                except Exception as error:
                    print(f"joining {to} failed: {error!r}", file=sys.stderr)
                    return 1
                joined.add(to)
        msg = client.make_message(mto=slixmpp.JID(to), mbody=body, mtype=mtype)
        msg["id"] = uuid.uuid4().hex
        if replaces:
            msg["replace"]["id"] = replaces
        if retracts:
            msg.append(ET.fromstring(f"<retract xmlns='urn:xmpp:message-retract:1' id='{retracts}'/>"))
            msg.append(ET.fromstring("<fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/>"))
            msg.append(ET.fromstring("<store xmlns='urn:xmpp:hints'/>"))
        msg.send()
        print(json.dumps({"to": to, "type": mtype, "id": msg["id"], "body": body, "replaces": replaces, "retracts": retracts}), flush=True)
        if replaces is None and retracts is None:
            previous = (to, mtype, msg["id"])
        await asyncio.sleep(0.05)
    # A ping round trip: everything sent before it has been processed (and archived).
    try:
        await client.plugin["xep_0199"].send_ping(slixmpp.JID(a.domain), timeout=10)
    except Exception:
        await asyncio.sleep(0.5)
    client.disconnect()
    await asyncio.sleep(0.2)
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--user", required=True, help="local part or bare JID")
    p.add_argument("--password", help="default: <user>pass (the test accounts)")
    p.add_argument("--nick", help="room nick (default: the user name)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=int(os.environ.get("PROSODY_PORT") or 15222))
    p.add_argument("--domain", default="localhost")
    p.add_argument("--cafile", default=os.path.join(PEERS_DIR, "prosody", "certs", "ca.pem"))
    p.add_argument("--chat", nargs=2, metavar=("JID", "TEXT"), action=Append, dest="chat")
    p.add_argument("--room", nargs=2, metavar=("ROOM", "TEXT"), action=Append, dest="room")
    p.add_argument("--correct", metavar="TEXT", action=Append, dest="correct")
    p.add_argument("--retract", nargs=0, action=Append, dest="retract")
    p.set_defaults(actions=[])
    sys.exit(asyncio.run(main(p.parse_args())))
