#!/usr/bin/env python3
"""Drives the loopback ngIRCd (start_irc.sh) for ChatVault's live-capture tests.

    $PEERS_DIR/venv/bin/python irc_send.py CHANNEL ACTION...

Each nick named in an action connects (raw sockets), registers and joins CHANNEL, then the
actions run in order, each `NICK:VERB:ARG`:

    alice:say:text          PRIVMSG to CHANNEL
    alice:notice:text       NOTICE to CHANNEL
    alice:action:text       CTCP ACTION to CHANNEL
    alice:msg:TARGET:text   PRIVMSG to a nick (a private message)
    bob:part:reason         PART CHANNEL
    bob:quit:reason         QUIT
    alice:raw:LINE          any line, as is

Every nick still connected quits at the end. Prints {"sent": N} as JSON.
"""
import json
import os
import socket
import sys
import time

PORT = int(os.environ.get("NGIRCD_PORT") or 16667)


class Client:
    def __init__(self, nick, channel):
        self.nick, self.buffer = nick, b""
        self.sock = socket.create_connection(("127.0.0.1", PORT), timeout=10)
        self.send(f"NICK {nick}")
        self.send(f"USER {nick} 0 * :{nick} test")
        self.wait(lambda line: line.split(" ")[1:2] == ["001"])
        self.send(f"JOIN {channel}")
        self.wait(lambda line: " JOIN " in line and line.startswith(f":{nick}!"))

    def send(self, line):
        self.sock.sendall(line.encode() + b"\r\n")

    def lines(self):
        while b"\n" not in self.buffer:
            data = self.sock.recv(4096)
            if not data:
                raise SystemExit(f"{self.nick}: connection closed")
            self.buffer += data
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode(errors="replace").rstrip("\r")

    def wait(self, predicate, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            line = self.lines()
            if line.startswith("PING"):
                self.send("PONG" + line[4:])
            elif predicate(line):
                return line
        raise SystemExit(f"{self.nick}: timed out")

    def sync(self):
        """Round trip, so everything sent before has been handled by the server."""
        self.send(f"PING :sync{time.monotonic()}")
        self.wait(lambda line: " PONG " in line)


def main(channel, actions):
    clients = {}
    sent = 0
    for action in actions:
        nick = action.split(":", 1)[0]
        if nick not in clients:
            clients[nick] = Client(nick, channel)
    for action in actions:
        nick, verb, arg = (action.split(":", 2) + [""])[:3]
        client = clients[nick]
        if verb == "say":
            client.send(f"PRIVMSG {channel} :{arg}")
        elif verb == "notice":
            client.send(f"NOTICE {channel} :{arg}")
        elif verb == "action":
            client.send(f"PRIVMSG {channel} :\x01ACTION {arg}\x01")
        elif verb == "msg":
            target, text = arg.split(":", 1)
            client.send(f"PRIVMSG {target} :{text}")
        elif verb == "part":
            client.send(f"PART {channel} :{arg}")
        elif verb == "quit":
            client.send(f"QUIT :{arg}")
            client.sock.close()
            del clients[nick]
            sent += 1
            continue
        elif verb == "raw":
            client.sock.sendall(arg.encode("utf-8", "surrogateescape") + b"\r\n")
        else:
            raise SystemExit(f"unknown action {action}")
        client.sync()
        sent += 1
    for client in clients.values():
        client.send("QUIT :done")
        client.sock.close()
    print(json.dumps({"sent": sent}))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2:])
