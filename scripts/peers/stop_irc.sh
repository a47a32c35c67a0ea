#!/bin/bash
# Stops the ngIRCd started by start_irc.sh (by its recorded pid).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
stop_pidfile "$PEERS_DIR/ngircd/run/launcher.pid"
rm -f "$PEERS_DIR/ngircd/run/ngircd.pid"
say "irc stopped"
