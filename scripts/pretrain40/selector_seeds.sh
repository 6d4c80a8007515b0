#!/usr/bin/env bash
# pretrain40 (c): the shipped candidate selector fitted on a user's own store the way README says
# (`trajlm train-selector --data STORE --out DIR --seed S`, no --config: the defaults a user gets),
# 3 seeds, on newuser39's Trondheim store (scripts/newuser39: gen_trondheim_avl.py + ingest).
#   OUT=/tmp/pretrain40 STORE=/tmp/newuser39/stores/trd_clean bash scripts/pretrain40/selector_seeds.sh
set -euo pipefail
OUT=${OUT:-/tmp/pretrain40}
STORE=${STORE:-/tmp/newuser39/stores/trd_clean}
BIN=${BIN:-.venv/bin}
mkdir -p "$OUT"
for seed in ${SEEDS:-0 1 2}; do
    /usr/bin/time -f "selector seed $seed: %U s user, %e s wall, %M KB" \
        $BIN/python -m trajlm.cli train-selector --data "$STORE" --out "$OUT/sel_s$seed" \
        --seed "$seed" --threads 1 --overwrite
done
