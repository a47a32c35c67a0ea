#!/bin/bash
# Starts a loopback-only PostgreSQL for the ChatVaultPostgres tests: TCP on
# 127.0.0.1:$POSTGRES_PORT (default 15432), its unix socket in $PEERS_DIR/postgres/run.
# State in $PEERS_DIR/postgres: data/ (the cluster, initdb once, reused), run/ (socket,
# postgres.pid), server.log, password (the `chatvault` role's password, mode 0600, made
# once), url (the connection URL without the password).
# Role `chatvault` (scram-sha-256 over TCP) owns database `chatvault_test`.
# As root the server runs as the unprivileged `postgres` user (Debian's), otherwise as the
# caller. Installs Debian's postgresql if missing. Idempotent.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# The server must not keep the caller's descriptors (above 2) open: a caller that waits for
# EOF on a pipe or socket handed to this script (Foundation's Process does) would wait forever.
close_inherited_fds() {
  local fd
  for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
  return 0
}
D=$PEERS_DIR/postgres
PORT=$POSTGRES_PORT

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
BIN=$(pg_bin)
if [ -z "$BIN" ] || [ ! -x "$BIN/postgres" ]; then
  [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed (apt-get install postgresql needs root)"
  apt_install postgresql
  BIN=$(pg_bin)
  [ -x "$BIN/postgres" ] || die "no postgres binary under /usr/lib/postgresql/*/bin"
fi

# The cluster's owner: never root (postgres refuses to run as root).
if [ "$(id -u)" -eq 0 ]; then
  OWNER=postgres
  id -u "$OWNER" >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin "$OWNER"
  as_owner() { runuser -u "$OWNER" -- "$@"; }
else
  OWNER=$(id -un)
  as_owner() { "$@"; }
fi

mkdir -p "$D/data" "$D/run"
chmod 755 "$D"
if [ "$(id -u)" -eq 0 ]; then
  chown "$OWNER:" "$D/data" "$D/run"
  grant_traverse "$OWNER" "$D"
fi
chmod 700 "$D/data" "$D/run"

# The role's password: made once, kept 0600, never on a command line or in a log.
if [ ! -s "$D/password" ]; then
  (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$D/password.tmp" && mv "$D/password.tmp" "$D/password")
fi
chmod 600 "$D/password"

answering() { as_owner "$BIN/pg_isready" -q -h "$D/run" -p "$PORT" -d postgres -U "$OWNER" >/dev/null 2>&1; }
pid_of_cluster() { head -1 "$D/data/postmaster.pid" 2>/dev/null || true; }

if running "$D/run/postgres.pid" && answering; then
  say "postgres already running (pid $(cat "$D/run/postgres.pid"))"
else
  stop_pidfile "$D/run/postgres.pid"
  # A postmaster of this cluster not recorded (a crashed script): stop it by its own pid file.
  if ours "$(pid_of_cluster)"; then kill -INT "$(pid_of_cluster)" 2>/dev/null || true; sleep 1; fi
  port_open "$PORT" && die "port $PORT is taken by another process (set POSTGRES_PORT)"
  if [ ! -f "$D/data/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$D/data" -U "$OWNER" --encoding=UTF8 --locale=C \
      --auth-local=peer --auth-host=scram-sha-256 >>"$D/initdb.log" 2>&1 || {
      tail -20 "$D/initdb.log" >&2
      die "initdb failed"
    }
    # TCP only from loopback, with a password; the socket only for the cluster's owner.
    printf '%s\n' "local all $OWNER peer" "host all all 127.0.0.1/32 scram-sha-256" >"$D/data/pg_hba.conf"
    chown "$OWNER:" "$D/data/pg_hba.conf" 2>/dev/null || true
  fi
  touch "$D/server.log"
  [ "$(id -u)" -eq 0 ] && chown "$OWNER:" "$D/server.log"
  t0=$(date +%s.%N)
  (
    close_inherited_fds
    cd "$D"
    exec < /dev/null
    if [ "$(id -u)" -eq 0 ]; then
      exec setsid runuser -u "$OWNER" -- "$BIN/postgres" -D "$D/data" -p "$PORT" -k "$D/run" \
        -c listen_addresses=127.0.0.1 -c password_encryption=scram-sha-256 -c fsync=off >>"$D/server.log" 2>&1
    else
      exec setsid "$BIN/postgres" -D "$D/data" -p "$PORT" -k "$D/run" \
        -c listen_addresses=127.0.0.1 -c password_encryption=scram-sha-256 -c fsync=off >>"$D/server.log" 2>&1
    fi
  ) &
  launcher=$!
  ok=
  for ((i = 0; i < 300; i++)); do
    if answering; then ok=1; break; fi
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ok" ]; then
    tail -20 "$D/server.log" >&2
    die "postgres did not answer on 127.0.0.1:$PORT"
  fi
  # The postmaster's own pid (runuser may stay between it and us).
  pid_of_cluster >"$D/run/postgres.pid"
  say "postgres answering on 127.0.0.1:$PORT after $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo '?')s (pid $(cat "$D/run/postgres.pid"))"
fi

# Role and database (idempotent); the password goes through stdin, never argv.
{
  printf "SELECT 'CREATE ROLE chatvault LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chatvault')\\\\gexec\n"
  printf "ALTER ROLE chatvault LOGIN PASSWORD '%s';\n" "$(cat "$D/password")"
  printf "SELECT 'CREATE DATABASE chatvault_test OWNER chatvault' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'chatvault_test')\\\\gexec\n"
} | as_owner "$BIN/psql" -q -X -v ON_ERROR_STOP=1 -h "$D/run" -p "$PORT" -U "$OWNER" -d postgres >/dev/null || die "cannot create role chatvault"
echo "postgres://chatvault@127.0.0.1:$PORT/chatvault_test?sslmode=disable" >"$D/url"
say "role chatvault (password in $D/password) owns database chatvault_test: $(cat "$D/url")"
