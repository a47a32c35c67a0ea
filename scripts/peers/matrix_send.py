#!/usr/bin/env python3
"""Drives the loopback Synapse (start_synapse.sh) for ChatVault's live-capture tests.

    $PEERS_DIR/venv/bin/python matrix_send.py ROOM ACTION...

ROOM is a room id (`!abc:localhost`) or the name of a new room that alice creates and bob
joins. Each ACTION is `USER:VERB:ARGS`, USER being alice or bob:

    alice:text:hello            a text message
    alice:edit:N:new text       an edit of the event made by action N (0-based), or of event $ID
    alice:redact:N              a redaction of action N's event
    bob:react:N:KEY             a reaction (annotation) to action N's event
    alice:file:NAME:SIZE:MIME   an m.file message (mxc URL only, nothing uploaded)
    bob:leave / bob:join        leave or rejoin the room
    alice:pause:SECONDS         wait before the next action

Prints {"room": ROOM_ID, "events": [EVENT_ID, ...]} (one per action) as JSON. Uses matrix-nio.
"""
import asyncio
import json
import os
import sys

from nio import AsyncClient, LoginResponse, RoomCreateResponse, RoomSendResponse

HS = f"http://127.0.0.1:{os.environ.get('SYNAPSE_PORT') or 18008}"


async def main(room, actions):
    clients = {}
    for user in ("alice", "bob"):
        client = AsyncClient(HS, f"@{user}:localhost")
        answer = await client.login(f"{user}pass", device_name="chatvault-test")
        if not isinstance(answer, LoginResponse):
            raise SystemExit(f"login {user}: {answer}")
        clients[user] = client
    try:
        if not room.startswith("!"):
            created = await clients["alice"].room_create(name=room, invite=["@bob:localhost"])
            if not isinstance(created, RoomCreateResponse):
                raise SystemExit(f"room_create: {created}")
            room = created.room_id
            await clients["bob"].join(room)
        events = []

        def target(ref):
            return ref if ref.startswith("$") else events[int(ref)]

        for action in actions:
            user, verb, *args = action.split(":", 2)
            rest = args[0] if args else ""
            client = clients[user]
            if verb == "text":
                content, kind = {"msgtype": "m.text", "body": rest}, "m.room.message"
            elif verb == "edit":
                index, text = rest.split(":", 1)
                content = {"msgtype": "m.text", "body": f"* {text}", "m.new_content": {"msgtype": "m.text", "body": text},
                           "m.relates_to": {"rel_type": "m.replace", "event_id": target(index)}}
                kind = "m.room.message"
            elif verb == "react":
                index, key = rest.split(":", 1)
                content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": target(index), "key": key}}
                kind = "m.reaction"
            elif verb == "file":
                name, size, mime = rest.split(":", 2)
                content = {"msgtype": "m.file", "body": name, "url": "mxc://localhost/none",
                           "info": {"size": int(size), "mimetype": mime}}
                kind = "m.room.message"
            elif verb == "redact":
                answer = await client.room_redact(room, target(rest), reason="test redaction")
                events.append(getattr(answer, "event_id", None))
                continue
            elif verb == "pause":
                await asyncio.sleep(float(rest))
                events.append(None)
                continue
            elif verb in ("leave", "join"):
                answer = await (client.room_leave(room) if verb == "leave" else client.join(room))
                events.append(None)
                continue
            else:
                raise SystemExit(f"unknown action {action}")
            answer = await client.room_send(room, kind, content)
            if not isinstance(answer, RoomSendResponse):
                raise SystemExit(f"{action}: {answer}")
            events.append(answer.event_id)
        print(json.dumps({"room": room, "events": events}))
    finally:
        for client in clients.values():
            await client.logout()
            await client.close()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    asyncio.run(main(sys.argv[1], sys.argv[2:]))
