#!/bin/bash
# Starts a SECOND loopback Synapse with ChatVault's gateway module (integrations/synapse) for the
# gateway live tests: client API on http://127.0.0.1:$SYNAPSE_GATEWAY_PORT (default 18018),
# SQLite, no federation. Independent of start_synapse.sh (own port, own state).
#
#   start_synapse_gateway.sh [CHATVAULT_URL TOKEN_FILE [closed|open]]
#
# Without arguments it only installs (Synapse and the module into $PEERS_DIR/venv) and prepares
# the state, pointed at an unreachable ChatVault (CI's pre-install step). With arguments it
# (re)starts Synapse with the module configured for that ChatVault, gateway token file and fail
# mode (default closed); a server already running with the same settings is kept.
# State in $PEERS_DIR/synapse-gateway: homeserver.yaml and signing key (generated once),
# overrides.yaml, module.yaml, data/, run/synapse.pid. Users: @alice:localhost/alicepass and
# @bob:localhost/bobpass; the module's notice user is @chatvault:localhost.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
close_inherited_fds() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
  return 0
}
export SYNAPSE_GATEWAY_PORT=${SYNAPSE_GATEWAY_PORT:-18018}
URL=${1:-http://127.0.0.1:9}
TOKEN_FILE=${2:-}
FAIL_MODE=${3:-closed}
case $FAIL_MODE in closed | open) ;; *) die "fail mode must be closed or open, not $FAIL_MODE" ;; esac
D=$PEERS_DIR/synapse-gateway
HS=http://127.0.0.1:$SYNAPSE_GATEWAY_PORT
MODULE_SRC=$(cd "$PEERS_HOME/../../integrations/synapse" && pwd -P)
ensure_venv synapse:matrix-synapse nio:matrix-nio
PY=$VENV/bin/python
mkdir -p "$D/data" "$D/run"

# The module, installed the way docs/GATEWAY.md says (pip install of integrations/synapse);
# reinstalled when its sources change. Offline, the sources are put on PYTHONPATH instead.
stamp=$(cd "$MODULE_SRC" && cat pyproject.toml chatvault_synapse/*.py | sha256sum | cut -c1-16)
PYPATH=
if [ "$(cat "$D/module.installed" 2>/dev/null)" != "$stamp" ] || ! "$PY" -c 'import chatvault_synapse' 2>/dev/null; then
  say "pip installing integrations/synapse into $VENV"
  build=$(mktemp -d)
  cp -r "$MODULE_SRC/pyproject.toml" "$MODULE_SRC/README.md" "$MODULE_SRC/chatvault_synapse" "$build/"
  if "$VENV/bin/pip" install -q --no-deps --force-reinstall "$build" >>"$PEERS_DIR/install.log" 2>&1; then
    echo "$stamp" >"$D/module.installed"
  else
    say "pip install of the module failed (offline?); using PYTHONPATH=$MODULE_SRC"
    PYPATH=$MODULE_SRC
  fi
  rm -rf "$build"
fi

if [ -z "$TOKEN_FILE" ]; then
  TOKEN_FILE=$D/placeholder.token
  echo "cvt_placeholder_not_a_token" >"$TOKEN_FILE"
fi
[ -r "$TOKEN_FILE" ] || die "cannot read the token file $TOKEN_FILE"

if [ ! -f "$D/homeserver.yaml" ]; then
  (cd "$D" && "$PY" -m synapse.app.homeserver --server-name localhost --config-path "$D/homeserver.yaml" \
    --generate-config --report-stats=no --data-directory "$D/data" >/dev/null)
fi
(SYNAPSE_PORT=$SYNAPSE_GATEWAY_PORT render "$PEERS_HOME/synapse/overrides.yaml" "$D/overrides.yaml.tmp")
sed -i "s|$PEERS_DIR/synapse/data/|$D/data/|" "$D/overrides.yaml.tmp"
mv "$D/overrides.yaml.tmp" "$D/overrides.yaml"
"$PY" - "$D/module.yaml.new" "$URL" "$TOKEN_FILE" "$FAIL_MODE" "$stamp" <<'PYEOF'
import json, sys
path, url, token_file, fail_mode, stamp = sys.argv[1:]
module = {"module": "chatvault_synapse.ChatVaultGateway",
          "config": {"url": url, "token_file": token_file, "fail_mode": fail_mode, "timeout_ms": 1500,
                     "notice_user": "chatvault"}}
with open(path, "w") as f:
    f.write(f"# Rendered by start_synapse_gateway.sh (module sources {stamp})\nmodules:\n  - " + json.dumps(module) + "\n")
PYEOF

answering() { "$PY" - "$HS" <<'PYEOF' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(sys.argv[1] + "/_matrix/client/versions", timeout=2).read()
PYEOF
}

if running "$D/run/synapse.pid" && answering && cmp -s "$D/module.yaml.new" "$D/module.yaml" &&
  [ "$(cat "$D/run/token.sum" 2>/dev/null)" = "$(sha256sum <"$TOKEN_FILE")" ]; then
  say "synapse (gateway) already running with these settings (pid $(cat "$D/run/synapse.pid"))"
else
  stop_pidfile "$D/run/synapse.pid"
  port_open "$SYNAPSE_GATEWAY_PORT" && die "port $SYNAPSE_GATEWAY_PORT is taken by another process (set SYNAPSE_GATEWAY_PORT)"
  mv "$D/module.yaml.new" "$D/module.yaml"
  sha256sum <"$TOKEN_FILE" >"$D/run/token.sum"
  t0=$(date +%s.%N)
  # A test runner's children may inherit SIGTERM blocked or ignored; Synapse must stop on it
  # (else each restart waits 5 s for stop_pidfile's SIGKILL).
  (close_inherited_fds && cd "$D" && PYTHONPATH=$PYPATH exec "$PY" -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, [])
for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(number, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$PY" -m synapse.app.homeserver -c "$D/homeserver.yaml" \
    -c "$D/overrides.yaml" -c "$D/module.yaml" </dev/null >>"$D/data/stdout.log" 2>&1) &
  echo $! >"$D/run/synapse.pid"
  ok=
  for ((i = 0; i < 600; i++)); do
    if answering; then ok=1; break; fi
    running "$D/run/synapse.pid" || break
    sleep 0.2
  done
  if [ -z "$ok" ]; then
    tail -30 "$D/data/stdout.log" "$D/homeserver.log" 2>/dev/null >&2
    die "synapse (gateway) did not answer on $HS"
  fi
  say "synapse (gateway) answering on $HS after $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo '?')s (pid $(cat "$D/run/synapse.pid"), fail mode $FAIL_MODE)"
fi
rm -f "$D/module.yaml.new"

if [ ! -f "$D/data/users.done" ]; then
  for spec in "alice alicepass --admin" "bob bobpass --no-admin"; do
    set -- $spec
    "$VENV/bin/register_new_matrix_user" -c "$D/homeserver.yaml" -u "$1" -p "$2" "$3" "$HS" >/dev/null 2>&1 || true
  done
  touch "$D/data/users.done"
fi
say "users @alice:localhost/alicepass and @bob:localhost/bobpass on $HS"
