#!/bin/bash
# Stops the Synapse started by start_synapse_gateway.sh (by its recorded pid). Keeps its state.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
stop_pidfile "$PEERS_DIR/synapse-gateway/run/synapse.pid"
say "synapse (gateway) stopped"
