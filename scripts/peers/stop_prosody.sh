#!/bin/bash
# Stops the Prosody that start_prosody.sh started, by the pids recorded under $PEERS_DIR/prosody/run.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
D=$PEERS_DIR/prosody
stop_pidfile "$D/run/prosody.pid"
stop_pidfile "$D/run/launcher.pid"
say "prosody stopped"
