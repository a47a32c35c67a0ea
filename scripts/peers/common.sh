#!/bin/bash
# Shared by the scripts/peers/*.sh start and stop scripts: where state lives, which ports,
# and how to install and start a loopback-only chat server for the live-capture tests.
#
#   PEERS_DIR  state (configs, data, logs, pid files, certificates, the Python venv);
#              default /tmp/chatvault-peers. Each server keeps $PEERS_DIR/<server>/.
#   ports      PROSODY_PORT EJABBERD_PORT SYNAPSE_PORT NGIRCD_PORT POSTGRES_PORT (defaults below)
#
# Every server listens on 127.0.0.1 only. Stop scripts end only processes whose pid was
# recorded under $PEERS_DIR and whose command line still names it.

PEERS_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PEERS_DIR=${PEERS_DIR:-/tmp/chatvault-peers}
case $PEERS_DIR in /*) ;; *) PEERS_DIR=$PWD/$PEERS_DIR ;; esac
export PEERS_DIR PEERS_HOME
export PROSODY_PORT=${PROSODY_PORT:-15222}
export EJABBERD_PORT=${EJABBERD_PORT:-25222}
export SYNAPSE_PORT=${SYNAPSE_PORT:-18008}
export NGIRCD_PORT=${NGIRCD_PORT:-16667}
export POSTGRES_PORT=${POSTGRES_PORT:-15432}
VENV=$PEERS_DIR/venv

say() { echo "[peers] $*"; }
die() {
  echo "[peers] ERROR: $*" >&2
  exit 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT SECONDS [PID]: until the port accepts; fails after SECONDS or when PID exits.
wait_port() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    port_open "$1" && return 0
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

# ours PID: running, not a zombie, and its command line names $PEERS_DIR.
ours() {
  [[ ${1:-} =~ ^[0-9]+$ ]] || return 1
  kill -0 "$1" 2>/dev/null || return 1
  case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) in Z | X | '') return 1 ;; esac
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF "$PEERS_DIR/"
}

running() { [ -f "$1" ] && ours "$(cat "$1")"; }

# stop_pidfile FILE: SIGTERM the recorded process if it is ours, SIGKILL after 5 s.
stop_pidfile() {
  local pid i
  [ -f "$1" ] || return 0
  pid=$(cat "$1")
  if ours "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do ours "$pid" || break; sleep 0.1; done
    ours "$pid" && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$1"
}

# render TEMPLATE OUTPUT: replaces @PEERS_DIR@ and @<NAME>_PORT@.
render() {
  sed -e "s|@PEERS_DIR@|$PEERS_DIR|g" -e "s|@PROSODY_PORT@|$PROSODY_PORT|g" -e "s|@EJABBERD_PORT@|$EJABBERD_PORT|g" \
    -e "s|@SYNAPSE_PORT@|$SYNAPSE_PORT|g" -e "s|@NGIRCD_PORT@|$NGIRCD_PORT|g" "$1" >"$2"
}

# apt_install PKG...: installs missing Debian packages without starting their system daemons.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  mkdir -p "$PEERS_DIR"
  say "installing ${missing[*]} (log: $PEERS_DIR/install.log)"
  (
    export DEBIAN_FRONTEND=noninteractive
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      trap 'rm -f /usr/sbin/policy-rc.d' EXIT
      printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$PEERS_DIR/install.log" 2>&1 ||
      { apt-get update -qq >>"$PEERS_DIR/install.log" 2>&1 &&
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$PEERS_DIR/install.log" 2>&1; }
  ) || {
    tail -20 "$PEERS_DIR/install.log" >&2
    die "apt-get install ${missing[*]} failed"
  }
}

# ensure_venv MODULE:PIP_SPEC...: a venv at $PEERS_DIR/venv with each module importable.
ensure_venv() {
  local need=() spec
  mkdir -p "$PEERS_DIR"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" >>"$PEERS_DIR/install.log" 2>&1 || {
      rm -rf "$VENV"
      apt_install python3-venv
      python3 -m venv "$VENV" >>"$PEERS_DIR/install.log" 2>&1 || die "cannot create a venv"
    }
  fi
  for spec in "$@"; do "$VENV/bin/python" -c "import ${spec%%:*}" 2>/dev/null || need+=("${spec#*:}"); done
  [ ${#need[@]} -eq 0 ] && return 0
  say "pip installing ${need[*]} into $VENV"
  "$VENV/bin/pip" install -q "${need[@]}" >>"$PEERS_DIR/install.log" 2>&1 || {
    tail -20 "$PEERS_DIR/install.log" >&2
    die "pip install ${need[*]} failed"
  }
}

# grant_traverse USER DIR: lets a daemon's service user enter DIR's parents (o+x only).
grant_traverse() {
  local p=$2
  while [ "$p" != / ]; do
    runuser -u "$1" -- test -x "$p" 2>/dev/null || chmod o+x "$p"
    p=$(dirname "$p")
  done
}
