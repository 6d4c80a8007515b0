#!/usr/bin/env bash
# trajlm-small's regression evals (the numbers docs/status.md quotes each session): Porto val
# with clocks +8 h, Porto by hour, GeoLife by user; one thread. Stores ingested as in
# scripts/results.sh (GeoLife with --keep-copies: PROTOCOL's split).
#   MODEL=trajlm-small PORTO=/tmp/stores/porto GEOLIFE=/tmp/stores/geolife OUT=/tmp/regress \
#       bash scripts/regress_small.sh
# Session 23 values (AVX512 machine kind): Porto val 245.9 m, clock +8 h 1.000; by hour 0.683x
# constant velocity (0.496-0.894); GeoLife by user 0.711x (0.599-0.857).
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
BIN=${BIN:-.venv/bin}
MODEL=${MODEL:-trajlm-small}
PORTO=${PORTO:-/tmp/stores/porto}
GEOLIFE=${GEOLIFE:-/tmp/stores/geolife}
OUT=${OUT:-/tmp/regress}
mkdir -p "$OUT"
run() {  # name, store, eval options...
    local name=$1 store=$2; shift 2
    "$BIN/trajlm" eval --task predict --data "$store" --model "$MODEL" --seeds 1 --threads 1 \
        --out "$OUT/$name.json" --overwrite "$@" > "$OUT/$name.log" 2>&1 \
        || { tail -5 "$OUT/$name.log"; exit 1; }
    echo "== $name"
    grep -E '^\| k=5.*\| trajlm' "$OUT/$name.log" | cut -d'|' -f2-4,7-8
}
run porto_val "$PORTO" --score-on val --shift clock=+8h
run porto_hour "$PORTO" --holdout-by hour
run geolife_user "$GEOLIFE" --holdout-by user
