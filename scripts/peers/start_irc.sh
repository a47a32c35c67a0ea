#!/bin/bash
# Starts a loopback-only ngIRCd for the IRC live-capture tests on 127.0.0.1:$NGIRCD_PORT
# (default 16667) and with TLS on $NGIRCD_TLS_PORT (default 16697; certificate for localhost
# and 127.0.0.1 signed by a test CA, $PEERS_DIR/ngircd/tls/ca.pem), from Debian's ngircd package. State in $PEERS_DIR/ngircd (ngircd.conf
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
NGIRCD_TLS_PORT=${NGIRCD_TLS_PORT:-16697}
if [ ! -f "$D/tls/server.pem" ]; then
  mkdir -p "$D/tls"
  (
    cd "$D/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ChatVault test CA" -keyout ca.key -out ca.pem \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -extfile server.ext -out server.pem
  ) >>"$D/run/tls.log" 2>&1 || die "cannot make the test certificate (see $D/run/tls.log)"
fi
chown irc:irc "$D/tls/server.key" "$D/tls/server.pem"
grant_traverse irc "$D/tls"
render "$PEERS_HOME/ngircd/ngircd.conf" "$D/ngircd.conf"
sed -i "s|@NGIRCD_TLS_PORT@|$NGIRCD_TLS_PORT|g" "$D/ngircd.conf"
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
wait_port "$NGIRCD_TLS_PORT" 50 || die "ngircd did not open its TLS port $NGIRCD_TLS_PORT"
say "ngircd listening on 127.0.0.1:$NGIRCD_PORT and TLS $NGIRCD_TLS_PORT (CA $D/tls/ca.pem; pid $(cat "$D/run/launcher.pid"))"
