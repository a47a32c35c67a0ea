#!/bin/bash
# Stops the ejabberd that start_ejabberd.sh started: "ejabberdctl stop", then by its recorded pid.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export EJABBERD_DIST_PORT=${EJABBERD_DIST_PORT:-25299}
D=$PEERS_DIR/ejabberd
f=$D/run/ejabberd.pid
if ! running "$f"; then
  rm -f "$f"
  say "ejabberd not running"
  exit 0
fi
pid=$(cat "$f")
ejabberdctl --ctl-config "$D/ejabberdctl.cfg" --config-dir "$D" --spool "$D/spool" --logs "$D/log" stop >/dev/null 2>&1 || true
for ((i = 0; i < 100; i++)); do ours "$pid" || break; sleep 0.1; done
stop_pidfile "$f"
say "ejabberd stopped"
