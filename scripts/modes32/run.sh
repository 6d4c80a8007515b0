#!/usr/bin/env bash
# modes32 (issue 15): the pre-registered user_time arms (scripts/modes32/PREREG.md) on val, the
# time split's val for the GB arms, and the exploratory ablations of arm a. ~35 min on one
# shared thread (the 6 hybrid fine-tunes are most of it). Test is read only by hand, by
# `arms.py --read-test ARM`, for the arm the rule names (session 32: none).
# Usage: OUT=out/modes32 GEOLIFE=/tmp/stores/geolife scripts/modes32/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-out/modes32}
GEOLIFE=${GEOLIFE:-/tmp/stores/geolife}
PY=${PY:-.venv/bin/python}
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
PRE=${PRE:-$OUT/pretrained}
if [ ! -f "$PRE/best/model.safetensors" ]; then  # sessions 6-10's GeoLife model
  .venv/bin/trajlm train --data "$GEOLIFE" --out "$PRE" --config configs/demo.toml \
    --max-steps 1500 --seed 0 --threads 1 --no-val-check
fi
$PY scripts/modes32/arms.py --data "$GEOLIFE" --out "$OUT" --hybrid "$PRE/best"
$PY scripts/modes32/arms.py --data "$GEOLIFE" --out "$OUT" --split-by time
$PY scripts/modes32/ablate_a.py --data "$GEOLIFE" --out "$OUT"
$PY scripts/modes32/ablate_a.py --data "$GEOLIFE" --out "$OUT" --forward
