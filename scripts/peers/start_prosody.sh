#!/bin/bash
# Starts a loopback-only Prosody for the live XMPP capture tests: c2s with STARTTLS required on
# 127.0.0.1:$PROSODY_PORT (default 15222), MAM for 1:1 chats and MUC rooms (conference.localhost)
# in SQLite, a certificate from a private CA ($PEERS_DIR/prosody/certs/ca.pem) for localhost and
# conference.localhost. Users alice/alicepass, bob/bobpass, compliance/compliancepass.
# Installs prosody, lua-dbi-sqlite3, openssl and slixmpp (venv) when missing. Idempotent.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
D=$PEERS_DIR/prosody
CFG=$D/prosody.cfg.lua
[ "$(id -u)" -eq 0 ] || die "start_prosody.sh needs root (prosody runs as its service user)"
apt_install prosody lua-dbi-sqlite3 openssl
ensure_venv slixmpp:slixmpp

if running "$D/run/prosody.pid"; then
  say "prosody already running (pid $(cat "$D/run/prosody.pid"))"
  exit 0
fi
port_open "$PROSODY_PORT" && die "127.0.0.1:$PROSODY_PORT is in use by another process (set PROSODY_PORT)"

mkdir -p "$D/run" "$D/data" "$D/log" "$D/certs"
render "$PEERS_HOME/prosody.cfg.lua" "$CFG"
if [ ! -f "$D/certs/localhost.crt" ]; then
  # A private CA signs the server certificate, so clients verify it with --ca-file.
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=ChatVault test CA" \
    -keyout "$D/certs/ca.key" -out "$D/certs/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$D/certs/localhost.key" \
    -out "$D/certs/localhost.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,DNS:conference.localhost\nbasicConstraints=CA:FALSE\n' >"$D/certs/ext.cnf"
  openssl x509 -req -in "$D/certs/localhost.csr" -CA "$D/certs/ca.pem" -CAkey "$D/certs/ca.key" -CAcreateserial \
    -days 3650 -extfile "$D/certs/ext.cnf" -out "$D/certs/localhost.crt" 2>/dev/null
  cp "$D/certs/localhost.crt" "$D/certs/conference.localhost.crt"
  cp "$D/certs/localhost.key" "$D/certs/conference.localhost.key"
fi
chown -R prosody:prosody "$D"
chmod 640 "$D/certs/"*.key
chmod 644 "$D/certs/ca.pem"
grant_traverse prosody "$D"
rm -f "$D/run/prosody.pid" "$D/run/launcher.pid"

# Prosody refuses to run as root: run it in the foreground as the prosody user, backgrounded here,
# with no descriptor of the caller's left open (a test runner waiting for this script to finish
# must not wait for the server too).
(
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    [ "$fd" -gt 2 ] && eval "exec $fd>&-"
  done
  exec runuser -u prosody -- prosody -F --config "$CFG" </dev/null >>"$D/log/stdout.log" 2>&1
) &
echo $! >"$D/run/launcher.pid"
if ! wait_port "$PROSODY_PORT" 20 "$(cat "$D/run/launcher.pid")"; then
  tail -20 "$D/log/stdout.log" "$D/log/prosody.err" 2>/dev/null >&2
  die "prosody did not start listening on 127.0.0.1:$PROSODY_PORT"
fi
# Once: registering again would rewrite the credentials under a client logging in right now.
if [ ! -f "$D/data/users-registered" ]; then
  for u in alice bob compliance; do
    runuser -u prosody -- prosodyctl --config "$CFG" register "$u" localhost "${u}pass" >/dev/null 2>&1 ||
      die "cannot register $u"
  done
  touch "$D/data/users-registered"
fi
say "prosody on 127.0.0.1:$PROSODY_PORT (CA $D/certs/ca.pem); users alice, bob, compliance (password <user>pass)"
