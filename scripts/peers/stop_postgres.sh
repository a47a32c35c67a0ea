#!/bin/bash
# Stops the PostgreSQL started by start_postgres.sh (by its recorded pid): a fast shutdown
# (SIGINT: open sessions are rolled back), SIGKILL after 10 s. Keeps its state.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
D=$PEERS_DIR/postgres
for pidfile in "$D/run/postgres.pid" "$D/data/postmaster.pid"; do
  pid=$(head -1 "$pidfile" 2>/dev/null)
  if ours "$pid"; then
    kill -INT "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do ours "$pid" || break; sleep 0.1; done
    ours "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
done
rm -f "$D/run/postgres.pid"
say "postgres stopped"
