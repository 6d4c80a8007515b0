#!/usr/bin/env bash
# Session 32 (gate32): the gate's low end from windows (rule B) and the glitch speed (G) against
# gate31's rule (A) on four long-stop feeds and trajlm-small's val stores (scripts/gate32/PREREG.md;
# docs/generalization.md "Session 32 (gate32)"). The vessel runs come from scripts/gate31/run.sh
# (GATE31_OUT/work/{vessels30,suez}); the bus and van runs are fitted here.
#   SHARED=../shared/data PORTO=/tmp/stores/porto GEOLIFE=/tmp/stores/geolife \
#       GATE31_OUT=runs/gate31 GATE32_OUT=runs/gate32 bash scripts/gate32/run.sh
set -euo pipefail
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONPATH=.
PY=${PY:-.venv/bin/python}
PORTO=${PORTO:-/tmp/stores/porto}
GEOLIFE=${GEOLIFE:-/tmp/stores/geolife}
V31=${GATE31_OUT:-runs/gate31}/work
export GATE32_OUT=${GATE32_OUT:-runs/gate32}
WORK=$GATE32_OUT/work
mkdir -p "$WORK"
[ -d "$V31/vessels30/run" ] || bash scripts/gate31/run.sh
for feed in transit vans; do
    "$PY" scripts/gate32/fit_feeds.py $feed "$WORK/$feed" > "$WORK/$feed.log" 2>&1
done
M="$PY scripts/gate32/measure.py"
$M vessels30_val "$V31/vessels30/store" "$V31/vessels30/run/best"
$M vessels30_train "$V31/vessels30/store" "$V31/vessels30/run/best" --split train
$M suez_val "$V31/suez/store" "$V31/suez/run/best"
$M transit_val "$WORK/transit/store" "$WORK/transit/run/best"
$M vans_val "$WORK/vans/store" "$WORK/vans/run/best"
$M porto_val "$PORTO" trajlm-small --n 3000
$M geolife_val "$GEOLIFE" trajlm-small --n 3000
