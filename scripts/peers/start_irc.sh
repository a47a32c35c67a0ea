#!/bin/bash
# Starts a loopback-only ngIRCd for the IRC live-capture tests on 127.0.0.1:$NGIRCD_PORT
# (default 16667), from Debian's ngircd package. State in $PEERS_DIR/ngircd (ngircd.conf
# rendered from scripts/peers/ngircd/ngircd.conf, run/*.pid, logs). Installs ngircd and the
# venv's `irc` library if missing. Must run as root (ngIRCd drops to the irc user). Idempotent.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# The server must not keep the caller's descriptors (above 2) open: a caller that waits for
# EOF on a pipe or socket handed to this script (Foundation's Process does) would wait forever.
close_inherited_fds() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
  return 0
}
D=$PEERS_DIR/ngircd
[ "$(id -u)" = 0 ] || die "start_irc.sh must run as root"
apt_install ngircd
ensure_venv irc:irc
mkdir -p "$D/run"

if running "$D/run/launcher.pid" && port_open "$NGIRCD_PORT"; then
  say "ngircd already running (pid $(cat "$D/run/launcher.pid"))"
  exit 0
fi
stop_pidfile "$D/run/launcher.pid"
port_open "$NGIRCD_PORT" && die "port $NGIRCD_PORT is taken by another process (set NGIRCD_PORT)"
render "$PEERS_HOME/ngircd/ngircd.conf" "$D/ngircd.conf"
chown irc:irc "$D/run" # ngIRCd writes its PidFile after switching to the irc user
grant_traverse irc "$D/run"
rm -f "$D/run/ngircd.pid"
ngircd --configtest -f "$D/ngircd.conf" >/dev/null || die "ngircd rejects $D/ngircd.conf"
(close_inherited_fds && exec ngircd -n -f "$D/ngircd.conf" >>"$D/run/stdout.log" 2>&1) &
echo $! >"$D/run/launcher.pid"
if ! wait_port "$NGIRCD_PORT" 100 "$(cat "$D/run/launcher.pid")"; then
  tail -20 "$D/run/stdout.log" >&2
  die "ngircd did not start listening on 127.0.0.1:$NGIRCD_PORT"
fi
say "ngircd listening on 127.0.0.1:$NGIRCD_PORT (pid $(cat "$D/run/launcher.pid"))"
