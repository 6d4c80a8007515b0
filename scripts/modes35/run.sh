#!/usr/bin/env bash
# modes35 (issue 15): GB self-trained on GeoLife's unlabelled segments, user_time. The
# pre-registered arms on val (scripts/modes35/PREREG.md), then the exploration after the rule
# (val grid, forward folds). ~5 min on one shared thread. Test is read only by hand, by
# `selftrain.py --read-test ARM`, for the arm the rule names (session 35: none).
# Usage: OUT=out/modes35 GEOLIFE=/tmp/stores/geolife scripts/modes35/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-out/modes35}
GEOLIFE=${GEOLIFE:-/tmp/stores/geolife}
PY=${PY:-.venv/bin/python}
export PYTHONPATH=$PWD OMP_NUM_THREADS=1
$PY scripts/modes35/selftrain.py --data "$GEOLIFE" --out "$OUT"
$PY scripts/modes35/explore.py --data "$GEOLIFE" --out "$OUT"
$PY scripts/modes35/explore.py --data "$GEOLIFE" --out "$OUT" --forward
