#!/bin/bash
# Starts a second loopback-only Prosody that polices every message through ChatVault: it loads
# integrations/prosody/mod_chatvault.lua (copied to $PEERS_DIR/prosody-gateway/plugins, which
# plugin_paths names, so the service user needs no access to the checkout) on its VirtualHost
# "localhost" and on its MUC component "conference.localhost". c2s with STARTTLS on
# 127.0.0.1:$PROSODY_GATEWAY_PORT (default 15242); its own CA ($PEERS_DIR/prosody-gateway/certs/ca.pem),
# data and config. Users alice, bob, carol (password <user>pass).
#
#   CHATVAULT_GATEWAY_URL=http://127.0.0.1:PORT CHATVAULT_GATEWAY_TOKEN_FILE=FILE \
#     [CHATVAULT_GATEWAY_FAIL_MODE=closed|open] start_prosody_gateway.sh
#
# The configuration names the ChatVault server, so a running instance is restarted.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
PORT=${PROSODY_GATEWAY_PORT:-15242}
D=$PEERS_DIR/prosody-gateway
CFG=$D/prosody.cfg.lua
URL=${CHATVAULT_GATEWAY_URL:-}
TOKEN_FILE=${CHATVAULT_GATEWAY_TOKEN_FILE:-}
FAIL_MODE=${CHATVAULT_GATEWAY_FAIL_MODE:-closed}
MODULE=$PEERS_HOME/../../integrations/prosody/mod_chatvault.lua
[ "$(id -u)" -eq 0 ] || die "start_prosody_gateway.sh needs root (prosody runs as its service user)"
[[ $PORT =~ ^[0-9]+$ ]] || die "PROSODY_GATEWAY_PORT must be a port number"
URL_SHAPE='^https?://[A-Za-z0-9.:-]+(/[A-Za-z0-9._~/-]*)?$'
[[ $URL =~ $URL_SHAPE ]] || die "CHATVAULT_GATEWAY_URL must be an http(s) URL, got '$URL'"
[ -n "$TOKEN_FILE" ] && [ -r "$TOKEN_FILE" ] || die "CHATVAULT_GATEWAY_TOKEN_FILE must name a readable file"
case $FAIL_MODE in closed | open) ;; *) die "CHATVAULT_GATEWAY_FAIL_MODE must be closed or open" ;; esac
[ -f "$MODULE" ] || die "missing $MODULE"
apt_install prosody openssl
ensure_venv slixmpp:slixmpp

bash "$PEERS_HOME/stop_prosody_gateway.sh" >/dev/null
port_open "$PORT" && die "127.0.0.1:$PORT is in use by another process (set PROSODY_GATEWAY_PORT)"

mkdir -p "$D/run" "$D/data" "$D/log" "$D/certs" "$D/plugins"
sed -e "s|@DIR@|$D|g" -e "s|@PORT@|$PORT|g" -e "s|@CHATVAULT_URL@|$URL|g" -e "s|@FAIL_MODE@|$FAIL_MODE|g" \
  "$PEERS_HOME/prosody_gateway.cfg.lua" >"$CFG"
install -m 644 "$MODULE" "$D/plugins/mod_chatvault.lua"
install -m 600 "$TOKEN_FILE" "$D/chatvault.token"
if [ ! -f "$D/certs/localhost.crt" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ChatVault gateway test CA" \
    -keyout "$D/certs/ca.key" -out "$D/certs/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$D/certs/localhost.key" \
    -out "$D/certs/localhost.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,DNS:conference.localhost\nbasicConstraints=CA:FALSE\n' >"$D/certs/ext.cnf"
  openssl x509 -req -in "$D/certs/localhost.csr" -CA "$D/certs/ca.pem" -CAkey "$D/certs/ca.key" -CAcreateserial \
    -days 3650 -extfile "$D/certs/ext.cnf" -out "$D/certs/localhost.crt" 2>/dev/null
  cp "$D/certs/localhost.crt" "$D/certs/conference.localhost.crt"
  cp "$D/certs/localhost.key" "$D/certs/conference.localhost.key"
fi
[ -f "$D/log/prosody.log" ] && mv -f "$D/log/prosody.log" "$D/log/prosody.log.1"
: >"$D/log/prosody.err"
chown -R prosody:prosody "$D"
chmod 640 "$D/certs/"*.key
chmod 644 "$D/certs/ca.pem"
grant_traverse prosody "$D"
rm -f "$D/run/prosody.pid" "$D/run/launcher.pid"

(
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] && eval "exec $fd>&-"
  done
  # A test runner's children may inherit SIGTERM blocked or ignored; prosody must stop on it.
  exec python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, [])
for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(number, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' runuser -u prosody -- prosody -F --config "$CFG" </dev/null >>"$D/log/stdout.log" 2>&1
) &
echo $! >"$D/run/launcher.pid"
if ! wait_port "$PORT" 20 "$(cat "$D/run/launcher.pid")"; then
  tail -20 "$D/log/stdout.log" "$D/log/prosody.err" 2>/dev/null >&2
  die "the gateway prosody did not start listening on 127.0.0.1:$PORT"
fi
# mod_chatvault refuses to load on a bad configuration; the server then runs unpoliced.
sleep 0.3
if grep -q "mod_chatvault" "$D/log/prosody.err" 2>/dev/null; then
  grep -m 3 "mod_chatvault" "$D/log/prosody.err" >&2
  bash "$PEERS_HOME/stop_prosody_gateway.sh" >/dev/null
  die "mod_chatvault did not load"
fi
if [ ! -f "$D/data/users-registered" ]; then
  for u in alice bob carol; do
    runuser -u prosody -- prosodyctl --config "$CFG" register "$u" localhost "${u}pass" >/dev/null 2>&1 ||
      die "cannot register $u"
  done
  touch "$D/data/users-registered"
fi
say "gateway prosody on 127.0.0.1:$PORT (CA $D/certs/ca.pem) -> $URL (fail mode $FAIL_MODE); users alice, bob, carol"
