#!/usr/bin/env bash
# Session 31 (gate31): the coverage gate's speed range, old rule vs new, on val (docs/generalization.md
# "Session 31 (gate31)"). Stores: PORTO / GEOLIFE as scripts/regress_small.sh; the two vessel
# runs are fitted here (newuser30's generated feed via scripts/vessel30/check_frictions.py, the
# shared AIS set via fit_vessels.py). trajlm-small must be built (make trajlm-small).
#   SHARED=../shared/data PORTO=/tmp/stores/porto GEOLIFE=/tmp/stores/geolife \
#       GATE31_OUT=runs/gate31 bash scripts/gate31/run.sh      (~15 min on one thread)
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=.
PY=${PY:-.venv/bin/python}
SHARED=${SHARED:-../shared/data}
PORTO=${PORTO:-/tmp/stores/porto}
GEOLIFE=${GEOLIFE:-/tmp/stores/geolife}
export GATE31_OUT=${GATE31_OUT:-runs/gate31}
WORK=$GATE31_OUT/work
mkdir -p "$WORK"
"$PY" scripts/vessel30/check_frictions.py "$WORK/vessels30" > "$WORK/vessels30.log" 2>&1
SHARED=$SHARED "$PY" scripts/gate31/fit_vessels.py "$WORK/suez" > "$WORK/suez.log" 2>&1
M="$PY scripts/gate31/measure_gate.py"
$M porto_val "$PORTO" trajlm-small --n 3000
$M geolife_val "$GEOLIFE" trajlm-small --n 3000
$M suez_val "$WORK/suez/store" "$WORK/suez/run/best" --n 3000
$M vessels30_val "$WORK/vessels30/store" "$WORK/vessels30/run/best"
$M vessels30_train "$WORK/vessels30/store" "$WORK/vessels30/run/best" --split train
"$PY" scripts/gate31/table.py "$GATE31_OUT"
