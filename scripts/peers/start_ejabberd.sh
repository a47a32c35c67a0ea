#!/bin/bash
# Starts a loopback-only ejabberd for the live XMPP capture tests: c2s with STARTTLS required on
# 127.0.0.1:$EJABBERD_PORT (default 25222), Erlang distribution on 127.0.0.1:$EJABBERD_DIST_PORT
# (25299, no epmd), MAM for users and rooms (conference.localhost) in mnesia, a certificate from a
# private CA ($PEERS_DIR/ejabberd/certs/ca.pem). Users alice/alicepass, bob/bobpass,
# compliance/compliancepass. Installs ejabberd, openssl and slixmpp (venv) when missing. Idempotent.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
export EJABBERD_DIST_PORT=${EJABBERD_DIST_PORT:-25299}
D=$PEERS_DIR/ejabberd
[ "$(id -u)" -eq 0 ] || die "start_ejabberd.sh needs root (ejabberd runs as its service user)"
apt_install ejabberd openssl
ensure_venv slixmpp:slixmpp
CTL=(ejabberdctl --ctl-config "$D/ejabberdctl.cfg" --config-dir "$D" --spool "$D/spool" --logs "$D/log")

if running "$D/run/ejabberd.pid"; then
  say "ejabberd already running (pid $(cat "$D/run/ejabberd.pid"))"
  exit 0
fi
port_open "$EJABBERD_PORT" && die "127.0.0.1:$EJABBERD_PORT is in use by another process (set EJABBERD_PORT)"
port_open "$EJABBERD_DIST_PORT" && die "127.0.0.1:$EJABBERD_DIST_PORT is in use by another process (set EJABBERD_DIST_PORT)"

mkdir -p "$D/run" "$D/spool" "$D/log" "$D/certs" "$D/modules.d"
render "$PEERS_HOME/ejabberd.yml" "$D/ejabberd.yml"
render "$PEERS_HOME/ejabberdctl.cfg" "$D/ejabberdctl.cfg"
sed -i "s|@EJABBERD_DIST_PORT@|$EJABBERD_DIST_PORT|g" "$D/ejabberdctl.cfg"
cp -f "$PEERS_HOME/ejabberd.inetrc" "$D/inetrc"
if [ ! -f "$D/certs/localhost.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ChatVault test CA (ejabberd)" \
    -keyout "$D/certs/ca.key" -out "$D/certs/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$D/certs/key.pem" -out "$D/certs/localhost.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,DNS:conference.localhost\nbasicConstraints=CA:FALSE\n' >"$D/certs/ext.cnf"
  openssl x509 -req -in "$D/certs/localhost.csr" -CA "$D/certs/ca.pem" -CAkey "$D/certs/ca.key" -CAcreateserial \
    -days 3650 -extfile "$D/certs/ext.cnf" -out "$D/certs/localhost.crt" 2>/dev/null
  cat "$D/certs/localhost.crt" "$D/certs/key.pem" >"$D/certs/localhost.pem"
fi
chown -R ejabberd:ejabberd "$D"
chmod 640 "$D/certs/localhost.pem" "$D/certs/key.pem" "$D/certs/ca.key"
chmod 644 "$D/certs/ca.pem"
grant_traverse ejabberd "$D"
rm -f "$D/run/ejabberd.pid"

# ejabberdctl detaches the Erlang VM; none of the caller's descriptors may stay open in it.
(
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] && eval "exec $fd>&-"
  done
  exec "${CTL[@]}" start </dev/null >>"$D/log/stdout.log" 2>&1
)
if ! wait_port "$EJABBERD_PORT" 60; then
  tail -20 "$D/log/error.log" "$D/log/ejabberd.log" "$D/log/stdout.log" 2>/dev/null >&2
  die "ejabberd did not start listening on 127.0.0.1:$EJABBERD_PORT"
fi
if [ ! -f "$D/spool/users-registered" ]; then
  "${CTL[@]}" started >/dev/null 2>&1 || sleep 2
  for u in alice bob compliance; do
    "${CTL[@]}" register "$u" localhost "${u}pass" >/dev/null 2>&1 || true
  done
  touch "$D/spool/users-registered"
fi
say "ejabberd on 127.0.0.1:$EJABBERD_PORT (CA $D/certs/ca.pem); users alice, bob, compliance (password <user>pass)"
