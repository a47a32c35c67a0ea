#!/bin/bash
# Stops the Prosody that start_prosody_gateway.sh started, by the pids recorded under
# $PEERS_DIR/prosody-gateway/run.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
D=$PEERS_DIR/prosody-gateway
stop_pidfile "$D/run/prosody.pid"
stop_pidfile "$D/run/launcher.pid"
say "gateway prosody stopped"
