#!/usr/bin/env bash
# Session 32 (newuser32): the smartphone study's CLI steps, as the README and --help give them.
# Command (after gen_study.py), from the repository root:
#   PYTHONPATH=. bash scripts/newuser32/walk_cli.sh [OUT]   (default $NEWUSER32_OUT or /tmp/newuser32)
set -u
OUT=${1:-${NEWUSER32_OUT:-/tmp/newuser32}}
T=${TRAJLM:-trajlm}
PY=${PYTHON:-python}
HERE=$(cd "$(dirname "$0")" && pwd)
run() { echo "== $*"; local s=$SECONDS; "$@" 2>&1 | tail -n 25 | cut -c1-600; echo "   ($((SECONDS - s)) s)"; }
cd "$OUT" || exit 2
rm -rf cli_store cli_trips cli_labelled cli_clf cli_pred.csv
run $T data ingest gps.csv --out cli_store
run $T data ingest gps.csv --out cli_trips --split-at-stops
run $T data inspect cli_trips
run $T ask "how many trips did P07 make?" --data cli_trips
run $T ask "how many km did P07 travel between 2026-03-02 and 2026-03-08?" --data cli_trips --tz Europe/Amsterdam
run $T ask "how many km did P07 cycle?" --data cli_trips
run $T predict --model trajlm-small --input gps.csv --latest --steps 3 --out cli_pred.csv
head -4 cli_pred.csv
# the diary's modes on the fixes (walk_study.label_fixes), a labelled store and a classifier
run $PY "$HERE/label_csv.py" "$OUT"
run $T data ingest labelled.csv --out cli_labelled --traj-col trip --label-col mode
run $T finetune --task classify --data cli_labelled --model trajlm-small --out cli_clf --epochs 2
