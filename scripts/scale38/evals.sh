#!/usr/bin/env bash
# Session 38 (scale38): `trajlm eval --task predict` of one checkout on Porto and GeoLife with
# trajlm-small (each under /usr/bin/time -v), tables kept for scripts/scale34/same_eval.py.
#   SRC=CHECKOUT OUT=DIR OMP_NUM_THREADS=1 nice -n 10 bash scripts/scale38/evals.sh
# SRC: the checkout whose code runs (a `git archive` of the commit, trajlm-small's weights
# linked in; default: here). STORES: "porto geolife" under /tmp/stores unless set.
# Writes OUT/NAME/eval.json, OUT/NAME.err (CPU, maximum RSS); compare two OUTs with
#   for s in porto geolife; do python scripts/scale34/same_eval.py A/$s/eval.json B/$s/eval.json; done
set -euo pipefail
SRC=${SRC:-$PWD}
: "${OUT:?OUT=a new folder for the outputs}"
STORES=${STORES:-"/tmp/stores/porto /tmp/stores/geolife"}
mkdir -p "$OUT"
cd "$SRC"
for store in $STORES; do
    name=$(basename "$store")
    PYTHONPATH=$SRC /usr/bin/time -v "${PYTHON:-.venv/bin/python}" -m trajlm.cli eval \
        --task predict --data "$store" --model trajlm-small --out "$OUT/$name/eval.json" \
        > "$OUT/$name.out" 2> "$OUT/$name.err"
    echo "$name: $(grep -E 'Maximum resident' "$OUT/$name.err")"
done
