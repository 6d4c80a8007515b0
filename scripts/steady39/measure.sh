#!/usr/bin/env bash
# Score trajlm-small against constant velocity on every set in $SETS (csv files; a
# NAME_truth.csv beside one is passed as --truth) at histories 2-10 and 20 fixes.
# usage: OUT=/tmp/steady39/before SETS="/tmp/steady39/movers/*.csv" bash scripts/steady39/measure.sh
# MODEL=dir picks another model directory (default trajlm-small).
set -euo pipefail
OUT=${OUT:-/tmp/steady39/run}
MODEL=${MODEL:-trajlm/checkpoints/trajlm-small}
mkdir -p "$OUT"
export OMP_NUM_THREADS=1 PYTHONPATH=$PWD
for f in $SETS; do
  case "$f" in *_truth.csv) continue ;; esac
  name=$(basename "$f" .csv)
  truth=()
  [ -f "${f%.csv}_truth.csv" ] && truth=(--truth "${f%.csv}_truth.csv")
  nice -n 10 .venv/bin/python scripts/probe_movers_score.py "$f" "${truth[@]}" \
    --hist 2 3 4 5 6 7 8 9 10 20 --model "$MODEL" --out "$OUT/$name.json" > "$OUT/$name.log" 2>&1
  echo "$name done"
done
