#!/usr/bin/env bash
# Reproduce docs/travel-time.md, session 9 (issue 15): every arm scored on 5 rolling-origin
# blocks of train + val (the last block is val), the choice made by the blocks' rule
# (scripts/tte_rolling.py RULE), then ONE test read of that choice beside the baselines.
# Usage: scripts/tte_rolling.sh porto|geolife STORE
#   env: OUT=out/tte9 BIN=.venv/bin SPLITS="blocks test"
# Blocks: ~6 min (Porto) / ~18 min (GeoLife) on a loaded 2-core machine; test ~1-3 min.
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
DATA=${1:?usage: scripts/tte_rolling.sh porto|geolife STORE}
STORE=${2:?usage: scripts/tte_rolling.sh porto|geolife STORE}
BIN=${BIN:-.venv/bin}; OUT=${OUT:-out/tte9}; SPLITS=${SPLITS:-blocks test}
mkdir -p "$OUT"
for split in $SPLITS; do
  "$BIN/python" scripts/tte_rolling.py --data "$STORE" --split "$split" \
    --blocks "$OUT/${DATA}_blocks.json" --out "$OUT/${DATA}_$split.json"
done
