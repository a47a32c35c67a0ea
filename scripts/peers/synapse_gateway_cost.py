#!/usr/bin/env python3
"""What the ChatVault module adds to sending a message: client send latency on a Synapse.

    $PEERS_DIR/venv/bin/python synapse_gateway_cost.py HOMESERVER [COUNT]

Logs in as alice and bob (the users of start_synapse.sh / start_synapse_gateway.sh), creates a
room, sends COUNT (default 200) plain messages one after the other as alice and prints the
median and 99th percentile of the PUT /send round trip in milliseconds as JSON. Run it once
against the plain Synapse (port 18008) and once against the gateway Synapse (port 18018, in
front of a running `chatvault serve`) to see the module's cost per message.
"""
import json
import statistics
import sys
import time
import urllib.error
import urllib.request
import uuid


def call(hs, method, path, token=None, body=None):
    request = urllib.request.Request(
        hs + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def login(hs, user):
    status, answer = call(hs, "POST", "/_matrix/client/v3/login", body={
        "type": "m.login.password", "identifier": {"type": "m.id.user", "user": user}, "password": user + "pass"})
    if status != 200:
        raise SystemExit(f"login {user}: {status} {answer}")
    return answer["access_token"]


def main(hs, count):
    alice, bob = login(hs, "alice"), login(hs, "bob")
    status, room = call(hs, "POST", "/_matrix/client/v3/createRoom", alice, {"name": "cost", "invite": ["@bob:localhost"]})
    if status != 200:
        raise SystemExit(f"createRoom: {status} {room}")
    call(hs, "POST", f"/_matrix/client/v3/join/{room['room_id']}", bob, {})
    times = []
    for index in range(count + 5):
        started = time.perf_counter()
        status, answer = call(hs, "PUT", f"/_matrix/client/v3/rooms/{room['room_id']}/send/m.room.message/{uuid.uuid4().hex}",
                              alice, {"msgtype": "m.text", "body": f"plain message number {index} about the quarterly numbers"})
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"send {index}: {status} {answer}")
        if index >= 5:  # the first few warm caches
            times.append(elapsed)
    times.sort()
    print(json.dumps({"homeserver": hs, "messages": count, "median_ms": round(statistics.median(times), 2),
                      "p99_ms": round(times[int(len(times) * 0.99) - 1], 2)}))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200)
