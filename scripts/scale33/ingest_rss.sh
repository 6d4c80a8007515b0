#!/usr/bin/env bash
# Session 33 (scale33): ingest's peak RSS on a month of day files, before / after, same store.
#
#   BEFORE=/path/to/old/checkout OMP_NUM_THREADS=1 bash scripts/scale33/ingest_rss.sh VANS
#
# Generates newuser33's fleet month with VANS vans (300: 0.9 M fixes, 1000: 3.0 M, 2000: 6.1 M)
# under $SCALE33_OUT/fleet-VANS (default /tmp/scale33), ingests it with the code at $BEFORE
# (if set) and with this checkout, each under /usr/bin/time -v and scripts/scale33/rss_where.py
# (where the peak is reached), compares the two stores byte for byte (same_store.py), appends
# a row to $SCALE33_OUT/ingest_rss.tsv and deletes the generated files and stores.
set -eu
VANS=${1:?usage: ingest_rss.sh VANS}
OUT=${SCALE33_OUT:-/tmp/scale33}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=${PYTHON:-$ROOT/.venv/bin/python}
F=$OUT/fleet-$VANS
mkdir -p "$OUT"
[ -d "$F/raw" ] || PYTHONPATH=$ROOT "$PY" "$ROOT/scripts/newuser33/gen_fleet.py" --out "$F" --vehicles "$VANS"
[ -f "$OUT/ingest_rss.tsv" ] || printf 'vans\tcode\twall_s\tpeak_rss_mb\tpeak_at\n' > "$OUT/ingest_rss.tsv"
run() {  # run NAME CODE_ROOT
    rm -rf "$F/store-$1"
    PYTHONPATH=$2 /usr/bin/time -v -o "$F/time-$1.txt" "$PY" "$HERE/rss_where.py" \
        --out "$F/where-$1.json" -- data ingest "$F/raw" --out "$F/store-$1" --on-error skip \
        > /dev/null 2> "$F/err-$1.txt"
    wall=$(awk -F': ' '/Elapsed/ {print $2}' "$F/time-$1.txt")
    kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$F/time-$1.txt")
    at=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['stack'][-1])" "$F/where-$1.json")
    printf '%s\t%s\t%s\t%s\t%s\n' "$VANS" "$1" "$wall" "$((kb / 1024))" "$at" | tee -a "$OUT/ingest_rss.tsv"
}
[ -n "${BEFORE:-}" ] && run before "$BEFORE"
run after "$ROOT"
[ -n "${BEFORE:-}" ] && "$PY" "$HERE/same_store.py" "$F/store-before" "$F/store-after"
[ "${KEEP:-0}" = 1 ] || rm -rf "$F"
