#!/usr/bin/env bash
# Fuzz ChatVault's parsers with libFuzzer for a bounded time.
#
#   scripts/fuzz.sh [PARSER|all] [SECONDS]
#
# PARSER is one of jsonl, whatsapp, slack, telegram, discord, irc, csv, xmpp (the XMPP
# stream parser of live capture) (default: all);
# SECONDS is the time per parser (default 60). Builds Sources/chatvault-fuzz with
# `--sanitize fuzzer` (plus address sanitizer) into .build-fuzz, runs each parser with
# -max_total_time, and keeps corpora in .build-fuzz/corpus/PARSER. A crash leaves
# crash-* files in .build-fuzz/artifacts/PARSER and makes the script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

PARSER="${1:-all}"
SECONDS_EACH="${2:-60}"
ALL=(jsonl whatsapp slack telegram discord irc csv xmpp)
if [[ "$PARSER" == "all" ]]; then PARSERS=("${ALL[@]}"); else PARSERS=("$PARSER"); fi

swift build -c debug --scratch-path .build-fuzz --product chatvault-fuzz \
    --sanitize fuzzer --sanitize address -Xswiftc -parse-as-library -Xswiftc -DFUZZING
BIN="$(swift build -c debug --scratch-path .build-fuzz --show-bin-path)/chatvault-fuzz"

status=0
for parser in "${PARSERS[@]}"; do
    corpus=".build-fuzz/corpus/$parser"
    artifacts=".build-fuzz/artifacts/$parser/"
    mkdir -p "$corpus" "$artifacts"
    echo "== $parser for ${SECONDS_EACH}s"
    if ! CHATVAULT_FUZZ_PARSER="$parser" CHATVAULT_FUZZ_SEED_DIR="$corpus" "$BIN" "$corpus" -max_total_time="$SECONDS_EACH" \
        -max_len=65536 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts" -print_final_stats=1; then
        echo "!! $parser: crash or failure, see $artifacts" >&2
        status=1
    fi
done
exit $status
