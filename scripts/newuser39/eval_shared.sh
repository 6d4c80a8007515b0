#!/usr/bin/env bash
# newuser39: the own-corpus runs (3 seeds) and trajlm-small on the shared slices' test splits
# (read-only stores; the corpus held Porto's and GeoLife's train trips, so these are in-corpus
# cities, not zero-shot), paired against constant velocity and kNN.
#   OUT=/tmp/newuser39 STORES=/tmp/stores bash scripts/newuser39/eval_shared.sh porto|geolife
set -euo pipefail
OUT=${OUT:-/tmp/newuser39}
STORES=${STORES:-/tmp/stores}
BIN=${BIN:-.venv/bin}
name=$1
cmp=()
for s in 0 1 2; do
    cmp+=(--compare "trajlm:run_s$s,constant velocity" --compare "trajlm:run_s$s,kNN continuation"
          --compare "trajlm:run_s$s,trajlm:trajlm-small")
done
$BIN/python -m trajlm.cli eval --task predict --data "$STORES/$name" \
    --model "$OUT/pre_clean/run_s0" --model "$OUT/pre_clean/run_s1" --model "$OUT/pre_clean/run_s2" \
    --model trajlm-small "${cmp[@]}" --out "$OUT/eval/$name.json" --overwrite
