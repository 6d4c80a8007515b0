#!/usr/bin/env bash
# Session 37 (scale37): eval's peak RSS and where it is reached, on a store (the 6.1 M-fix fleet
# month: scripts/newuser33/gen_fleet.py --vehicles 2000, ingested with --on-error skip).
#   SRC=CHECKOUT STORE=DIR OUT=DIR bash scripts/scale37/peak.sh
# SRC: the checkout whose code runs (a `git archive` of the commit to measure; default: here).
# Writes OUT/where.json (scripts/scale33/rss_where.py: peak, its stack, the RSS timeline),
# OUT/eval.json (the table: compare two with scripts/scale34/same_eval.py A B) and
# OUT/err.log (/usr/bin/time -v: CPU seconds, maximum resident set size).
set -euo pipefail
SRC=${SRC:-$PWD}
: "${STORE:?STORE=the store to evaluate}" "${OUT:?OUT=a new folder for the outputs}"
mkdir -p "$OUT"
cd "$SRC"
PYTHONPATH=$SRC OMP_NUM_THREADS=1 /usr/bin/time -v "${PYTHON:-.venv/bin/python}" \
    scripts/scale33/rss_where.py --out "$OUT/where.json" -- \
    eval --task predict --data "$STORE" --out "$OUT/eval.json" > "$OUT/out.log" 2> "$OUT/err.log"
grep -E "^peak|^  |Maximum resident|User time|System time" "$OUT/err.log"
