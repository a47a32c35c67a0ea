#!/usr/bin/env bash
# Property-based API test of the ChatVault REST API with Schemathesis.
#
# Builds a fresh demo vault, creates API tokens (officer, ingest) and an admin browser
# session, starts `chatvault serve` on a free loopback port, and runs
# `schemathesis run http://127.0.0.1:PORT/api/v1/openapi.json` three times:
#   1. every operation except ingest and the admin-only ones, with the officer token;
#   2. POST /api/v1/ingest with the ingest token, and the gateway API (decide, notice, gateway/ping)
#      with a gateway token;
#   3. the admin-only operations (users, tokens) with the admin session cookie + CSRF header.
# Checks: not_a_server_error, status_code_conformance, content_type_conformance,
# response_schema_conformance. Bounded: --max-examples (default 30) per operation and a
# wall-clock limit per run (default 150 s). Exits non-zero if any run reports a failure.
#
# Usage: scripts/web/schemathesis.sh
# Env:   CHATVAULT_BIN (default .build/debug/chatvault), WEB_VENV (default /tmp/chatvault-web-venv),
#        ST_MAX_EXAMPLES (30), ST_TIME_LIMIT (150 s per run), ST_SEED (fixed seed: 20261129),
#        ST_CHECKS (comma list; default as above), ST_REPORT_DIR (keep JUnit reports there).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${CHATVAULT_BIN:-$root/.build/debug/chatvault}"
venv="${WEB_VENV:-/tmp/chatvault-web-venv}"
max_examples="${ST_MAX_EXAMPLES:-30}"
time_limit="${ST_TIME_LIMIT:-150}"
seed="${ST_SEED:-20261129}"
checks="${ST_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance}"

[ -x "$bin" ] || { echo "FAIL: no chatvault binary at $bin (build it or set CHATVAULT_BIN)" >&2; exit 2; }
[ -x "$venv/bin/schemathesis" ] || { echo "FAIL: no schemathesis in $venv (run scripts/web/setup.sh)" >&2; exit 2; }

work="$(mktemp -d /tmp/chatvault-schemathesis.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

vault="$work/vault"
"$bin" demo --vault "$vault" --no-serve >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; exit 2; }
officer_token="$("$bin" token st-officer --role officer --vault "$vault" | tail -1)"
ingest_token="$("$bin" token st-ingest --role ingest --source schemathesis --vault "$vault" | tail -1)"
gateway_token="$("$bin" token st-gateway --role gateway --platform matrix --vault "$vault" | tail -1)"

port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
"$bin" serve --vault "$vault" --host 127.0.0.1 --port "$port" --no-capture >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -fsS "$base/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$base/api/v1/health" >/dev/null || { echo "FAIL: server did not start" >&2; cat "$work/server.log" >&2; exit 2; }

# An admin session: the cookie and its CSRF token.
csrf="$(curl -fsS -c "$work/cookies" -H 'Content-Type: application/json' \
  -d '{"user":"admin","password":"chatvault-demo"}' "$base/api/v1/login" |
  "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')"
session="$(awk '$6 == "cv_session" { print $7 }' "$work/cookies")"
[ -n "$session" ] && [ -n "$csrf" ] || { echo "FAIL: could not sign in as admin" >&2; exit 2; }

# The tokens and the session must really work, or every case would pass as a documented 401.
for credentials in "Authorization: Bearer $officer_token" "Cookie: cv_session=$session"; do
  curl -fsS -H "$credentials" "$base/api/v1/me" >/dev/null || { echo "FAIL: $base/api/v1/me refused ${credentials%%:*}" >&2; exit 2; }
done
curl -fsS -H "Authorization: Bearer $ingest_token" "$base/api/v1/me" >/dev/null || { echo "FAIL: the ingest token is refused" >&2; exit 2; }

# Real identifiers for the operations that look things up, so that generated requests
# reach the handlers instead of stopping at 404.
message_id="$(curl -fsS -H "Authorization: Bearer $officer_token" "$base/api/v1/search?q=guaranteed" |
  "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["hits"][0]["message"]["id"])')"
cat >"$work/schemathesis.toml" <<TOML
[[operations]]
include-path = "/api/v1/reports/{name}"
parameters = { "path.name" = "volume" }

[[operations]]
include-path = "/api/v1/messages/{id}"
parameters = { "path.id" = $message_id }
TOML

echo "schemathesis $("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}') against $base; checks: $checks; max examples $max_examples; seed $seed"

# Schemathesis keeps a crash cache in ./.schemathesis: keep it in the temporary directory.
cd "$work"

status=0
run_st() {
  local label="$1"
  shift
  echo "== $label"
  local report=()
  if [ -n "${ST_REPORT_DIR:-}" ]; then
    mkdir -p "$ST_REPORT_DIR"
    report=(--report junit --report-junit-path "$ST_REPORT_DIR/$label.xml")
  fi
  set +e
  timeout --signal=INT --kill-after=15 "$time_limit" \
    "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "$base/api/v1/openapi.json" \
    --checks "$checks" --max-examples "$max_examples" --seed "$seed" \
    --workers 2 --request-timeout 20 --no-color --suppress-health-check all \
    --phases examples,coverage,fuzzing --generation-database none --generation-with-security-parameters false "${report[@]}" "$@" 2>&1 | tee "$work/$label.log"
  local rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 130 ]; then
    echo "FAIL: $label: schemathesis did not finish within $time_limit s" >&2
    status=1
  elif [ "$rc" -ne 0 ]; then
    echo "FAIL: $label: schemathesis exited $rc" >&2
    status=1
  fi
}

admin_paths='^/api/v1/(users|tokens)$'
run_st officer --header "Authorization: Bearer $officer_token" \
  --exclude-path /api/v1/ingest --exclude-path-regex "$admin_paths"
run_st ingest --header "Authorization: Bearer $ingest_token" --include-path /api/v1/ingest
run_st gateway --header "Authorization: Bearer $gateway_token" --include-path-regex '^/api/v1/(decide|notice|gateway/ping)$'
run_st admin --header "Cookie: cv_session=$session" --header "X-CSRF-Token: $csrf" --include-path-regex "$admin_paths"

# Most generated requests must have been authenticated: each one the officer token was
# allowed to make left an audit record.
audited="$(curl -fsS -H "Authorization: Bearer $officer_token" "$base/api/v1/audit?actor=token:st-officer" |
  "$venv/bin/python" -c 'import json,sys; d=json.load(sys.stdin); print(len(d["events"]))')"
echo "audit records by the officer token (first page): $audited"
if [ "$audited" -lt 50 ]; then
  echo "FAIL: only $audited audited requests by the officer token: the runs did not reach the API's handlers" >&2
  status=1
fi

# Errors the server logged (an unexpected error is logged and answered with a 500).
if grep -qE '^[^ ]+ (error|critical) ' "$work/server.log"; then
  echo "server log errors:"
  grep -E '^[^ ]+ (error|critical) ' "$work/server.log" | head -20
fi
if [ "$status" -eq 0 ]; then
  echo "schemathesis: all runs passed"
else
  echo "schemathesis: FAILED (see above)" >&2
fi
exit "$status"
