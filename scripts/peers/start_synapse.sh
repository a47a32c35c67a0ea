#!/bin/bash
# Starts a loopback-only Synapse for the Matrix live-capture tests: client API on
# http://127.0.0.1:$SYNAPSE_PORT (default 18008), SQLite, no federation listener.
# State in $PEERS_DIR/synapse: homeserver.yaml and signing key (generated once, reused),
# overrides.yaml (rendered from scripts/peers/synapse/overrides.yaml), data/, run/synapse.pid.
# Users: @alice:localhost/alicepass (server admin) and @bob:localhost/bobpass. Alice's
# access token is written to $PEERS_DIR/synapse/alice.token (reused while it is valid).
# Installs matrix-synapse and matrix-nio into $PEERS_DIR/venv if missing. Idempotent.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# The server must not keep the caller's descriptors (above 2) open: a caller that waits for
# EOF on a pipe or socket handed to this script (Foundation's Process does) would wait forever.
close_inherited_fds() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
  return 0
}
D=$PEERS_DIR/synapse
HS=http://127.0.0.1:$SYNAPSE_PORT
ensure_venv synapse:matrix-synapse nio:matrix-nio
PY=$VENV/bin/python
mkdir -p "$D/data" "$D/run"

answering() { "$PY" - "$HS" <<'PYEOF' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/_matrix/client/versions", timeout=2).read()
PYEOF
}

if running "$D/run/synapse.pid" && answering; then
  say "synapse already running (pid $(cat "$D/run/synapse.pid"))"
else
  stop_pidfile "$D/run/synapse.pid"
  port_open "$SYNAPSE_PORT" && die "port $SYNAPSE_PORT is taken by another process (set SYNAPSE_PORT)"
  if [ ! -f "$D/homeserver.yaml" ]; then
    (cd "$D" && "$PY" -m synapse.app.homeserver --server-name localhost --config-path "$D/homeserver.yaml" \
      --generate-config --report-stats=no --data-directory "$D/data" >/dev/null)
  fi
  render "$PEERS_HOME/synapse/overrides.yaml" "$D/overrides.yaml"
  t0=$(date +%s.%N)
  (close_inherited_fds && cd "$D" && exec "$PY" -m synapse.app.homeserver -c "$D/homeserver.yaml" -c "$D/overrides.yaml" >>"$D/data/stdout.log" 2>&1) &
  echo $! >"$D/run/synapse.pid"
  ok=
  for ((i = 0; i < 600; i++)); do
    if answering; then ok=1; break; fi
    running "$D/run/synapse.pid" || break
    sleep 0.2
  done
  if [ -z "$ok" ]; then
    tail -20 "$D/data/stdout.log" "$D/homeserver.log" 2>/dev/null >&2
    die "synapse did not answer on $HS"
  fi
  say "synapse answering on $HS after $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo '?')s (pid $(cat "$D/run/synapse.pid"))"
fi

# Users (shared-secret registration; once per data directory) and alice's admin token.
if [ ! -f "$D/data/users.done" ]; then
  for spec in "alice alicepass --admin" "bob bobpass --no-admin"; do
    set -- $spec
    "$VENV/bin/register_new_matrix_user" -c "$D/homeserver.yaml" -u "$1" -p "$2" "$3" "$HS" >/dev/null 2>&1 || true
  done
  touch "$D/data/users.done"
fi
"$PY" - "$HS" "$D/alice.token" <<'PYEOF' || die "cannot log in as alice"
import json, os, sys, urllib.request
hs, path = sys.argv[1], sys.argv[2]
def call(method, url, token=None, body=None):
    req = urllib.request.Request(hs + url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())
token = open(path).read().strip() if os.path.exists(path) else ""
try:
    if token and call("GET", "/_matrix/client/v3/account/whoami", token)["user_id"] == "@alice:localhost":
        sys.exit(0)
except Exception:
    pass
answer = call("POST", "/_matrix/client/v3/login", body={"type": "m.login.password", "identifier": {"type": "m.id.user", "user": "alice"},
                                                        "password": "alicepass", "device_id": "CHATVAULTTEST"})
with open(path + ".tmp", "w") as f:
    f.write(answer["access_token"])
os.replace(path + ".tmp", path)
PYEOF
say "users @alice:localhost/alicepass (admin, token in $D/alice.token) and @bob:localhost/bobpass"
