#!/usr/bin/env bash
# PROTOCOL's 20-point windows on Porto / GeoLife (trajlm eval --task predict), one model dir.
# usage: MODEL=dir OUT=dir [SPLIT=val|test] bash scripts/steady39/protocol_val.sh
# SPLIT=test is steady39's one final read (step 3), never a choice.
set -euo pipefail
export OMP_NUM_THREADS=1 PYTHONPATH=$PWD
MODEL=${MODEL:-trajlm/checkpoints/trajlm-small}
OUT=${OUT:-/tmp/steady39/protocol}
SPLIT=${SPLIT:-val}
mkdir -p "$OUT"
for store in porto geolife; do
  extra=()
  [ "$SPLIT" = val ] && extra=(--score-on val)
  nice -n 10 .venv/bin/trajlm eval --task predict --data "/tmp/stores/$store" --model "$MODEL" \
    --seeds 1 --threads 1 "${extra[@]}" --out "$OUT/$store.json" --overwrite > "$OUT/$store.log" 2>&1
  echo "== $store"
  grep -E '^\| k=5' "$OUT/$store.log" | head -12
done
