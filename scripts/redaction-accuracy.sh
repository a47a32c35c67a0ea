#!/usr/bin/env bash
# Scores ChatVault's redactor on the labelled corpus with the shared scorer:
#   scripts/redaction-accuracy.sh [CORPUS]   (CORPUS: the shared corpus, or scripts/redaction/gen_holdout.py output)
# Needs ../shared/corpus (corpus and score.py) and a built chatvault (release if present).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/corpus_5k_seed42.jsonl}
scorer=$(dirname "$corpus")/score.py
[ -f "$scorer" ] || scorer=../shared/corpus/score.py  # a generated holdout (scripts/redaction/gen_holdout.py)
bin=.build/release/chatvault
[ -x "$bin" ] || bin=.build/debug/chatvault
[ -x "$bin" ] || { swift build --product chatvault >/dev/null; bin=.build/debug/chatvault; }
pred=$(mktemp --suffix=.jsonl)
trap 'rm -f "$pred"' EXIT
"$bin" redact < "$corpus" > "$pred"
python3 "$scorer" --gold "$corpus" --pred "$pred" --map identity --label chatvault
